/**
 * The Driftless GitOps backend plugin: the GitOps controller inside Backstage.
 *
 * @packageDocumentation
 */

export { gitopsPlugin as default } from './plugin';
