/**
 * Types and helpers shared by the Driftless GitOps frontend and backend
 * plugins: catalog annotations and the REST API's shapes.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './api';
export * from './permissions';
export * from './resourceEvents';
