import type { Config } from '@backstage/config';
import {
  ScmIntegrations,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type {
  ScmCredentials,
  ScmCredentialsRequest,
} from '@driftless/gitops-engine';

/** The app-config key of each provider's integrations, for messages. */
const INTEGRATION_KEY: Record<ScmCredentialsRequest['provider'], string> = {
  github: 'integrations.github',
  gitlab: 'integrations.gitlab',
  gitea: 'integrations.gitea',
  bitbucket: 'integrations.bitbucketCloud',
  bitbucketServer: 'integrations.bitbucketServer',
};

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** An integration serves an API URL when the URL's host is the integration's host or its API host. */
function serves(
  config: { host: string; apiBaseUrl?: string; baseUrl?: string },
  apiHost: string,
): boolean {
  return [config.host, hostOf(config.apiBaseUrl), hostOf(config.baseUrl)]
    .filter(Boolean)
    .some(host => host!.toLowerCase() === apiHost);
}

/**
 * SCM API credentials for the scmProvider and pullRequest generators, from
 * Backstage's SCM integrations (`integrations.github|gitlab|gitea|
 * bitbucketCloud|bitbucketServer`), picked by the host of the API URL the
 * generator calls: GitHub and GitLab tokens, Gitea user and password (or
 * token), Bitbucket Cloud app passwords or tokens, Bitbucket Server tokens or
 * user and password.
 *
 * Argo CD reads the Secret a set names (`tokenRef`, `appPasswordRef`, …);
 * Driftless keeps no Secrets of its own, so a set that names one is served
 * by the integration of its host, and fails with a message saying which
 * integration to configure when there is none. A set that names no secret
 * and has no integration calls the API anonymously, as in Argo CD.
 */
export class ScmIntegrationCredentials {
  static fromConfig(config: Config): ScmIntegrationCredentials {
    return new ScmIntegrationCredentials(ScmIntegrations.fromConfig(config));
  }

  constructor(private readonly integrations: ScmIntegrationRegistry) {}

  /** The engine's `scmCredentials` port. */
  readonly provide = async (
    request: ScmCredentialsRequest,
  ): Promise<ScmCredentials | undefined> => {
    const credentials = this.find(request);
    if (credentials) return credentials;
    if (request.secretRef) {
      throw new Error(
        `the ApplicationSet names the secret '${
          request.secretRef.secretName
        }' (key '${
          request.secretRef.key
        }'), but Driftless takes SCM credentials from Backstage's integrations; add credentials for host ${hostOf(
          request.apiUrl,
        )} under ${INTEGRATION_KEY[request.provider]} in app-config`,
      );
    }
    return undefined;
  };

  private find(request: ScmCredentialsRequest): ScmCredentials | undefined {
    const apiHost = hostOf(request.apiUrl);
    if (!apiHost) return undefined;
    const { integrations } = this;
    switch (request.provider) {
      case 'github': {
        const config = integrations.github
          .list()
          .find(i => serves(i.config, apiHost))?.config;
        return config?.token ? { token: config.token } : undefined;
      }
      case 'gitlab': {
        const config = integrations.gitlab
          .list()
          .find(i => serves(i.config, apiHost))?.config;
        return config?.token ? { token: config.token } : undefined;
      }
      case 'gitea': {
        const config = integrations.gitea
          .list()
          .find(i => serves(i.config, apiHost))?.config;
        return config?.username && config.password
          ? { username: config.username, password: config.password }
          : undefined;
      }
      case 'bitbucket': {
        const config = integrations.bitbucketCloud
          .list()
          .find(i => serves(i.config, apiHost))?.config;
        if (config?.username && config.appPassword) {
          return { username: config.username, password: config.appPassword };
        }
        return config?.token ? { token: config.token } : undefined;
      }
      case 'bitbucketServer': {
        const config = integrations.bitbucketServer
          .list()
          .find(i => serves(i.config, apiHost))?.config;
        if (config?.token) return { token: config.token };
        return config?.username && config.password
          ? { username: config.username, password: config.password }
          : undefined;
      }
      default:
        return undefined;
    }
  }
}
