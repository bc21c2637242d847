export type {
  GitCheckout,
  GitRemoteOperationEvent,
  GitResolvedRevision,
  GitRevisionRequest,
  GitSource,
} from './types';
export { GitMirrorSource } from './GitMirrorSource';
export type {
  GitMirrorSourceOptions,
  PruneCheckoutsOptions,
} from './GitMirrorSource';
export type { PrunedCheckout } from './checkoutDir';
export { gitTokenAuth } from './credentials';
export type {
  GitAuth,
  GitCredentialsProvider,
  GitRepoCredentials,
  GitTokenHost,
} from './credentials';
export {
  GitAuthenticationError,
  GitCommandError,
  GitForcePushError,
  GitRepoNotFoundError,
  GitRepoUnreachableError,
  GitRepoURLError,
  GitRevisionNotFoundError,
  GitSourceError,
  GitTimeoutError,
} from './errors';
export type { GitAuthenticationFailure } from './errors';
export {
  DEFAULT_ALLOWED_GIT_PROTOCOLS,
  normalizeGitRepoURL,
  parseGitRepoURL,
  redactURLCredentials,
  sameGitRepo,
} from './repoUrl';
export type { GitProtocol, ParsedGitRepoURL } from './repoUrl';
export {
  isAbbreviatedCommitSha,
  isFullCommitSha,
  normalizeTargetRevision,
} from './revision';
export type { GitRevisionKind } from './revision';
