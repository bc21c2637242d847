export { parseGitWebhook, detectGitWebhookProvider } from './parseGitWebhook';
export type { GitWebhookRequest } from './parseGitWebhook';
export { readGitWebhookSettings } from './readGitWebhookSettings';
export {
  applicationsAffectedByPush,
  pushMovesRevision,
} from './applicationsAffectedByPush';
export type { PushMatchableApplication } from './applicationsAffectedByPush';
export { pushedRepoMatches } from './pushedRepoMatches';
export {
  MANIFEST_GENERATE_PATHS_ANNOTATION,
  changedFilesTouchPaths,
  manifestGeneratePaths,
} from './manifestGeneratePaths';
export { GIT_WEBHOOK_PROVIDERS, GIT_WEBHOOK_PROVIDER_NAMES } from './types';
export type {
  GitPushEvent,
  GitWebhookEvent,
  GitWebhookProvider,
  GitWebhookProviderSettings,
  GitWebhookSettings,
  WebhookRequestHeaders,
} from './types';
