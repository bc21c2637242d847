import type { GitRepoCredentials } from './credentials';
import type { GitForcePushError, GitSourceError } from './errors';
import type { GitRevisionKind } from './revision';

/** Which commit of which repository a caller wants: an Application source's repoURL and targetRevision. */
export interface GitRevisionRequest {
  /** https://, ssh:// or scp-like user@host:path, or file:// URL. */
  repoURL: string;
  /**
   * A branch, a tag, a commit SHA (full, or abbreviated to at least 7 hex
   * digits), a full ref name such as `refs/pull/42/head`, or `HEAD`. Empty or
   * absent means `HEAD`, as in Argo CD.
   */
  targetRevision?: string;
  /** Ask the remote again even if the last answer is recent (Argo CD's hard refresh, or a webhook). */
  refresh?: boolean;
  /**
   * The SHA this same repoURL and targetRevision resolved to before, e.g. the
   * last synced revision from the store. When the branch no longer descends
   * from it, the result carries a {@link GitForcePushError}. Without it, only
   * resolutions made by this process are compared.
   */
  previousSha?: string;
  /** `report` (default): resolve to the new tip and attach `forcePush`; `fail`: throw the {@link GitForcePushError}. */
  onForcePush?: 'report' | 'fail';
  /** Credentials for this request; when absent, the source's credentials provider is asked. */
  credentials?: GitRepoCredentials;
}

/** What a revision resolved to. */
export interface GitResolvedRevision {
  /** The repoURL as requested (trimmed). */
  repoURL: string;
  /** The targetRevision as requested, `HEAD` when it was empty. */
  revision: string;
  /** The full commit SHA (lower case); an annotated tag is dereferenced to its commit. */
  sha: string;
  kind: GitRevisionKind;
  /** The full ref that matched (`refs/heads/main`; for HEAD, the branch it points to when the server says). */
  ref?: string;
  /** Set when a branch or HEAD was force-pushed since it last resolved; see {@link GitRevisionRequest.previousSha}. */
  forcePush?: GitForcePushError;
}

/**
 * An immutable checkout of one commit. The directory holds exactly the
 * commit's files (no `.git`), is read-only, and is shared by every caller that
 * asks for the same repository and SHA: never write into it. A renderer that
 * needs to write (e.g. `helm dependency build`) copies what it needs first.
 */
export interface GitCheckout extends GitResolvedRevision {
  /** Absolute path of the checkout's root directory. */
  path: string;
}

/**
 * The engine's port to Git: resolve an Application source's revision and get
 * the files of that commit. {@link GitMirrorSource} implements it with local
 * bare mirrors and the `git` binary.
 */
export interface GitSource {
  /** Resolves a revision to a commit SHA, contacting the remote only when needed. */
  resolveRevision(request: GitRevisionRequest): Promise<GitResolvedRevision>;
  /** Resolves a revision and returns the checkout of that commit. */
  checkout(request: GitRevisionRequest): Promise<GitCheckout>;
}

/** A call to the remote, reported to {@link GitMirrorSourceOptions.onRemoteOperation}. */
export interface GitRemoteOperationEvent {
  /** `ls-remote` lists refs; `fetch` transfers objects. */
  operation: 'ls-remote' | 'fetch';
  repoURL: string;
  durationMs: number;
  /** Set when the operation failed. */
  error?: GitSourceError;
}
