/**
 * The Driftless GitOps frontend plugin.
 *
 * The default export is the plugin for the new frontend system, which apps
 * with `app.packages: all` pick up on their own. The named exports are for
 * apps on the legacy system.
 *
 * @packageDocumentation
 */

export { gitopsFrontendPlugin as default } from './plugin';
export {
  EntityGitOpsCard,
  EntityGitOpsContent,
  EntityRolloutCard,
  GitOpsPage,
  gitopsPlugin,
} from './legacy';
export { gitopsApiRef, type GitOpsApi } from './api/GitOpsApi';
export { GitOpsClient } from './api/GitOpsClient';
export {
  isGitOpsAvailable,
  getEntityApplicationLinks,
} from '@driftless/backstage-plugin-gitops-common';
