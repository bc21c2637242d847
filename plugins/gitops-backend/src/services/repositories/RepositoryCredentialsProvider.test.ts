import { ConfigReader } from '@backstage/config';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RepositoryCredentialsProvider } from './RepositoryCredentialsProvider';

function provider(data: object): RepositoryCredentialsProvider {
  return RepositoryCredentialsProvider.fromConfig(new ConfigReader(data));
}

describe('RepositoryCredentialsProvider', () => {
  it('takes the exact repository entry over the longest matching prefix, and that over shorter ones', async () => {
    const credentials = provider({
      gitops: {
        repositories: [
          {
            url: 'https://git.acme.internal/',
            username: 'reader',
            password: 'org-wide',
          },
          {
            url: 'https://git.acme.internal/platform/',
            username: 'platform',
            password: 'platform-team',
          },
          {
            url: 'https://git.acme.internal/platform/apps.git',
            username: 'apps',
            password: 'just-this-repo',
          },
        ],
      },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://git.acme.internal/PLATFORM/apps',
      }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'apps', password: 'just-this-repo' },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://git.acme.internal/platform/infra.git',
      }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'platform', password: 'platform-team' },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://git.acme.internal/other/x.git',
      }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'reader', password: 'org-wide' },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://elsewhere.example/x.git',
      }),
    ).resolves.toBeUndefined();
  });

  it('sends a token as its host expects it', async () => {
    const credentials = provider({
      integrations: {
        gitlab: [
          {
            host: 'gitlab.acme.internal',
            apiBaseUrl: 'https://gitlab.acme.internal/api/v4',
            token: 'integration-token',
          },
        ],
      },
      gitops: {
        repositories: [
          { url: 'https://gitlab.acme.internal/team/', token: 'glpat-team' },
          {
            url: 'https://bitbucket.acme.internal/',
            token: 'bbs-token',
            tokenType: 'bitbucketServer',
          },
          { url: 'https://gitea.acme.internal/', token: 'plain' },
          {
            url: 'https://forgejo.acme.internal/',
            username: 'bot',
            token: 'forgejo-token',
          },
          {
            url: 'ssh://git@git.acme.internal/',
            sshPrivateKey:
              '-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n',
            knownHosts: 'git.acme.internal ssh-ed25519 AAAA',
          },
        ],
      },
    });
    // The entry's token, in GitLab's form since the host is a GitLab integration.
    await expect(
      credentials.getCredentials({
        repoURL: 'https://gitlab.acme.internal/team/app.git',
      }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'oauth2', password: 'glpat-team' },
    });
    // No entry: the integration's own token.
    await expect(
      credentials.getCredentials({
        repoURL: 'https://gitlab.acme.internal/other/app.git',
      }),
    ).resolves.toEqual({
      auth: {
        type: 'basic',
        username: 'oauth2',
        password: 'integration-token',
      },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://bitbucket.acme.internal/scm/x/y.git',
      }),
    ).resolves.toEqual({ auth: { type: 'bearer', token: 'bbs-token' } });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://gitea.acme.internal/x/y.git',
      }),
    ).resolves.toEqual({ auth: { type: 'bearer', token: 'plain' } });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://forgejo.acme.internal/x/y.git',
      }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'bot', password: 'forgejo-token' },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'ssh://git@git.acme.internal/platform.git',
      }),
    ).resolves.toEqual({
      auth: {
        type: 'sshKey',
        privateKey:
          '-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n',
      },
      knownHosts: 'git.acme.internal ssh-ed25519 AAAA',
    });
  });

  it('uses Backstage integrations for https repositories of their hosts', async () => {
    const credentials = provider({
      integrations: {
        github: [{ host: 'github.com', token: 'ghp-integration' }],
        bitbucketCloud: [{ username: 'ci', appPassword: 'app-password' }],
        bitbucketServer: [
          { host: 'bitbucket.acme.internal', token: 'bbs-integration' },
        ],
        gitea: [
          {
            host: 'gitea.acme.internal',
            username: 'gitea-bot',
            password: 'gitea-password',
          },
        ],
      },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://github.com/acme/app.git',
      }),
    ).resolves.toEqual({
      auth: {
        type: 'basic',
        username: 'x-access-token',
        password: 'ghp-integration',
      },
    });
    await expect(
      credentials.getCredentials({ repoURL: 'https://bitbucket.org/acme/app' }),
    ).resolves.toEqual({
      auth: { type: 'basic', username: 'ci', password: 'app-password' },
    });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://bitbucket.acme.internal/scm/acme/app.git',
      }),
    ).resolves.toEqual({ auth: { type: 'bearer', token: 'bbs-integration' } });
    await expect(
      credentials.getCredentials({
        repoURL: 'https://gitea.acme.internal/acme/app.git',
      }),
    ).resolves.toEqual({
      auth: {
        type: 'basic',
        username: 'gitea-bot',
        password: 'gitea-password',
      },
    });
    // ssh URLs never get an integration's token.
    await expect(
      credentials.getCredentials({ repoURL: 'git@github.com:acme/app.git' }),
    ).resolves.toBeUndefined();
  });

  describe('with a GitHub App', () => {
    let server: Server;
    const requests: string[] = [];

    beforeAll(async () => {
      // A GitHub API with one installation of the app, for organisation acme.
      server = createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url?.startsWith('/app/installations')) {
          res.end(
            JSON.stringify([
              {
                id: 7,
                account: { login: 'acme' },
                repository_selection: 'all',
              },
            ]),
          );
        } else if (
          req.method === 'POST' &&
          req.url === '/app/installations/7/access_tokens'
        ) {
          res.statusCode = 201;
          res.end(
            JSON.stringify({
              token: 'ghs_installation_token',
              expires_at: new Date(Date.now() + 3_600_000).toISOString(),
              repository_selection: 'all',
            }),
          );
        } else {
          res.statusCode = 404;
          res.end('{"message":"Not Found"}');
        }
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
    });
    afterAll(() => new Promise(resolve => server.close(resolve)));

    it('gets an installation token for the repository owner', async () => {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const { port } = server.address() as AddressInfo;
      const credentials = provider({
        integrations: {
          github: [
            {
              host: 'github.acme.internal',
              apiBaseUrl: `http://127.0.0.1:${port}`,
              apps: [
                {
                  appId: 1234,
                  privateKey,
                  clientId: 'client',
                  clientSecret: 'client-secret',
                  webhookSecret: 'webhook-secret',
                },
              ],
            },
          ],
        },
      });
      await expect(
        credentials.getCredentials({
          repoURL: 'https://github.acme.internal/acme/platform.git',
        }),
      ).resolves.toEqual({
        auth: {
          type: 'basic',
          username: 'x-access-token',
          password: 'ghs_installation_token',
        },
      });
      expect(requests).toEqual([
        expect.stringMatching(/^GET \/app\/installations/),
        'POST /app/installations/7/access_tokens',
      ]);
      // An organisation the app is not installed in gets no token.
      await expect(
        credentials.getCredentials({
          repoURL: 'https://github.acme.internal/someone-else/x.git',
        }),
      ).resolves.toBeUndefined();
    });
  });

  it('refuses entries that authenticate in two ways, naming the entry but no value', () => {
    expect(() =>
      provider({
        gitops: {
          repositories: [
            {
              url: 'https://git.acme.internal/',
              token: 'secret-token',
              sshPrivateKey: 'secret-key',
            },
          ],
        },
      }),
    ).toThrow(
      'gitops.repositories[0] sets token and sshPrivateKey; set one way to authenticate per entry',
    );
    expect(() =>
      provider({
        gitops: {
          repositories: [
            { url: 'https://git.acme.internal/', password: 'secret' },
          ],
        },
      }),
    ).toThrow("gitops.repositories[0]: 'username' is required with 'password'");
  });
});
