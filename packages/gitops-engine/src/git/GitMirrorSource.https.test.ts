import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHttpServer } from './__testUtils__/gitHttpServer';
import type { GitHttpServer } from './__testUtils__/gitHttpServer';
import { TestRepo } from './__testUtils__/testRepo';
import { gitTokenAuth } from './credentials';
import type { GitRepoCredentials } from './credentials';
import {
  GitAuthenticationError,
  GitRepoNotFoundError,
  GitRepoUnreachableError,
  GitRepoURLError,
  GitTimeoutError,
} from './errors';
import { GitMirrorSource } from './GitMirrorSource';
import type { GitMirrorSourceOptions } from './GitMirrorSource';

const PASSWORD = 'pw-7f3c9a1e5b2d8046';
const GITHUB_TOKEN = 'ghs_0123456789abcdefTOKEN';
const BEARER_TOKEN = 'bbs-bearer-5566778899';
const WRONG_PASSWORD = 'wrong-pw-0a1b2c3d4e5f';

/** Every file under a directory, recursively, symlinks not followed. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return allFiles(path);
    }
    return entry.isFile() ? [path] : [];
  });
}

function expectNoSecretIn(text: string) {
  for (const secret of [
    PASSWORD,
    GITHUB_TOKEN,
    BEARER_TOKEN,
    WRONG_PASSWORD,
    Buffer.from(`driftless:${PASSWORD}`).toString('base64'),
    Buffer.from(`driftless:${WRONG_PASSWORD}`).toString('base64'),
  ]) {
    expect(text).not.toContain(secret);
  }
}

describe('GitMirrorSource over https', () => {
  let repo: TestRepo;
  let server: GitHttpServer;
  let repoURL: string;
  let main: string;
  let cacheRoot: string;
  let tempRoot: string;
  const roots: string[] = [];

  function newSource(options: Partial<GitMirrorSourceOptions> = {}) {
    return new GitMirrorSource({ cacheRoot, tempRoot, ...options });
  }

  function trusted(credentials: GitRepoCredentials = {}): GitRepoCredentials {
    return { caData: server.caPem, ...credentials };
  }

  const good = () =>
    trusted({
      auth: { type: 'basic', username: 'driftless', password: PASSWORD },
    });

  beforeAll(async () => {
    repo = new TestRepo('platform');
    repo.commit('base', { 'apps/web/deployment.yaml': 'kind: Deployment\n' });
    main = repo.commit('tip', { 'apps/web/service.yaml': 'kind: Service\n' });
    repo.git('tag', '-a', '-m', 'release', 'v2.0.0');
    repo.push('refs/heads/main', '--tags');
    server = await startGitHttpServer({
      projectRoot: repo.root,
      users: { driftless: PASSWORD, 'x-access-token': GITHUB_TOKEN },
      bearerTokens: [BEARER_TOKEN],
    });
    repoURL = `${server.origin}/platform.git`;
  });

  afterAll(async () => {
    await server.close();
    repo.remove();
    for (const root of roots) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  beforeEach(() => {
    cacheRoot = mkdtempSync(join(tmpdir(), 'driftless-git-cache-'));
    tempRoot = mkdtempSync(join(tmpdir(), 'driftless-git-temp-'));
    roots.push(cacheRoot, tempRoot);
    server.requests.length = 0;
  });

  it('fetches and checks out with basic credentials, which end up nowhere on disk', async () => {
    const source = newSource();
    const checkout = await source.checkout({
      repoURL,
      targetRevision: 'v2.0.0',
      credentials: good(),
    });
    expect(checkout.sha).toBe(main);
    expect(
      readFileSync(join(checkout.path, 'apps/web/service.yaml'), 'utf8'),
    ).toBe('kind: Service\n');
    expect(server.requests.every(request => request.auth === 'accepted')).toBe(
      true,
    );

    const files = allFiles(cacheRoot);
    expect(files.some(file => file.endsWith('/config'))).toBe(true);
    for (const file of files) {
      expectNoSecretIn(readFileSync(file, 'latin1'));
    }
    const [mirror] = readdirSync(join(cacheRoot, 'mirrors'));
    const config = readFileSync(
      join(cacheRoot, 'mirrors', mirror, 'config'),
      'utf8',
    );
    expect(config).not.toContain('extraHeader');
    expect(config).not.toContain('127.0.0.1');
    // The CA file lived only for the commands that needed it.
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('takes credentials from the provider, and hosting-service token conventions', async () => {
    const asked: string[] = [];
    const source = newSource({
      credentialsProvider: {
        async getCredentials({ repoURL: url }) {
          asked.push(url);
          return trusted({ auth: gitTokenAuth('github', GITHUB_TOKEN) });
        },
      },
    });
    await expect(source.resolveRevision({ repoURL })).resolves.toMatchObject({
      sha: main,
      kind: 'head',
    });
    expect(asked).toEqual([repoURL]);

    await expect(
      newSource().resolveRevision({
        repoURL,
        targetRevision: 'main',
        refresh: true,
        credentials: trusted({
          auth: gitTokenAuth('bitbucketServer', BEARER_TOKEN),
        }),
      }),
    ).resolves.toMatchObject({ sha: main });
  });

  it('fails with an authentication error that names no secret for wrong credentials', async () => {
    const error = await newSource()
      .checkout({
        repoURL,
        credentials: trusted({
          auth: {
            type: 'basic',
            username: 'driftless',
            password: WRONG_PASSWORD,
          },
        }),
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitAuthenticationError);
    expect(error.reason).toBe('credentials-rejected');
    expect(error.message).toContain(
      `${repoURL} rejected the configured credentials`,
    );
    expect(server.requests.map(request => request.auth)).toContain('rejected');
    expectNoSecretIn(
      `${error.message}\n${error.stack}\n${JSON.stringify(error)}`,
    );
    for (const file of allFiles(cacheRoot)) {
      expectNoSecretIn(readFileSync(file, 'latin1'));
    }
    expect(readdirSync(tempRoot)).toEqual([]);

    const bearer = await newSource()
      .resolveRevision({
        repoURL,
        credentials: trusted({
          auth: { type: 'bearer', token: 'not-the-token-123456' },
        }),
      })
      .catch(e => e);
    expect(bearer).toBeInstanceOf(GitAuthenticationError);
    expect(bearer.message).not.toContain('not-the-token-123456');
  });

  it('says credentials are required when none are configured', async () => {
    const error = await newSource()
      .resolveRevision({ repoURL, credentials: trusted() })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitAuthenticationError);
    expect(error.reason).toBe('credentials-required');
    expect(error.message).toContain(
      'requires credentials and none are configured',
    );
  });

  it('shares one listing and one fetch among concurrent requests, counted by the server', async () => {
    const source = newSource();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        source.checkout({
          repoURL,
          targetRevision: 'main',
          credentials: good(),
        }),
      ),
    );
    expect(new Set(results.map(result => result.path)).size).toBe(1);
    // Each git command that talks to the server starts with one ref advertisement request.
    const commands = server.requests.filter(
      request =>
        request.method === 'GET' && request.path.endsWith('/info/refs'),
    );
    expect(commands).toHaveLength(2);
    expect(
      server.requests.filter(request =>
        request.path.endsWith('/git-upload-pack'),
      ).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('verifies the server certificate unless told otherwise', async () => {
    const untrusted = await newSource()
      .resolveRevision({
        repoURL,
        credentials: {
          auth: { type: 'basic', username: 'driftless', password: PASSWORD },
        },
      })
      .catch(e => e);
    expect(untrusted).toBeInstanceOf(GitRepoUnreachableError);
    expect(untrusted.message).toContain('Could not verify the TLS certificate');
    expectNoSecretIn(untrusted.message);

    await expect(
      newSource().resolveRevision({
        repoURL,
        credentials: {
          auth: { type: 'basic', username: 'driftless', password: PASSWORD },
          insecureSkipTLSVerify: true,
        },
      }),
    ).resolves.toMatchObject({ sha: main });
  });

  it('refuses a repoURL that embeds credentials, without repeating them', async () => {
    const withToken = `https://driftless:${PASSWORD}@127.0.0.1:1/platform.git`;
    const error = await newSource()
      .resolveRevision({ repoURL: withToken })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitRepoURLError);
    expect(error.message).toContain('embeds credentials');
    expect(error.message).toContain('https://***@127.0.0.1:1/platform.git');
    expectNoSecretIn(`${error.message} ${error.repoURL}`);
    expect(server.requests).toEqual([]);
  });

  it('reports a missing repository and an unreachable server', async () => {
    const missing = await newSource()
      .resolveRevision({
        repoURL: `${server.origin}/nope.git`,
        credentials: good(),
      })
      .catch(e => e);
    expect(missing).toBeInstanceOf(GitRepoNotFoundError);
    expect(missing.message).toContain(
      `No Git repository found at ${server.origin}/nope.git`,
    );

    const closed = createTcpServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    const unreachable = await newSource()
      .resolveRevision({
        repoURL: `https://127.0.0.1:${port}/platform.git`,
        credentials: good(),
      })
      .catch(e => e);
    expect(unreachable).toBeInstanceOf(GitRepoUnreachableError);
    expect(unreachable).not.toBeInstanceOf(GitRepoNotFoundError);
    expect(unreachable.message).toContain(
      `Could not reach https://127.0.0.1:${port}/platform.git`,
    );
    expectNoSecretIn(unreachable.message);
  });

  it('stops a git command that hangs, after the configured timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createTcpServer(socket => sockets.push(socket));
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await newSource({ timeoutMs: 1500 })
        .resolveRevision({
          repoURL: `https://127.0.0.1:${port}/platform.git`,
          credentials: good(),
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(GitTimeoutError);
      expect(error.timeoutMs).toBe(1500);
      expect(error.message).toContain('was stopped after 1.5 s');
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(readdirSync(tempRoot)).toEqual([]);
    } finally {
      sockets.forEach(socket => socket.destroy());
      await new Promise<void>(resolve => silent.close(() => resolve()));
    }
  });

  it('keeps the checkout free of credentials and read-only', async () => {
    const checkout = await newSource().checkout({
      repoURL,
      credentials: good(),
    });
    for (const file of allFiles(checkout.path)) {
      expectNoSecretIn(readFileSync(file, 'latin1'));
      expect(statSync(file).mode & 0o222).toBe(0);
    }
  });
});
