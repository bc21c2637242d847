import { sameGitRepo } from '@driftless/gitops-engine';

interface HostAndPath {
  host: string;
  path: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
const SCP_LIKE = /^(?:[^@/\s]+@)?([^@/:\s[\]]+):(.+)$/;

function canonicalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Keep the path as written; it then only matches itself.
  }
  return decoded
    .toLowerCase()
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

function hostAndPath(url: string): HostAndPath | undefined {
  const trimmed = url.trim();
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  let host: string;
  let path: string;
  if (scheme !== undefined) {
    if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh') {
      return undefined;
    }
    try {
      const parsed = new URL(trimmed);
      host = parsed.hostname;
      path = parsed.pathname;
    } catch {
      return undefined;
    }
  } else {
    const match = SCP_LIKE.exec(trimmed);
    if (!match) {
      return undefined;
    }
    [, host, path] = match;
  }
  const canonical = canonicalPath(path);
  return canonical ? { host: host.toLowerCase(), path: canonical } : undefined;
}

/**
 * Whether an Application's repoURL names the repository a webhook reported,
 * by Argo CD's rule for webhooks: same host and path whatever the scheme
 * (http, https, ssh or scp-like), user, port or `.git` suffix, ignoring case,
 * with the `ssh.` and `altssh.` hosts GitHub and GitLab serve ssh on over
 * port 443. `file://` and other exact forms match through `sameGitRepo`.
 */
export function pushedRepoMatches(
  pushedRepoURLs: readonly string[],
  repoURL: string,
): boolean {
  const app = hostAndPath(repoURL);
  return pushedRepoURLs.some(pushedURL => {
    if (sameGitRepo(pushedURL, repoURL)) {
      return true;
    }
    const pushed = hostAndPath(pushedURL);
    if (!app || !pushed || app.path !== pushed.path) {
      return false;
    }
    return (
      app.host === pushed.host ||
      app.host === `ssh.${pushed.host}` ||
      app.host === `altssh.${pushed.host}`
    );
  });
}
