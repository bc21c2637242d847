import type { ScmIntegrationRegistry } from '@backstage/integration';

/**
 * The `https` address of a repository written as Argo CD accepts it:
 * `https://` with or without `.git`, scp-like SSH (`git@host:org/repo.git`)
 * or `ssh://` (its port dropped: the web server listens elsewhere). Other
 * schemes (`file://`, OCI, Helm repositories' `oci://`) have no web page.
 */
export function repositoryWebUrl(repoURL: string): string | undefined {
  const scpLike = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(repoURL);
  let url: URL;
  try {
    url = new URL(scpLike ? `https://${scpLike[1]}/${scpLike[2]}` : repoURL);
  } catch {
    return undefined;
  }
  if (url.protocol === 'ssh:') {
    url = new URL(`https://${url.hostname}${url.pathname}`);
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return undefined;
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url
    .toString()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/**
 * Bitbucket Server clones from `/scm/<project>/<repo>` (HTTPS) or
 * `/<project>/<repo>` (SSH) but shows commits under
 * `/projects/<PROJECT>/repos/<repo>`.
 */
function bitbucketServerCommitUrl(
  web: string,
  sha: string,
): string | undefined {
  const url = new URL(web);
  const parts = url.pathname.split('/').filter(Boolean);
  const [project, repo] = parts[0] === 'scm' ? parts.slice(1) : parts;
  if (!project || !repo) return undefined;
  return `${
    url.origin
  }/projects/${project.toUpperCase()}/repos/${repo}/commits/${sha}`;
}

/**
 * Where each SCM shows one commit, by Backstage integration type. Hosts
 * whose web address is not derived from the clone URL this way (Gerrit,
 * CodeCommit, …) are left out: no link beats a wrong one.
 */
const COMMIT_URLS: Record<
  string,
  (web: string, sha: string) => string | undefined
> = {
  github: (web, sha) => `${web}/commit/${sha}`,
  gitlab: (web, sha) => `${web}/-/commit/${sha}`,
  gitea: (web, sha) => `${web}/commit/${sha}`,
  azure: (web, sha) => `${web}/commit/${sha}`,
  bitbucketCloud: (web, sha) => `${web}/commits/${sha}`,
  bitbucketServer: bitbucketServerCommitUrl,
};

/** A full or abbreviated Git object name (SHA-1 or SHA-256). */
export function isCommitSha(revision: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(revision);
}

/**
 * A link to `revision` in the repository's SCM when the repository is on a
 * host one of the app's SCM integrations serves (`integrations:` in
 * app-config) and the revision is a commit. Undefined otherwise: the caller
 * shows the revision as text (a local repository, an unknown host, a Helm
 * chart version).
 */
export function commitUrl(
  integrations: ScmIntegrationRegistry,
  repoURL: string | undefined,
  revision: string | undefined,
): string | undefined {
  if (!repoURL || !revision || !isCommitSha(revision)) {
    return undefined;
  }
  const web = repositoryWebUrl(repoURL);
  if (!web) return undefined;
  const integration = integrations.byUrl(web);
  const link = integration && COMMIT_URLS[integration.type];
  return link ? link(web, revision) : undefined;
}
