import { runTool, ToolRunError } from '../tools/runTool';
import type { RunToolResult } from '../tools/runTool';
import type { PreparedGitAccess } from './credentials';
import {
  GitAuthenticationError,
  GitCommandError,
  GitRepoNotFoundError,
  GitRepoUnreachableError,
  GitSourceError,
  GitTimeoutError,
} from './errors';
import { redactURLCredentials } from './repoUrl';
import type { ParsedGitRepoURL } from './repoUrl';

/** Where and how git runs for one repository. */
export interface GitCommandContext {
  gitExecutable: string;
  timeoutMs: number;
  repo: ParsedGitRepoURL;
  /** The revision being worked on, for error messages. */
  revision?: string;
}

/** Options for {@link runGit}. */
export interface RunGitOptions {
  /** The bare mirror, passed as `--git-dir`. */
  gitDir?: string;
  /** Set for commands that talk to the remote. */
  access?: PreparedGitAccess;
  /** Extra environment, e.g. GIT_INDEX_FILE. */
  env?: Record<string, string>;
  /** Short description for messages, e.g. "fetch". */
  operation: string;
}

// Only what git, curl and ssh need is inherited; GIT_TRACE_CURL and friends
// would otherwise print the Authorization header to stderr.
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
];

// Settings every invocation gets, on top of an empty global and system config,
// so the host's git config (credential helpers, url rewrites) plays no part.
const BASE_CONFIG: Array<[string, string]> = [
  ['protocol.version', '2'],
  ['credential.helper', ''],
  ['core.hooksPath', '/dev/null'],
  // Housekeeping runs in the foreground, inside the per-repo lock, not as a detached process racing the next command.
  ['gc.autoDetach', 'false'],
  ['maintenance.autoDetach', 'false'],
  ['advice.detachedHead', 'false'],
];

function buildEnv(
  context: GitCommandContext,
  options: RunGitOptions,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name];
    }
  }
  const config = [...BASE_CONFIG, ...(options.access?.config ?? [])];
  Object.assign(env, {
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: context.repo.protocol,
    GIT_CONFIG_COUNT: String(config.length),
    ...options.access?.env,
    ...options.env,
  });
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** Removes URL credentials and the given secrets from a text git printed. */
export function redactGitOutput(
  text: string,
  secrets: readonly string[],
): string {
  let redacted = redactURLCredentials(text);
  for (const secret of secrets) {
    if (secret) {
      redacted = redacted.split(secret).join('***');
    }
  }
  return redacted;
}

function gitSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0)
    // git's stock advice after every ssh failure; the message already says what to check.
    .filter(
      line =>
        !/^(please make sure you have the correct access rights|and the repository exists\.)$/i.test(
          line,
        ),
    );
  return lines.length > 0 ? `git said: ${lines.slice(-6).join(' | ')}` : '';
}

const HOST_KEY_FAILURE =
  /host key verification failed|remote host identification has changed|no \S* ?host key is known/;
const AUTH_FAILURE =
  /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \((publickey|password|keyboard)|invalid username or password|http basic: access denied|returned error: 40[13]|401 unauthorized|403 forbidden|invalid credentials/;
const TLS_FAILURE =
  /ssl certificate problem|server certificate verification failed|certificate verify failed|unable to get local issuer certificate|self[- ]signed certificate/;
const NOT_FOUND =
  /repository .*not found|does not appear to be a git repository|returned error: 404|not a git repository/;
const UNREACHABLE =
  /could not resolve host|could not resolve hostname|name or service not known|temporary failure in name resolution|failed to connect|connection refused|connection timed out|operation timed out|network is unreachable|no route to host|connection reset|connection closed|kex_exchange_identification|ssh: connect to host|could not read from remote repository|the remote end hung up|empty reply from server|unable to access/;

/**
 * Turns a failed git run into the error class that says what to do. `network`
 * is set for commands that talked to the remote; a failure of a local command
 * is reported as a problem of the local mirror.
 */
export function classifyGitFailure(
  error: unknown,
  context: GitCommandContext,
  options: {
    operation: string;
    network: boolean;
    secrets: readonly string[];
    sentCredentials: boolean;
  },
): GitSourceError {
  const { repo, revision } = context;
  const where = { repoURL: repo.repoURL, revision };
  if (!(error instanceof ToolRunError)) {
    const message = redactGitOutput(
      String((error as Error)?.message ?? error),
      options.secrets,
    );
    return new GitCommandError(
      `git ${options.operation} for ${repo.repoURL} failed: ${message}`,
      { ...where, exitCode: null },
    );
  }
  const stderr = redactGitOutput(error.stderr, options.secrets);
  const said = gitSaid(stderr);
  if (error.timedOut) {
    return new GitTimeoutError(
      `git ${options.operation} for ${repo.repoURL} was stopped after ${
        context.timeoutMs / 1000
      } s. ${
        options.network
          ? 'The repository may be unreachable, or too large to fetch in that time; raise the Git timeout if it is just slow.'
          : 'Raise the Git timeout if the repository is just slow.'
      } ${said}`.trim(),
      { ...where, timeoutMs: context.timeoutMs },
    );
  }
  if (error.exitCode === null) {
    return new GitCommandError(
      `git could not be started (${context.gitExecutable}): install git on the Driftless backend host or configure the path to it.`,
      { ...where, exitCode: null },
    );
  }
  const text = stderr.toLowerCase();
  if (options.network) {
    if (HOST_KEY_FAILURE.test(text)) {
      const keyscan = `ssh-keyscan ${repo.port ? `-p ${repo.port} ` : ''}${
        repo.host
      }`;
      return new GitAuthenticationError(
        [
          `The SSH host key of ${repo.host} could not be verified for ${repo.repoURL}:`,
          `add the host's key to the known hosts configured for this repository (\`${keyscan}\` prints it;`,
          'compare it with the one the host publishes), or, for a test server only, ignore host keys.',
          said,
        ]
          .filter(Boolean)
          .join(' '),
        { ...where, reason: 'host-key' },
      );
    }
    if (AUTH_FAILURE.test(text)) {
      if (options.sentCredentials) {
        return new GitAuthenticationError(
          [
            `${repo.repoURL} rejected the configured credentials: check that the token, password or SSH key`,
            'is valid, has not expired or been revoked, and grants read access to this repository.',
            said,
          ]
            .filter(Boolean)
            .join(' '),
          { ...where, reason: 'credentials-rejected' },
        );
      }
      const needed =
        repo.protocol === 'ssh' ? 'an SSH key' : 'a token or password';
      return new GitAuthenticationError(
        [
          `${repo.repoURL} requires credentials and none are configured for it: configure ${needed}`,
          'for this repository (in Backstage, an integration for its host).',
          said,
        ]
          .filter(Boolean)
          .join(' '),
        { ...where, reason: 'credentials-required' },
      );
    }
    if (TLS_FAILURE.test(text)) {
      return new GitRepoUnreachableError(
        [
          `Could not verify the TLS certificate of ${
            repo.httpOrigin ?? repo.host
          } for ${repo.repoURL}:`,
          'configure the CA bundle that signed it for this repository, or, for a test server only, skip TLS verification.',
          said,
        ]
          .filter(Boolean)
          .join(' '),
        where,
      );
    }
    if (NOT_FOUND.test(text)) {
      return new GitRepoNotFoundError(
        [
          `No Git repository found at ${repo.repoURL}: check the URL.`,
          repo.protocol === 'file'
            ? ''
            : "Hosting services also answer 'not found' for a private repository when no or wrong credentials are sent.",
          said,
        ]
          .filter(Boolean)
          .join(' '),
        where,
      );
    }
    if (UNREACHABLE.test(text)) {
      return new GitRepoUnreachableError(
        [
          `Could not reach ${repo.repoURL}: check the URL, and DNS, network and proxy access`,
          'from the Driftless backend to the Git server.',
          said,
        ]
          .filter(Boolean)
          .join(' '),
        where,
      );
    }
  }
  return new GitCommandError(
    `git ${options.operation} for ${repo.repoURL} failed with exit code ${error.exitCode}. ${said}`.trim(),
    { ...where, exitCode: error.exitCode },
  );
}

/**
 * Runs git without a shell, with a timeout, an isolated configuration, and
 * credentials that live only in this child's environment. Failures come back
 * as {@link GitSourceError}s with every secret removed.
 */
export async function runGit(
  context: GitCommandContext,
  args: readonly string[],
  options: RunGitOptions,
): Promise<RunToolResult> {
  const fullArgs = options.gitDir
    ? ['--git-dir', options.gitDir, ...args]
    : [...args];
  try {
    return await runTool(context.gitExecutable, fullArgs, {
      env: buildEnv(context, options),
      timeoutMs: context.timeoutMs,
      killProcessGroup: true,
    });
  } catch (error) {
    throw classifyGitFailure(error, context, {
      operation: options.operation,
      network: options.access !== undefined,
      secrets: options.access?.secrets ?? [],
      sentCredentials: options.access?.sentCredentials ?? false,
    });
  }
}

/**
 * Runs a git command whose exit code answers a yes/no question (exit 0: yes,
 * exit 1: no), e.g. `merge-base --is-ancestor`. Other failures throw.
 */
export async function gitSucceeds(
  context: GitCommandContext,
  args: readonly string[],
  options: RunGitOptions & { noExitCodes?: number[] },
): Promise<boolean> {
  try {
    await runGit(context, args, options);
    return true;
  } catch (error) {
    if (
      error instanceof GitCommandError &&
      error.exitCode !== null &&
      (options.noExitCodes ?? [1]).includes(error.exitCode)
    ) {
      return false;
    }
    throw error;
  }
}
