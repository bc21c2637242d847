import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSshKey, startGitSshServer } from './__testUtils__/gitSshServer';
import type { GitSshServer, TestSshKey } from './__testUtils__/gitSshServer';
import { TestRepo } from './__testUtils__/testRepo';
import { buildSshArgs } from './credentials';
import type { GitRepoCredentials } from './credentials';
import {
  GitAuthenticationError,
  GitRepoUnreachableError,
  GitSourceError,
} from './errors';
import { GitMirrorSource } from './GitMirrorSource';

describe('GitMirrorSource over ssh', () => {
  let repo: TestRepo;
  let keys: string;
  let clientKey: TestSshKey;
  let otherKey: TestSshKey;
  let hostKey: TestSshKey;
  let otherHostKey: TestSshKey;
  let server: GitSshServer;
  let repoURL: string;
  let main: string;
  let cacheRoot: string;
  let tempRoot: string;
  const roots: string[] = [];
  const keyFilesSeen: Array<{ fileMode: number; dirMode: number }> = [];

  const keyAuth = (key: TestSshKey = clientKey) =>
    ({ type: 'sshKey', privateKey: key.privateKey } as const);

  function resolveWith(credentials: GitRepoCredentials, url = repoURL) {
    return new GitMirrorSource({ cacheRoot, tempRoot }).resolveRevision({
      repoURL: url,
      targetRevision: 'main',
      credentials,
    });
  }

  beforeAll(async () => {
    repo = new TestRepo('platform');
    main = repo.commit('tip', {
      'apps/web/deployment.yaml': 'kind: Deployment\n',
    });
    repo.push('refs/heads/main');
    keys = mkdtempSync(join(tmpdir(), 'driftless-ssh-keys-'));
    clientKey = makeSshKey(keys, 'client');
    otherKey = makeSshKey(keys, 'other-client');
    hostKey = makeSshKey(keys, 'host');
    otherHostKey = makeSshKey(keys, 'other-host');
    server = await startGitSshServer({
      projectRoot: repo.root,
      hostKey,
      authorizedKey: clientKey,
      onAuthenticating: () => {
        // git's ssh is running now: look at the key file it was given.
        for (const dir of readdirSync(tempRoot)) {
          const identity = join(tempRoot, dir, 'identity');
          try {
            keyFilesSeen.push({
              fileMode: statSync(identity).mode & 0o777,
              dirMode: statSync(join(tempRoot, dir)).mode & 0o777,
            });
          } catch {
            // Not a key directory.
          }
        }
      },
    });
    repoURL = `ssh://git@127.0.0.1:${server.port}/platform.git`;
  });

  afterAll(async () => {
    await server.close();
    repo.remove();
    rmSync(keys, { recursive: true, force: true });
    for (const root of roots) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  beforeEach(() => {
    cacheRoot = mkdtempSync(join(tmpdir(), 'driftless-git-cache-'));
    // A space and a quote in the path check the quoting of GIT_SSH_COMMAND, which git runs through a shell.
    tempRoot = join(
      mkdtempSync(join(tmpdir(), 'driftless-git-temp-')),
      "it's here",
    );
    mkdirSync(tempRoot);
    roots.push(cacheRoot, join(tempRoot, '..'));
    keyFilesSeen.length = 0;
  });

  it('checks out with a private key and the known host key; the key file is 0600 and deleted afterwards', async () => {
    const source = new GitMirrorSource({ cacheRoot, tempRoot });
    const checkout = await source.checkout({
      repoURL,
      targetRevision: 'main',
      credentials: { auth: keyAuth(), knownHosts: server.knownHostsLine },
    });
    expect(checkout.sha).toBe(main);
    expect(
      readFileSync(join(checkout.path, 'apps/web/deployment.yaml'), 'utf8'),
    ).toBe('kind: Deployment\n');
    expect(server.commands).toContain("git-upload-pack '/platform.git'");
    expect(server.auths.at(-1)).toEqual({ username: 'git', accepted: true });
    expect(keyFilesSeen.length).toBeGreaterThan(0);
    expect(
      keyFilesSeen.every(
        seen => seen.fileMode === 0o600 && seen.dirMode === 0o700,
      ),
    ).toBe(true);
    expect(readdirSync(tempRoot)).toEqual([]);
    const [mirror] = readdirSync(join(cacheRoot, 'mirrors'));
    const config = readFileSync(
      join(cacheRoot, 'mirrors', mirror, 'config'),
      'utf8',
    );
    expect(config).not.toContain('ssh');
    expect(config).not.toContain('PRIVATE KEY');
  });

  it('uses the user name from the credentials when the URL has none', async () => {
    await expect(
      resolveWith(
        {
          auth: { ...keyAuth(), username: 'deploy' },
          knownHosts: server.knownHostsLine,
        },
        `ssh://127.0.0.1:${server.port}/platform.git`,
      ),
    ).resolves.toMatchObject({ sha: main });
    expect(server.auths.at(-1)).toEqual({ username: 'deploy', accepted: true });
  });

  it('rejects a key the server does not accept, without showing it', async () => {
    const error = await resolveWith({
      auth: keyAuth(otherKey),
      knownHosts: server.knownHostsLine,
    }).catch(e => e);
    expect(error).toBeInstanceOf(GitAuthenticationError);
    expect(error.reason).toBe('credentials-rejected');
    const keyBody = otherKey.privateKey.split('\n')[1];
    expect(error.message).not.toContain(keyBody);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('uses no ambient key when none is configured', async () => {
    const error = await resolveWith({
      knownHosts: server.knownHostsLine,
    }).catch(e => e);
    expect(error).toBeInstanceOf(GitAuthenticationError);
    expect(error.reason).toBe('credentials-required');
  });

  it('refuses a host whose key is not the known one, or not known at all', async () => {
    const [type, key] = otherHostKey.publicKey.split(' ');
    const wrongHost = await resolveWith({
      auth: keyAuth(),
      knownHosts: `[127.0.0.1]:${server.port} ${type} ${key}`,
    }).catch(e => e);
    expect(wrongHost).toBeInstanceOf(GitAuthenticationError);
    expect(wrongHost.reason).toBe('host-key');
    expect(wrongHost.message).toContain(
      'The SSH host key of 127.0.0.1 could not be verified',
    );

    const unknownHost = await resolveWith({ auth: keyAuth() }).catch(e => e);
    expect(unknownHost).toBeInstanceOf(GitAuthenticationError);
    expect(unknownHost.reason).toBe('host-key');
  });

  it('accepts any host key only when told to', async () => {
    await expect(
      resolveWith({ auth: keyAuth(), insecureIgnoreHostKey: true }),
    ).resolves.toMatchObject({ sha: main });
  });

  it('reports an SSH server that cannot be reached', async () => {
    const closed = createTcpServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    const error = await resolveWith(
      { auth: keyAuth(), insecureIgnoreHostKey: true },
      `ssh://git@127.0.0.1:${port}/platform.git`,
    ).catch(e => e);
    expect(error).toBeInstanceOf(GitRepoUnreachableError);
    expect(error.message).toContain(
      `Could not reach ssh://git@127.0.0.1:${port}/platform.git`,
    );
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('refuses a token for an ssh URL', async () => {
    const error = await resolveWith({
      auth: { type: 'bearer', token: 'tok-abcdef123456' },
    }).catch(e => e);
    expect(error).toBeInstanceOf(GitSourceError);
    expect(error.message).toContain('the repoURL uses ssh');
    expect(error.message).not.toContain('tok-abcdef123456');
  });

  it('builds ssh options the real ssh client reads as intended', () => {
    // ssh parses quotes in option values itself; the temp root has a quote and a space.
    const identity = join(tempRoot, 'identity');
    const knownHosts = join(tempRoot, 'known_hosts');
    writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
    const [ssh, ...args] = buildSshArgs({
      sshExecutable: 'ssh',
      identityFile: identity,
      knownHostsFile: knownHosts,
      user: 'deploy',
      connectTimeoutSeconds: 30,
    });
    // `ssh -G` prints the configuration it would use, without connecting.
    const config = execFileSync(ssh, [...args, '-G', '127.0.0.1'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(config).toContain(`identityfile ${identity}`);
    expect(config).toContain(`userknownhostsfile ${knownHosts}`);
    expect(config).toContain('stricthostkeychecking true');
    expect(config).toContain('batchmode yes');
    expect(config).toContain('identitiesonly yes');
    expect(config).toContain('user deploy');
    expect(config).toContain('connecttimeout 30');
  });
});
