import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { Server, utils } from 'ssh2';
import type { Connection, ParsedKey } from 'ssh2';

/** An SSH key pair made with ssh-keygen. */
export interface TestSshKey {
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment` */
  publicKey: string;
}

/** Makes an ed25519 key pair in `dir` with the real ssh-keygen. */
export function makeSshKey(dir: string, name: string): TestSshKey {
  const path = join(dir, name);
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path],
    {
      stdio: 'ignore',
    },
  );
  return {
    privateKey: readFileSync(path, 'utf8'),
    publicKey: readFileSync(`${path}.pub`, 'utf8').trim(),
  };
}

/** What the server saw of one authentication attempt that carried a signature. */
export interface SshAuthRecord {
  username: string;
  accepted: boolean;
}

/**
 * A real SSH server for git (there is no sshd on the test machines): the ssh2
 * library speaks the protocol, and `git upload-pack` serves the repositories
 * under `projectRoot`. Only `authorizedKey` may log in.
 */
export interface GitSshServer {
  port: number;
  /** The known_hosts line for this server. */
  knownHostsLine: string;
  auths: SshAuthRecord[];
  /** Commands run, e.g. `git-upload-pack '/platform.git'`. */
  commands: string[];
  close(): Promise<void>;
}

export async function startGitSshServer(options: {
  projectRoot: string;
  hostKey: TestSshKey;
  authorizedKey: TestSshKey;
  /** Called while a client authenticates with a signature, i.e. while git's ssh is running. */
  onAuthenticating?: () => void;
}): Promise<GitSshServer> {
  const allowed = utils.parseKey(options.authorizedKey.publicKey) as ParsedKey;
  const auths: SshAuthRecord[] = [];
  const commands: string[] = [];
  const clients = new Set<Connection>();
  const server = new Server(
    { hostKeys: [options.hostKey.privateKey] },
    client => {
      clients.add(client);
      client.on('close', () => clients.delete(client));
      client.on('authentication', ctx => {
        if (ctx.method !== 'publickey') {
          ctx.reject(['publickey']);
          return;
        }
        const matches =
          ctx.key.algo === allowed.type &&
          ctx.key.data.equals(allowed.getPublicSSH());
        if (!ctx.signature) {
          // The client asks whether this key would do before signing with it.
          if (matches) {
            ctx.accept();
          } else {
            ctx.reject(['publickey']);
          }
          return;
        }
        options.onAuthenticating?.();
        const verified =
          matches &&
          ctx.blob !== undefined &&
          allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
        auths.push({ username: ctx.username, accepted: verified });
        if (verified) {
          ctx.accept();
        } else {
          ctx.reject(['publickey']);
        }
      });
      client.on('ready', () => {
        client.on('session', acceptSession => {
          const session = acceptSession();
          const env: Record<string, string> = {};
          session.on('env', (accept, _reject, info) => {
            env[info.key] = info.val;
            accept?.();
          });
          session.on('exec', (accept, reject, info) => {
            commands.push(info.command);
            const match = /^git[ -]upload-pack '?([^']+)'?$/.exec(info.command);
            const relative = match
              ? normalize(match[1].replace(/^\/+/, ''))
              : '..';
            if (relative.startsWith('..')) {
              reject();
              return;
            }
            const stream = accept();
            const child = spawn(
              'git',
              ['upload-pack', join(options.projectRoot, relative)],
              {
                env: {
                  PATH: process.env.PATH,
                  GIT_CONFIG_NOSYSTEM: '1',
                  GIT_CONFIG_GLOBAL: '/dev/null',
                  ...(env.GIT_PROTOCOL
                    ? { GIT_PROTOCOL: env.GIT_PROTOCOL }
                    : {}),
                },
              },
            );
            stream.pipe(child.stdin);
            child.stdout.pipe(stream, { end: false });
            child.stderr.pipe(stream.stderr, { end: false });
            child.stdin.on('error', () => {});
            child.on('close', code => {
              stream.exit(code ?? 1);
              stream.end();
            });
          });
        });
      });
      client.on('error', () => {
        // Clients that fail host key checks hang up mid-handshake.
      });
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const [type, key] = options.hostKey.publicKey.split(' ');
  return {
    port,
    knownHostsLine: `[127.0.0.1]:${port} ${type} ${key}`,
    auths,
    commands,
    close: () =>
      new Promise<void>(resolve => {
        clients.forEach(client => client.end());
        server.close(() => resolve());
      }),
  };
}
