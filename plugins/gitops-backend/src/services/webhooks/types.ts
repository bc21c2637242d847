/** The Git hosts whose push webhooks Driftless reads. */
export type GitWebhookProvider =
  | 'github'
  | 'gitlab'
  | 'gitea'
  | 'bitbucket'
  | 'bitbucketServer';

/** Every provider, in the order their config keys are documented. */
export const GIT_WEBHOOK_PROVIDERS: readonly GitWebhookProvider[] = [
  'github',
  'gitlab',
  'gitea',
  'bitbucket',
  'bitbucketServer',
];

/** How each provider is named in messages. */
export const GIT_WEBHOOK_PROVIDER_NAMES: Record<GitWebhookProvider, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  gitea: 'Gitea',
  bitbucket: 'Bitbucket Cloud',
  bitbucketServer: 'Bitbucket Server',
};

/** One ref update a push webhook reports, normalized across providers. */
export interface GitPushEvent {
  provider: GitWebhookProvider;
  /**
   * The repository's URLs as the payload gives them (clone over https, ssh,
   * web page), without duplicates. Compare them with an Application's repoURL
   * through {@link pushedRepoMatches}, which also accepts the ssh variants
   * (port, `ssh.` host) that `sameGitRepo` alone tells apart.
   */
  repoURLs: string[];
  /** Full ref name: `refs/heads/main`, `refs/tags/v1.2.0`. */
  ref: string;
  /** Set when `ref` is a branch: its short name, which may contain '/'. */
  branch?: string;
  /** Set when `ref` is a tag: its short name. */
  tag?: string;
  /** The repository's default branch, when the payload says (GitHub, GitLab, Gitea). */
  defaultBranch?: string;
  /** Commit the ref pointed to before the push; absent when the push created it. */
  before?: string;
  /** Commit the ref points to now; absent when the push deleted it. */
  after?: string;
  created: boolean;
  deleted: boolean;
  /**
   * Paths (relative to the repository root) added, modified or removed by
   * the pushed commits. Absent when the payload does not list every change
   * (Bitbucket, a truncated commit list, a force push): then every app on
   * the ref must be refreshed.
   */
  changedFiles?: string[];
}

/** What a verified webhook request asks for. */
export type GitWebhookEvent =
  | {
      type: 'push';
      provider: GitWebhookProvider;
      /** One entry per ref; only Bitbucket reports several refs in one request. */
      pushes: GitPushEvent[];
    }
  | {
      /** The provider checking the endpoint when the webhook is created. */
      type: 'ping';
      provider: GitWebhookProvider;
      repoURLs: string[];
    }
  | {
      /** A verified event that refreshes nothing (another event type, an empty push). */
      type: 'ignored';
      provider: GitWebhookProvider;
      /** The provider's event name, e.g. `issues` or `Merge Request Hook`. */
      event: string;
      reason: string;
    };

/** How requests from one provider are authenticated. */
export interface GitWebhookProviderSettings {
  /** Shared secret: HMAC key, or GitLab's token. */
  secret?: string;
  /** Bitbucket Cloud only: the webhook's UUID, compared with `X-Hook-UUID` as Argo CD does. */
  uuid?: string;
  /** Accept requests without any check when no secret is configured. */
  allowUnauthenticated: boolean;
}

/** `gitops.webhooks` from app-config. */
export type GitWebhookSettings = Record<
  GitWebhookProvider,
  GitWebhookProviderSettings
>;

/** Request headers as Node gives them: lower-case names. */
export type WebhookRequestHeaders = Record<
  string,
  string | string[] | undefined
>;
