/**
 * The errors a Git source raises. Each says what went wrong, for which
 * repository (its URL with any credentials removed) and revision, and what to
 * do about it; none ever carries a credential.
 */
export class GitSourceError extends Error {
  /** The repository URL, safe to show (it never holds credentials). */
  readonly repoURL: string;
  readonly revision?: string;

  constructor(
    message: string,
    options: { repoURL: string; revision?: string },
  ) {
    super(message);
    this.name = 'GitSourceError';
    this.repoURL = options.repoURL;
    this.revision = options.revision;
  }
}

/** The repoURL is malformed, uses a protocol that is not allowed, or embeds credentials. */
export class GitRepoURLError extends GitSourceError {
  constructor(message: string, repoURL: string) {
    super(message, { repoURL });
    this.name = 'GitRepoURLError';
  }
}

/** The repository could not be reached: DNS, connection, TLS or a transport failure. */
export class GitRepoUnreachableError extends GitSourceError {
  constructor(
    message: string,
    options: { repoURL: string; revision?: string },
  ) {
    super(message, options);
    this.name = 'GitRepoUnreachableError';
  }
}

/**
 * The server answered that there is no repository at this URL. Hosting
 * services such as GitHub also answer this way for a private repository when
 * no or wrong credentials are sent, so it may be an authentication problem.
 */
export class GitRepoNotFoundError extends GitRepoUnreachableError {
  constructor(
    message: string,
    options: { repoURL: string; revision?: string },
  ) {
    super(message, options);
    this.name = 'GitRepoNotFoundError';
  }
}

/** Why authentication failed. */
export type GitAuthenticationFailure =
  /** The server asked for credentials and none were configured for the repository. */
  | 'credentials-required'
  /** The server rejected the credentials that were sent. */
  | 'credentials-rejected'
  /** The SSH host key could not be verified against the known hosts. */
  | 'host-key';

/** The server refused the credentials, asked for some that were not configured, or its SSH host key is not trusted. */
export class GitAuthenticationError extends GitSourceError {
  readonly reason: GitAuthenticationFailure;

  constructor(
    message: string,
    options: {
      repoURL: string;
      revision?: string;
      reason: GitAuthenticationFailure;
    },
  ) {
    super(message, options);
    this.name = 'GitAuthenticationError';
    this.reason = options.reason;
  }
}

/** No branch, tag or commit of that name exists in the repository. */
export class GitRevisionNotFoundError extends GitSourceError {
  declare readonly revision: string;

  constructor(message: string, options: { repoURL: string; revision: string }) {
    super(message, options);
    this.name = 'GitRevisionNotFoundError';
  }
}

/**
 * A branch (or HEAD) moved to a commit that does not descend from the commit it
 * resolved to before: its history was rewritten by a force push. Resolution
 * still returns the new tip and attaches this as `forcePush`; it is thrown only
 * when the request asks for `onForcePush: 'fail'`.
 */
export class GitForcePushError extends GitSourceError {
  declare readonly revision: string;
  readonly previousSha: string;
  readonly newSha: string;

  constructor(options: {
    repoURL: string;
    revision: string;
    previousSha: string;
    newSha: string;
  }) {
    super(
      `Branch '${options.revision}' of ${options.repoURL} was force-pushed: ` +
        `commit ${options.previousSha}, which it resolved to before, is no longer reachable from it; ` +
        `it now resolves to ${options.newSha}. Check with the repository's owners that the history ` +
        `rewrite was intended; the previous commit can no longer be deployed from this branch.`,
      options,
    );
    this.name = 'GitForcePushError';
    this.previousSha = options.previousSha;
    this.newSha = options.newSha;
  }
}

/** A git command ran longer than the configured timeout and was stopped. */
export class GitTimeoutError extends GitSourceError {
  readonly timeoutMs: number;

  constructor(
    message: string,
    options: { repoURL: string; revision?: string; timeoutMs: number },
  ) {
    super(message, options);
    this.name = 'GitTimeoutError';
    this.timeoutMs = options.timeoutMs;
  }
}

/** git failed in a way none of the other errors describe; the message ends with what git said. */
export class GitCommandError extends GitSourceError {
  readonly exitCode: number | null;

  constructor(
    message: string,
    options: { repoURL: string; revision?: string; exitCode: number | null },
  ) {
    super(message, options);
    this.name = 'GitCommandError';
    this.exitCode = options.exitCode;
  }
}
