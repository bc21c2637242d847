import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  GitSourceError,
  gitTokenAuth,
  sameGitRepo,
  type GitAuth,
  type GitCredentialsProvider,
  type GitRepoCredentials,
} from '@driftless/gitops-engine';
import {
  readRepositoryCredentials,
  type RepositoryCredentialEntry,
  type RepositoryTokenType,
} from './readRepositoryCredentials';

/** Integration kinds whose tokens {@link RepositoryCredentialsProvider} knows how to send. */
const TOKEN_TYPE_BY_INTEGRATION: Record<string, RepositoryTokenType> = {
  github: 'github',
  gitlab: 'gitlab',
  bitbucketCloud: 'bitbucketCloud',
  bitbucketServer: 'bitbucketServer',
  azure: 'azureDevOps',
};

function isHttps(repoURL: string): boolean {
  return /^https?:\/\//i.test(repoURL.trim());
}

function basic(username: string, password: string): GitAuth {
  return { type: 'basic', username, password };
}

function tokenAuth(type: RepositoryTokenType, token: string): GitAuth {
  return type === 'bearer'
    ? { type: 'bearer', token }
    : gitTokenAuth(type, token);
}

/**
 * Credentials for Git repositories, from two places:
 *
 * 1. `gitops.repositories`: the entry whose `url` equals the repository
 *    (compared as Argo CD compares repoURLs) or, failing that, the longest
 *    `url` the repoURL starts with (Argo CD's credential templates).
 * 2. Backstage's SCM integrations (`integrations.github|gitlab|bitbucketCloud|
 *    bitbucketServer|gitea`) for https URLs of their hosts, when the entry
 *    found gives no authentication: tokens, app passwords, and GitHub App
 *    installation tokens through Backstage's DefaultGithubCredentialsProvider
 *    (cached and renewed by it; asked for on every Git network operation, so
 *    a token never goes stale in Driftless).
 *
 * Nothing matches for other repositories: they are read anonymously.
 */
export class RepositoryCredentialsProvider implements GitCredentialsProvider {
  private readonly byLength: RepositoryCredentialEntry[];

  static fromConfig(config: Config): RepositoryCredentialsProvider {
    const integrations = ScmIntegrations.fromConfig(config);
    return new RepositoryCredentialsProvider({
      entries: readRepositoryCredentials(config),
      integrations,
      githubCredentials:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    });
  }

  constructor(
    private readonly options: {
      entries: RepositoryCredentialEntry[];
      integrations: ScmIntegrationRegistry;
      githubCredentials?: GithubCredentialsProvider;
    },
  ) {
    this.byLength = [...options.entries].sort(
      (a, b) => b.url.length - a.url.length || a.index - b.index,
    );
  }

  /** The `gitops.repositories` entry for a repository, if any. */
  findEntry(repoURL: string): RepositoryCredentialEntry | undefined {
    const url = repoURL.trim();
    return (
      this.options.entries.find(entry => sameGitRepo(entry.url, url)) ??
      this.byLength.find(entry => url.startsWith(entry.url))
    );
  }

  async getCredentials(repo: {
    repoURL: string;
  }): Promise<GitRepoCredentials | undefined> {
    const repoURL = repo.repoURL.trim();
    const entry = this.findEntry(repoURL);
    const credentials: GitRepoCredentials = { ...entry?.credentials };
    if (!credentials.auth && entry?.token) {
      const type =
        entry.token.type ?? this.integrationTokenType(repoURL) ?? 'bearer';
      credentials.auth = tokenAuth(type, entry.token.value);
    }
    if (!credentials.auth && isHttps(repoURL)) {
      const auth = await this.integrationAuth(repoURL);
      if (auth) {
        credentials.auth = auth;
      }
    }
    return Object.keys(credentials).length > 0 ? credentials : undefined;
  }

  private integrationTokenType(
    repoURL: string,
  ): RepositoryTokenType | undefined {
    if (!isHttps(repoURL)) {
      return undefined;
    }
    const integration = this.options.integrations.byUrl(repoURL);
    return integration
      ? TOKEN_TYPE_BY_INTEGRATION[integration.type]
      : undefined;
  }

  private async integrationAuth(repoURL: string): Promise<GitAuth | undefined> {
    const integrations = this.options.integrations;
    if (integrations.github.byUrl(repoURL)) {
      if (!this.options.githubCredentials) {
        return undefined;
      }
      let token: string | undefined;
      try {
        ({ token } = await this.options.githubCredentials.getCredentials({
          url: repoURL.replace(/\.git$/, ''),
        }));
      } catch (error) {
        // Backstage's messages name the organisation and the app, never a key or token.
        throw new GitSourceError(
          `Cannot get GitHub credentials for ${repoURL} from the Backstage GitHub integration: ${
            (error as Error).message
          }; check integrations.github in app-config`,
          { repoURL },
        );
      }
      return token ? gitTokenAuth('github', token) : undefined;
    }
    const gitlab = integrations.gitlab.byUrl(repoURL)?.config;
    if (gitlab) {
      return gitlab.token ? gitTokenAuth('gitlab', gitlab.token) : undefined;
    }
    const bitbucketCloud = integrations.bitbucketCloud.byUrl(repoURL)?.config;
    if (bitbucketCloud) {
      if (bitbucketCloud.username && bitbucketCloud.appPassword) {
        return basic(bitbucketCloud.username, bitbucketCloud.appPassword);
      }
      return bitbucketCloud.token
        ? gitTokenAuth('bitbucketCloud', bitbucketCloud.token)
        : undefined;
    }
    const bitbucketServer = integrations.bitbucketServer.byUrl(repoURL)?.config;
    if (bitbucketServer) {
      if (bitbucketServer.token) {
        return gitTokenAuth('bitbucketServer', bitbucketServer.token);
      }
      return bitbucketServer.username && bitbucketServer.password
        ? basic(bitbucketServer.username, bitbucketServer.password)
        : undefined;
    }
    const gitea = integrations.gitea.byUrl(repoURL)?.config;
    if (gitea) {
      return gitea.username && gitea.password
        ? basic(gitea.username, gitea.password)
        : undefined;
    }
    return undefined;
  }
}
