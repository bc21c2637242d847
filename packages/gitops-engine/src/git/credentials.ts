import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitSourceError } from './errors';
import type { ParsedGitRepoURL } from './repoUrl';

/** How git authenticates to a repository. Every value in here is a secret. */
export type GitAuth =
  /** HTTPS basic authentication; `password` may be a personal or app access token. */
  | { type: 'basic'; username: string; password: string }
  /** HTTPS `Authorization: Bearer <token>` (Bitbucket Data Center HTTP access tokens, some proxies). */
  | { type: 'bearer'; token: string }
  /** An SSH private key (OpenSSH or PEM format, without a passphrase). */
  | { type: 'sshKey'; privateKey: string; username?: string };

/**
 * What the caller knows about reaching one repository: how to authenticate,
 * and which servers to trust. The backend plugin builds this from Backstage's
 * SCM integrations; nothing is used by default (no ambient SSH agent, key or
 * git credential helper of the host).
 */
export interface GitRepoCredentials {
  auth?: GitAuth;
  /** PEM CA bundle that verifies this https repository's server (used instead of the system bundle). */
  caData?: string;
  /** Skip TLS verification for this https repository (Argo CD's `insecure: true`). Only for test servers. */
  insecureSkipTLSVerify?: boolean;
  /** known_hosts lines for ssh; without them the system's known hosts files are used. */
  knownHosts?: string;
  /** Accept any SSH host key. Opens the door to man-in-the-middle attacks: only for test servers. */
  insecureIgnoreHostKey?: boolean;
}

/** Supplies credentials per repository; called for every network operation, so short-lived tokens stay fresh. */
export interface GitCredentialsProvider {
  getCredentials(repo: {
    repoURL: string;
  }): Promise<GitRepoCredentials | undefined>;
}

/** Git hosting services whose token conventions {@link gitTokenAuth} knows. */
export type GitTokenHost =
  | 'github'
  | 'gitlab'
  | 'bitbucketCloud'
  | 'bitbucketServer'
  | 'azureDevOps';

/**
 * The HTTPS authentication a hosting service expects for an access token:
 * GitHub (personal and app installation tokens) takes `x-access-token` as user
 * name, GitLab `oauth2`, Bitbucket Cloud access tokens `x-token-auth`, Azure
 * DevOps any user name with the PAT as password, and Bitbucket Data Center
 * HTTP access tokens a bearer header.
 */
export function gitTokenAuth(host: GitTokenHost, token: string): GitAuth {
  switch (host) {
    case 'github':
      return { type: 'basic', username: 'x-access-token', password: token };
    case 'gitlab':
      return { type: 'basic', username: 'oauth2', password: token };
    case 'bitbucketCloud':
      return { type: 'basic', username: 'x-token-auth', password: token };
    case 'azureDevOps':
      return { type: 'basic', username: 'pat', password: token };
    case 'bitbucketServer':
      return { type: 'bearer', token };
    default:
      throw new Error(`Unknown Git token host '${host as string}'`);
  }
}

/** Settings for one git invocation that carry or protect credentials. Disposing deletes its temp files. */
export interface PreparedGitAccess {
  /** `git -c` style settings, passed through GIT_CONFIG_* environment variables so they never persist or show in a command line. */
  config: Array<[string, string]>;
  env: Record<string, string>;
  /** Values to remove from anything git prints. */
  secrets: string[];
  /** Whether credentials were sent, which tells "rejected" from "required" when the server says no. */
  sentCredentials: boolean;
  dispose(): Promise<void>;
}

/** Options for {@link prepareGitAccess}. */
export interface PrepareGitAccessOptions {
  /** Where a temp directory (mode 0700) for key and known_hosts files is made; it is deleted on dispose. */
  tempRoot: string;
  sshExecutable: string;
  connectTimeoutSeconds: number;
}

function credentialMismatch(
  repo: ParsedGitRepoURL,
  problem: string,
): GitSourceError {
  return new GitSourceError(
    `The credentials configured for ${repo.repoURL} ${problem}`,
    { repoURL: repo.repoURL },
  );
}

function checkHeaderSafe(repo: ParsedGitRepoURL, value: string, what: string) {
  if (/[\r\n]/.test(value)) {
    throw credentialMismatch(repo, `have a ${what} containing a line break`);
  }
}

/** Quotes arguments for the POSIX shell git runs GIT_SSH_COMMAND with. */
export function shellQuote(args: readonly string[]): string {
  return args.map(arg => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
}

/**
 * A value for an `ssh -o Key=value` option. ssh splits option lines itself
 * (quotes, backslashes) and expands `%` tokens in file paths, so a path is
 * double-quoted with those escaped.
 */
function sshOptionPath(path: string): string {
  return `"${path.replace(/%/g, '%%').replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The ssh command line for one git invocation: never prompts, uses only the
 * given key (no agent, no default keys, no user ssh config), and checks the
 * host key against the given known hosts unless told to ignore it.
 */
export function buildSshArgs(options: {
  sshExecutable: string;
  identityFile?: string;
  knownHostsFile?: string;
  insecureIgnoreHostKey?: boolean;
  user?: string;
  connectTimeoutSeconds: number;
}): string[] {
  const args = [
    options.sshExecutable,
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.round(options.connectTimeoutSeconds))}`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    `IdentityFile=${
      options.identityFile ? sshOptionPath(options.identityFile) : 'none'
    }`,
    '-o',
    'UpdateHostKeys=no',
  ];
  if (options.insecureIgnoreHostKey) {
    args.push(
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
    );
  } else {
    args.push('-o', 'StrictHostKeyChecking=yes');
    if (options.knownHostsFile) {
      args.push(
        '-o',
        `UserKnownHostsFile=${sshOptionPath(options.knownHostsFile)}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
      );
    }
  }
  if (options.user) {
    args.push('-o', `User=${options.user}`);
  }
  return args;
}

/**
 * Turns a repository's credentials into settings for one git invocation:
 * HTTPS credentials become an `Authorization` header scoped to the repository's
 * origin; an SSH key goes to a 0600 file in a fresh 0700 temp directory that
 * {@link PreparedGitAccess.dispose} deletes. Nothing is written to the mirror.
 */
export async function prepareGitAccess(
  repo: ParsedGitRepoURL,
  credentials: GitRepoCredentials | undefined,
  options: PrepareGitAccessOptions,
): Promise<PreparedGitAccess> {
  const config: Array<[string, string]> = [];
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  const auth = credentials?.auth;
  let tempDir: string | undefined;
  const dispose = async () => {
    if (tempDir) {
      await rm(tempDir, { recursive: true, force: true });
      tempDir = undefined;
    }
  };
  const makeTempDir = async () => {
    tempDir ??= await mkdtemp(join(options.tempRoot, 'driftless-git-'));
    return tempDir;
  };

  try {
    if (repo.protocol === 'https' || repo.protocol === 'http') {
      const scope = `http.${repo.httpOrigin}`;
      if (auth?.type === 'basic') {
        checkHeaderSafe(repo, auth.username, 'user name');
        checkHeaderSafe(repo, auth.password, 'password');
        if (auth.username.includes(':')) {
          throw credentialMismatch(repo, "have a user name containing ':'");
        }
        const encoded = Buffer.from(
          `${auth.username}:${auth.password}`,
          'utf8',
        ).toString('base64');
        config.push([
          `${scope}.extraHeader`,
          `Authorization: Basic ${encoded}`,
        ]);
        secrets.push(auth.password, encoded);
      } else if (auth?.type === 'bearer') {
        checkHeaderSafe(repo, auth.token, 'token');
        config.push([
          `${scope}.extraHeader`,
          `Authorization: Bearer ${auth.token}`,
        ]);
        secrets.push(auth.token);
      } else if (auth) {
        throw credentialMismatch(
          repo,
          'are an SSH key, but the repoURL uses https; use an ssh:// URL or configure a token',
        );
      }
      if (credentials?.caData) {
        const caFile = join(await makeTempDir(), 'ca.pem');
        await writeFile(caFile, credentials.caData, { mode: 0o600 });
        config.push([`${scope}.sslCAInfo`, caFile]);
      }
      if (credentials?.insecureSkipTLSVerify) {
        config.push([`${scope}.sslVerify`, 'false']);
      }
    } else if (repo.protocol === 'ssh') {
      if (auth && auth.type !== 'sshKey') {
        throw credentialMismatch(
          repo,
          'are a token or password, but the repoURL uses ssh; use an https:// URL or configure an SSH key',
        );
      }
      let identityFile: string | undefined;
      let knownHostsFile: string | undefined;
      if (auth) {
        identityFile = join(await makeTempDir(), 'identity');
        // ssh refuses a key whose last line lacks its newline.
        const key = auth.privateKey.endsWith('\n')
          ? auth.privateKey
          : `${auth.privateKey}\n`;
        await writeFile(identityFile, key, { mode: 0o600, flag: 'wx' });
        secrets.push(auth.privateKey.trim());
      }
      if (credentials?.knownHosts && !credentials.insecureIgnoreHostKey) {
        knownHostsFile = join(await makeTempDir(), 'known_hosts');
        await writeFile(knownHostsFile, `${credentials.knownHosts.trim()}\n`, {
          mode: 0o600,
        });
      }
      const user =
        auth?.type === 'sshKey' && !repo.user ? auth.username : undefined;
      if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) {
        throw credentialMismatch(repo, `have an invalid SSH user name`);
      }
      env.GIT_SSH_COMMAND = shellQuote(
        buildSshArgs({
          sshExecutable: options.sshExecutable,
          identityFile,
          knownHostsFile,
          insecureIgnoreHostKey: credentials?.insecureIgnoreHostKey,
          user,
          connectTimeoutSeconds: options.connectTimeoutSeconds,
        }),
      );
    }
  } catch (error) {
    await dispose();
    throw error;
  }

  return {
    config,
    env,
    secrets: secrets.filter(secret => secret.length > 0),
    sentCredentials: auth !== undefined && repo.protocol !== 'file',
    dispose,
  };
}
