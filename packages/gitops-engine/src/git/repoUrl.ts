import { GitRepoURLError } from './errors';

/** How git reaches a repository. `ssh` covers both `ssh://` and scp-like `user@host:path` URLs. */
export type GitProtocol = 'https' | 'http' | 'ssh' | 'file';

/**
 * Protocols accepted when none are configured. Plain `http` is left out: it
 * would send credentials in clear. A multi-tenant deployment should also drop
 * `file`, which reads repositories from the backend host's own disk.
 */
export const DEFAULT_ALLOWED_GIT_PROTOCOLS: readonly GitProtocol[] = [
  'https',
  'ssh',
  'file',
];

/** A repoURL that passed validation, with what the Git source needs to use it. */
export interface ParsedGitRepoURL {
  /** The URL as written (trimmed); it holds no credentials, or it would not have parsed. */
  repoURL: string;
  protocol: GitProtocol;
  /** What is handed to git. */
  gitURL: string;
  /** Lower-cased host name (empty for file URLs). */
  host: string;
  port?: number;
  /** The SSH user written in the URL (`git` in `git@github.com:org/repo`). */
  user?: string;
  /** For http(s): `scheme://host[:port]/`, the scope credentials are sent to. */
  httpOrigin?: string;
  /**
   * A case-preserving canonical form that keys the local mirror. It lower-cases
   * only what is case-insensitive everywhere (scheme, host), so two repositories
   * whose paths differ only in case never share a mirror.
   */
  mirrorKey: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
// user@host:path, git's "scp-like" syntax; the host may be a bracketed IPv6 literal.
const SCP_LIKE = /^(?:([^@/\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^@/:\s[\]]+):(.+)$/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\s\u0000-\u001f\u007f]/;

function invalid(repoURL: string, problem: string): GitRepoURLError {
  return new GitRepoURLError(
    `repoURL '${redactURLCredentials(repoURL)}' ${problem}`,
    redactURLCredentials(repoURL),
  );
}

function stripTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

/**
 * Validates a repoURL and splits it into what the Git source needs. Throws
 * {@link GitRepoURLError} for anything malformed, for protocols outside
 * `allowedProtocols`, and for URLs that embed credentials (those belong in the
 * credentials provider, where they are never written to disk or logs).
 */
export function parseGitRepoURL(
  repoURL: string,
  allowedProtocols: readonly GitProtocol[] = DEFAULT_ALLOWED_GIT_PROTOCOLS,
): ParsedGitRepoURL {
  const trimmed = repoURL.trim();
  if (!trimmed) {
    throw new GitRepoURLError(
      'repoURL is empty: set spec.source.repoURL to the Git repository (https://, ssh:// or file://)',
      '',
    );
  }
  if (FORBIDDEN_CHARACTERS.test(trimmed)) {
    throw invalid(trimmed, 'contains whitespace or control characters');
  }
  if (trimmed.startsWith('-')) {
    throw invalid(
      trimmed,
      "starts with '-', which git would read as an option",
    );
  }

  const parsed = parseByForm(trimmed);
  if (!allowedProtocols.includes(parsed.protocol)) {
    throw invalid(
      trimmed,
      `uses protocol '${parsed.protocol}', which this Driftless installation does not allow ` +
        `(allowed: ${
          allowedProtocols.join(', ') || 'none'
        }); use one of those, or ask an ` +
        'administrator to allow it',
    );
  }
  return parsed;
}

function parseByForm(trimmed: string): ParsedGitRepoURL {
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return parseScpLike(trimmed);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw invalid(trimmed, 'is not a valid URL');
  }
  switch (scheme) {
    case 'https':
    case 'http':
      return parseHttp(trimmed, url, scheme);
    case 'ssh':
      return parseSsh(trimmed, url);
    case 'file':
      return parseFile(trimmed, url);
    default:
      throw invalid(
        trimmed,
        `uses the unsupported scheme '${scheme}://'; use https://, ssh://, user@host:path or file://`,
      );
  }
}

function parseHttp(
  trimmed: string,
  url: URL,
  scheme: 'https' | 'http',
): ParsedGitRepoURL {
  if (url.username || url.password) {
    // A token is often written as the user name (https://<token>@github.com/...), so any user info is a secret here.
    throw invalid(
      trimmed,
      'embeds credentials; remove them from the URL and configure them for the repository instead ' +
        '(they would otherwise end up in logs and in the Application spec)',
    );
  }
  if (url.search || url.hash) {
    throw invalid(
      trimmed,
      'has a query or fragment, which Git URLs do not use',
    );
  }
  const path = stripTrailingSlashes(url.pathname);
  if (!path) {
    throw invalid(trimmed, 'names a server but no repository path');
  }
  const host = url.hostname.toLowerCase();
  const portSuffix = url.port ? `:${url.port}` : '';
  const origin = `${scheme}://${host}${portSuffix}`;
  return {
    repoURL: trimmed,
    protocol: scheme,
    gitURL: `${origin}${url.pathname}`,
    host,
    port: url.port ? Number(url.port) : undefined,
    httpOrigin: `${origin}/`,
    mirrorKey: `${origin}${path}`,
  };
}

function checkSshParts(
  trimmed: string,
  host: string,
  user: string | undefined,
  path: string,
) {
  // Option injection into ssh (CVE-2017-1000117) comes through a host or user starting with '-'.
  if (!host || host.startsWith('-')) {
    throw invalid(trimmed, 'has no valid host');
  }
  if (user !== undefined && (user === '' || user.startsWith('-'))) {
    throw invalid(trimmed, 'has an invalid user name');
  }
  if (!path || path === '/' || path.startsWith('-')) {
    throw invalid(trimmed, 'names no repository path');
  }
}

function parseSsh(trimmed: string, url: URL): ParsedGitRepoURL {
  if (url.password) {
    throw invalid(
      trimmed,
      'embeds a password; remove it and configure an SSH key for the repository instead',
    );
  }
  if (url.search || url.hash) {
    throw invalid(
      trimmed,
      'has a query or fragment, which Git URLs do not use',
    );
  }
  const host = url.hostname.toLowerCase();
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  checkSshParts(trimmed, host, user, url.pathname);
  const userPrefix = user ? `${url.username}@` : '';
  const portSuffix = url.port ? `:${url.port}` : '';
  return {
    repoURL: trimmed,
    protocol: 'ssh',
    gitURL: `ssh://${userPrefix}${host}${portSuffix}${url.pathname}`,
    host,
    port: url.port ? Number(url.port) : undefined,
    user,
    mirrorKey: `ssh://${userPrefix}${host}${portSuffix}${stripTrailingSlashes(
      url.pathname,
    )}`,
  };
}

function parseScpLike(trimmed: string): ParsedGitRepoURL {
  if (/^[A-Za-z0-9+.-]+::/.test(trimmed)) {
    // git would run a remote helper (`ext::<command>` runs a command).
    throw invalid(
      trimmed,
      "uses git's <transport>::<address> syntax, which is not allowed; use https://, ssh:// or file://",
    );
  }
  const match = SCP_LIKE.exec(trimmed);
  if (!match || match[2].includes('/')) {
    throw invalid(
      trimmed,
      'is not a URL git can use: write https://host/path, ssh://user@host/path, user@host:path, ' +
        'or file:///absolute/path for a repository on this machine',
    );
  }
  const [, user, rawHost, path] = match;
  const host = rawHost.toLowerCase();
  checkSshParts(trimmed, host, user, path);
  if (path.startsWith('//')) {
    throw invalid(trimmed, 'is not a valid scp-like Git URL');
  }
  const userPrefix = user ? `${user}@` : '';
  return {
    repoURL: trimmed,
    protocol: 'ssh',
    gitURL: `${userPrefix}${host}:${path}`,
    host,
    user,
    // scp-like paths are relative to the login's home directory, unlike ssh:// paths, so they keep their own form.
    mirrorKey: `scp:${userPrefix}${host}:${stripTrailingSlashes(path)}`,
  };
}

function parseFile(trimmed: string, url: URL): ParsedGitRepoURL {
  if (url.host && url.host !== 'localhost') {
    throw invalid(
      trimmed,
      'names a host; file:// URLs must name a path on this machine (file:///absolute/path)',
    );
  }
  if (url.search || url.hash) {
    throw invalid(
      trimmed,
      'has a query or fragment, which Git URLs do not use',
    );
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw invalid(trimmed, 'has an invalid percent-encoded path');
  }
  if (stripTrailingSlashes(path) === '') {
    throw invalid(trimmed, 'names no repository path');
  }
  return {
    repoURL: trimmed,
    protocol: 'file',
    gitURL: `file://${path}`,
    host: '',
    mirrorKey: `file://${stripTrailingSlashes(path)}`,
  };
}

// Argo CD's notion of an SSH URL (util/git IsSSHURL): a user@host before the path.
const ARGO_SSH_LIKE = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;

/**
 * Normalizes a repoURL for comparison the way Argo CD's `git.NormalizeGitURL`
 * does: lower-cased, `.git` trimmed, scp-like URLs rewritten to `user@host/path`
 * and the `ssh://` prefix dropped. AppProject `sourceRepos` patterns and
 * repository credential lookups compare in this form. It is for comparison
 * only: the local mirror is keyed by a case-preserving form.
 */
export function normalizeGitRepoURL(repoURL: string): string {
  let repo = repoURL.trim().toLowerCase();
  if (ARGO_SSH_LIKE.test(repo) && !repo.startsWith('ssh://')) {
    repo = `ssh://${repo.replace(':', '/')}`;
  }
  if (repo.endsWith('.git')) {
    repo = repo.slice(0, -'.git'.length);
  }
  if (!SCHEME.test(repo)) {
    return repo;
  }
  try {
    const url = new URL(repo);
    const userInfo = url.username
      ? `${url.username}${url.password ? `:${url.password}` : ''}@`
      : '';
    const normalized = `${url.protocol}//${userInfo}${url.host}${url.pathname}${url.search}${url.hash}`;
    return normalized.startsWith('ssh://')
      ? normalized.slice('ssh://'.length)
      : normalized;
  } catch {
    return '';
  }
}

/** Whether two repoURLs name the same repository, by Argo CD's comparison rules. */
export function sameGitRepo(left: string, right: string): boolean {
  const a = normalizeGitRepoURL(left);
  const b = normalizeGitRepoURL(right);
  return a !== '' && a === b;
}

/**
 * Removes credentials from every URL in a text: all user info of http(s) URLs
 * (a token is often the user name there) and the password of any other URL.
 */
export function redactURLCredentials(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^/\s@]+@/gi, '$1***@')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]*@/gi, '$1:***@');
}
