/**
 * The Driftless GitOps engine: a plain TypeScript library (no Backstage
 * imports) that the backend plugin and the `driftless` CLI build on.
 *
 * @packageDocumentation
 */

export * from './application';
export * from './labels';
export * from './cluster';
export * from './tracking';
export * from './cache';
export * from './diff';
export {
  ExternalToolNotFoundError,
  locateExecutable,
  probeExternalTool,
} from './tools/externalTools';
export type {
  ExternalToolLocation,
  ExternalToolName,
  ExternalToolProbe,
} from './tools/externalTools';
export { runTool, ToolRunError } from './tools/runTool';
export type { RunToolOptions, RunToolResult } from './tools/runTool';
export * from './render';
export * from './git';
export * from './health';
export * from './appset';
export * from './sync';
export * from './actions';
