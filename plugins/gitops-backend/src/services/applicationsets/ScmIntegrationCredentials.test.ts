import { ConfigReader } from '@backstage/config';
import type { ScmCredentialsRequest } from '@driftless/gitops-engine';
import { ScmIntegrationCredentials } from './ScmIntegrationCredentials';

const credentials = ScmIntegrationCredentials.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'gh-token' },
        {
          host: 'ghe.example.com',
          apiBaseUrl: 'https://ghe.example.com/api/v3',
          token: 'ghe-token',
        },
      ],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'gl-token',
        },
      ],
      gitea: [
        {
          host: 'gitea.example.com',
          username: 'bot',
          password: 'gitea-secret',
        },
      ],
      bitbucketCloud: [{ username: 'bb-user', appPassword: 'bb-app-password' }],
      bitbucketServer: [
        {
          host: 'bitbucket.example.com',
          apiBaseUrl: 'https://bitbucket.example.com/rest/api/1.0',
          token: 'bbs-token',
        },
      ],
    },
  }),
);

function request(
  provider: ScmCredentialsRequest['provider'],
  apiUrl: string,
  extra: Partial<ScmCredentialsRequest> = {},
): ScmCredentialsRequest {
  return {
    generator: 'scmProvider',
    provider,
    apiUrl,
    applicationSet: { name: 'repos', namespace: 'argocd' },
    ...extra,
  };
}

describe('ScmIntegrationCredentials', () => {
  it.each([
    ['github', 'https://api.github.com/', { token: 'gh-token' }],
    ['github', 'https://ghe.example.com/api/v3', { token: 'ghe-token' }],
    ['gitlab', 'https://gitlab.example.com/api/v4', { token: 'gl-token' }],
    [
      'gitea',
      'https://gitea.example.com/api/v1',
      { username: 'bot', password: 'gitea-secret' },
    ],
    [
      'bitbucket',
      'https://api.bitbucket.org/2.0/',
      { username: 'bb-user', password: 'bb-app-password' },
    ],
    [
      'bitbucketServer',
      'https://bitbucket.example.com/rest',
      { token: 'bbs-token' },
    ],
  ] as const)(
    'gives %s at %s the integration’s credentials',
    async (provider, apiUrl, expected) => {
      await expect(
        credentials.provide(request(provider, apiUrl)),
      ).resolves.toEqual(expected);
    },
  );

  it('calls anonymously where no integration has credentials and the set names no secret', async () => {
    await expect(
      credentials.provide(request('gitlab', 'https://gitlab.com/api/v4')),
    ).resolves.toBeUndefined();
  });

  it('says which integration to configure when the set names a secret no integration covers, without any secret value', async () => {
    const failure = credentials.provide(
      request('gitlab', 'https://gitlab.com/api/v4', {
        secretRef: { secretName: 'gitlab-token', key: 'token' },
      }),
    );
    await expect(failure).rejects.toThrow(
      "the ApplicationSet names the secret 'gitlab-token' (key 'token'), but Driftless takes SCM credentials from Backstage's integrations; add credentials for host gitlab.com under integrations.gitlab in app-config",
    );
    await expect(failure).rejects.not.toThrow(/gl-token/);
  });
});
