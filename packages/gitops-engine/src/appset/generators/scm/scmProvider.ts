import { compileGoRegexp } from '../../goRegexp';
import { sanitizeName } from '../../names';
import type { Params } from '../../params';
import { GoInt64 } from '../../template/go/values';
import type {
  ScmProviderFilter,
  ScmProviderGenerator,
  SecretRef,
} from '../../types';
import type {
  GeneratorRun,
  ParamsGenerator,
  ScmCredentialsRequest,
} from '../context';
import { GeneratorError } from '../errors';
import { appendValues } from '../values';
import {
  apiUrl,
  BITBUCKET_CLOUD_API,
  bitbucketServerApiBase,
  displayUrl,
  githubApiBase,
  giteaApiBase,
  gitlabApiBase,
  nextLink,
  ScmClient,
  ScmHttpError,
  withQuery,
} from './http';

/** A repository (one branch of it) as the providers report it. */
export interface ScmRepository {
  organization: string;
  repository: string;
  url: string;
  branch: string;
  sha: string;
  labels: string[];
  repositoryId: GoInt64 | bigint | string;
}

interface ScmProvider {
  listRepos(cloneProtocol: string): Promise<ScmRepository[]>;
  getBranches(repo: ScmRepository): Promise<ScmRepository[]>;
  repoHasPath(repo: ScmRepository, path: string): Promise<boolean>;
}

const enc = encodeURIComponent;
const encPath = (path: string) => path.split('/').map(enc).join('/');

/** Asks the credentials port; its errors name the generator, never a secret. */
export async function credentialsFor(
  run: GeneratorRun,
  request: Omit<ScmCredentialsRequest, 'applicationSet'>,
) {
  if (!run.context.scmCredentials) {
    return undefined;
  }
  try {
    return await run.context.scmCredentials({
      ...request,
      applicationSet: {
        name: run.appSet.metadata.name,
        namespace: run.appSet.metadata.namespace,
      },
    });
  } catch (error) {
    throw new GeneratorError(
      run.path,
      `cannot get ${request.provider} credentials for ${request.apiUrl}${
        request.secretRef
          ? ` (secret ${request.secretRef.secretName} key ${request.secretRef.key})`
          : ''
      }: ${(error as Error).message}`,
    );
  }
}

function unknownProtocol(provider: string, protocol: string): never {
  throw new Error(`unknown clone protocol for ${provider} ${protocol}`);
}

function github(
  client: ScmClient,
  base: string,
  spec: NonNullable<ScmProviderGenerator['github']>,
): ScmProvider {
  const branchRepo = (
    repo: ScmRepository,
    branch: { name: string; commit: { sha: string } },
  ) => ({
    ...repo,
    branch: branch.name,
    sha: branch.commit?.sha ?? '',
  });
  return {
    async listRepos(cloneProtocol) {
      const repos: ScmRepository[] = [];
      let url: string | undefined = withQuery(
        apiUrl(base, `orgs/${enc(spec.organization)}/repos`),
        { per_page: 100 },
      );
      while (url) {
        const { body, headers }: { body: any[]; headers: Headers } =
          await client.json<any[]>(url);
        for (const repo of body) {
          let cloneUrl: string;
          if (cloneProtocol === '' || cloneProtocol === 'ssh')
            cloneUrl = repo.ssh_url;
          else if (cloneProtocol === 'https') cloneUrl = repo.clone_url;
          else unknownProtocol('GitHub', cloneProtocol);
          if (spec.excludeArchivedRepos && repo.archived) continue;
          repos.push({
            organization: repo.owner?.login ?? '',
            repository: repo.name,
            url: cloneUrl,
            branch: repo.default_branch ?? '',
            sha: '',
            labels: repo.topics ?? [],
            repositoryId: new GoInt64(BigInt(repo.id)),
          });
        }
        url = nextLink(headers);
      }
      return repos;
    },
    async getBranches(repo) {
      const path = `repos/${enc(repo.organization)}/${enc(
        repo.repository,
      )}/branches`;
      if (!spec.allBranches) {
        const response = await client.get(
          apiUrl(base, `${path}/${enc(repo.branch)}`),
          [404],
        );
        return response.status === 404
          ? []
          : [branchRepo(repo, response.body as any)];
      }
      const out: ScmRepository[] = [];
      let url: string | undefined = withQuery(apiUrl(base, path), {
        per_page: 100,
      });
      while (url) {
        const { body, headers }: { body: any[]; headers: Headers } =
          await client.json<any[]>(url);
        out.push(...body.map(branch => branchRepo(repo, branch)));
        url = nextLink(headers);
      }
      return out;
    },
    async repoHasPath(repo, path) {
      const url = withQuery(
        apiUrl(
          base,
          `repos/${enc(repo.organization)}/${enc(
            repo.repository,
          )}/contents/${encPath(path)}`,
        ),
        { ref: repo.branch },
      );
      return (await client.get(url, [404])).status !== 404;
    },
  };
}

function gitlab(
  client: ScmClient,
  base: string,
  spec: NonNullable<ScmProviderGenerator['gitlab']>,
): ScmProvider {
  const branchRepo = (repo: ScmRepository, branch: any) => ({
    ...repo,
    branch: branch.name,
    sha: branch.commit?.id ?? '',
  });
  const pages = async (first: string, onPage: (body: any[]) => void) => {
    let url: string | undefined = first;
    while (url) {
      const { body, headers }: { body: any[]; headers: Headers } =
        await client.json<any[]>(url);
      onPage(body);
      const next: string | null = headers.get('x-next-page');
      url = next ? withQuery(url, { page: next }) : undefined;
    }
  };
  return {
    async listRepos(cloneProtocol) {
      const repos: ScmRepository[] = [];
      const first = withQuery(
        apiUrl(base, `groups/${enc(spec.group)}/projects`),
        {
          per_page: 100,
          include_subgroups: Boolean(spec.includeSubgroups),
          with_shared: spec.includeSharedProjects ?? true,
          topic: spec.topic || undefined,
          archived: spec.includeArchivedRepos ? true : undefined,
        },
      );
      await pages(first, body => {
        for (const project of body) {
          let cloneUrl: string;
          if (cloneProtocol === '' || cloneProtocol === 'ssh')
            cloneUrl = project.ssh_url_to_repo;
          else if (cloneProtocol === 'https')
            cloneUrl = project.http_url_to_repo;
          else unknownProtocol('Gitlab', cloneProtocol);
          repos.push({
            organization: project.namespace?.full_path ?? '',
            repository: project.path,
            url: cloneUrl,
            branch: project.default_branch ?? '',
            sha: '',
            labels:
              (project.topics?.length ? project.topics : project.tag_list) ??
              [],
            repositoryId: BigInt(project.id),
          });
        }
      });
      return repos;
    },
    async getBranches(repo) {
      const path = `projects/${repo.repositoryId}/repository/branches`;
      if (!spec.allBranches) {
        const response = await client.get(
          apiUrl(base, `${path}/${enc(repo.branch)}`),
          [404],
        );
        return response.status === 404 ? [] : [branchRepo(repo, response.body)];
      }
      const out: ScmRepository[] = [];
      try {
        await pages(withQuery(apiUrl(base, path), { per_page: 100 }), body => {
          out.push(...body.map(branch => branchRepo(repo, branch)));
        });
      } catch (error) {
        if (error instanceof ScmHttpError && error.status === 404) return [];
        throw error;
      }
      return out;
    },
    async repoHasPath(repo, path) {
      const project = `projects/${enc(
        `${repo.organization}/${repo.repository}`,
      )}`;
      const file = await client.get(
        withQuery(apiUrl(base, `${project}/repository/files/${enc(path)}`), {
          ref: repo.branch,
        }),
        [404],
      );
      if (file.status !== 404) return true;
      const tree = await client.get(
        withQuery(apiUrl(base, `${project}/repository/tree`), {
          path,
          ref: repo.branch,
        }),
        [404],
      );
      return tree.status !== 404;
    },
  };
}

function gitea(
  client: ScmClient,
  base: string,
  spec: NonNullable<ScmProviderGenerator['gitea']>,
): ScmProvider {
  const owner = enc(spec.owner);
  const pages = async (first: string, onPage: (body: any[]) => void) => {
    let url: string | undefined = first;
    while (url) {
      const { body, headers }: { body: any[]; headers: Headers } =
        await client.json<any[]>(url);
      onPage(body);
      url = body.length > 0 ? nextLink(headers) : undefined;
    }
  };
  return {
    async listRepos(cloneProtocol) {
      const repos: ScmRepository[] = [];
      const found: any[] = [];
      await pages(
        withQuery(apiUrl(base, `orgs/${owner}/repos`), { limit: 50 }),
        body => found.push(...body),
      );
      for (const repo of found) {
        let cloneUrl: string;
        if (cloneProtocol === '' || cloneProtocol === 'ssh')
          cloneUrl = repo.ssh_url;
        else if (cloneProtocol === 'https') cloneUrl = repo.html_url;
        else unknownProtocol('Gitea', cloneProtocol);
        const labels: string[] = [];
        await pages(
          withQuery(apiUrl(base, `repos/${owner}/${enc(repo.name)}/labels`), {
            limit: 50,
          }),
          body => labels.push(...body.map(label => label.name)),
        );
        if (spec.excludeArchivedRepos && repo.archived) continue;
        repos.push({
          organization: spec.owner,
          repository: repo.name,
          url: cloneUrl,
          branch: repo.default_branch ?? '',
          sha: '',
          labels,
          repositoryId: BigInt(repo.id),
        });
      }
      return repos;
    },
    async getBranches(repo) {
      const path = `repos/${owner}/${enc(repo.repository)}/branches`;
      if (!spec.allBranches) {
        const response = await client.get(
          apiUrl(base, `${path}/${enc(repo.branch)}`),
          [404],
        );
        if (response.status === 404) {
          throw new Error(
            `got 404 while getting default branch "${repo.branch}" for repo "${repo.repository}" - check your repo config`,
          );
        }
        return [{ ...repo, sha: (response.body as any).commit?.id ?? '' }];
      }
      const out: ScmRepository[] = [];
      await pages(withQuery(apiUrl(base, path), { limit: 50 }), body =>
        out.push(
          ...body.map(branch => ({
            ...repo,
            branch: branch.name,
            sha: branch.commit?.id ?? '',
          })),
        ),
      );
      return out;
    },
    async repoHasPath(repo, path) {
      const url = withQuery(
        apiUrl(
          base,
          `repos/${enc(repo.organization)}/${enc(
            repo.repository,
          )}/contents/${encPath(path)}`,
        ),
        { ref: repo.branch },
      );
      return (await client.get(url, [404])).status !== 404;
    },
  };
}

function bitbucketCloud(
  client: ScmClient,
  spec: NonNullable<ScmProviderGenerator['bitbucket']>,
): ScmProvider {
  const base = BITBUCKET_CLOUD_API;
  const owner = enc(spec.owner);
  const pages = async (first: string, onPage: (values: any[]) => void) => {
    let url: string | undefined = first;
    while (url) {
      const { body }: { body: { values: any[]; next?: string } } =
        await client.json<{ values: any[]; next?: string }>(url);
      onPage(body.values ?? []);
      url = body.next;
    }
  };
  return {
    async listRepos(cloneProtocol) {
      const protocol = cloneProtocol || 'ssh';
      const repos: ScmRepository[] = [];
      await pages(
        withQuery(apiUrl(base, `repositories/${owner}`), { role: 'member' }),
        values => {
          for (const repo of values) {
            const link = (repo.links?.clone ?? []).find(
              (l: any) => l.name === protocol,
            );
            if (!link) {
              throw new Error(
                `error fetching clone url for repo ${repo.slug}: unknown clone protocol for Bitbucket cloud ${protocol}`,
              );
            }
            repos.push({
              organization: spec.owner,
              repository: repo.slug,
              url: link.href,
              branch: repo.mainbranch?.name ?? '',
              sha: '',
              labels: [],
              repositoryId: repo.uuid ?? '',
            });
          }
        },
      );
      return repos;
    },
    async getBranches(repo) {
      const path = `repositories/${owner}/${enc(
        repo.repository,
      )}/refs/branches`;
      if (!spec.allBranches) {
        const { body } = await client.json<any>(
          apiUrl(base, `${path}/${enc(repo.branch)}`),
        );
        return [{ ...repo, branch: body.name, sha: body.target?.hash ?? '' }];
      }
      const out: ScmRepository[] = [];
      await pages(apiUrl(base, path), values =>
        out.push(
          ...values.map(branch => ({
            ...repo,
            branch: branch.name,
            sha: branch.target?.hash ?? '',
          })),
        ),
      );
      return out;
    },
    async repoHasPath(repo, path) {
      const url = withQuery(
        apiUrl(
          base,
          `repositories/${owner}/${enc(repo.repository)}/src/${
            repo.sha
          }/${encPath(path)}`,
        ),
        {
          format: 'meta',
        },
      );
      return (await client.get(url, [404])).status === 200;
    },
  };
}

function bitbucketServer(
  client: ScmClient,
  base: string,
  spec: NonNullable<ScmProviderGenerator['bitbucketServer']>,
): ScmProvider {
  const project = enc(spec.project);
  const pages = async (first: string, onPage: (values: any[]) => void) => {
    let url: string | undefined = first;
    while (url) {
      const {
        body,
      }: {
        body: { values: any[]; isLastPage?: boolean; nextPageStart?: number };
      } = await client.json<{
        values: any[];
        isLastPage?: boolean;
        nextPageStart?: number;
      }>(url);
      onPage(body.values ?? []);
      url =
        body.isLastPage === false && body.nextPageStart !== undefined
          ? withQuery(first, { start: body.nextPageStart })
          : undefined;
    }
  };
  const defaultBranch = async (org: string, repo: string) => {
    const response = await client.get(
      apiUrl(base, `projects/${enc(org)}/repos/${enc(repo)}/branches/default`),
      [404, 204],
    );
    return response.status === 200 ? (response.body as any) : undefined;
  };
  return {
    async listRepos(cloneProtocol) {
      const found: any[] = [];
      await pages(
        withQuery(apiUrl(base, `projects/${project}/repos`), { limit: 100 }),
        values => found.push(...values),
      );
      const repos: ScmRepository[] = [];
      for (const repo of found) {
        let linkName: string;
        if (cloneProtocol === '' || cloneProtocol === 'ssh') linkName = 'ssh';
        else if (cloneProtocol === 'https') linkName = 'http';
        else unknownProtocol('Bitbucket Server', cloneProtocol);
        const org = repo.project?.key ?? spec.project;
        const branch = await defaultBranch(org, repo.slug ?? repo.name);
        if (!branch) continue;
        repos.push({
          organization: org,
          repository: repo.name,
          url:
            (repo.links?.clone ?? []).find((l: any) => l.name === linkName)
              ?.href ?? '',
          branch: branch.displayId,
          sha: branch.latestCommit ?? '',
          labels: [],
          repositoryId: BigInt(repo.id),
        });
      }
      return repos;
    },
    async getBranches(repo) {
      if (!spec.allBranches) {
        const branch = await defaultBranch(repo.organization, repo.repository);
        return branch
          ? [
              {
                ...repo,
                branch: branch.displayId,
                sha: branch.latestCommit ?? '',
              },
            ]
          : [];
      }
      const out: ScmRepository[] = [];
      await pages(
        withQuery(
          apiUrl(
            base,
            `projects/${enc(repo.organization)}/repos/${enc(
              repo.repository,
            )}/branches`,
          ),
          { limit: 100 },
        ),
        values =>
          out.push(
            ...values.map(branch => ({
              ...repo,
              branch: branch.displayId,
              sha: branch.latestCommit ?? '',
            })),
          ),
      );
      return out;
    },
    async repoHasPath(repo, path) {
      const url = withQuery(
        apiUrl(
          base,
          `projects/${enc(repo.organization)}/repos/${enc(
            repo.repository,
          )}/browse/${encPath(path)}`,
        ),
        { at: repo.branch, limit: 100, type: true },
      );
      return (await client.get(url, [404])).status !== 404;
    },
  };
}

interface CompiledFilter {
  repositoryMatch?: RegExp;
  labelMatch?: RegExp;
  branchMatch?: RegExp;
  pathsExist?: string[];
  pathsDoNotExist?: string[];
  type: 'repo' | 'branch' | 'none';
}

function compileFilters(
  filters: ScmProviderFilter[],
  run: GeneratorRun,
): CompiledFilter[] {
  const compile = (pattern: string, field: string) => {
    try {
      return compileGoRegexp(pattern);
    } catch (error) {
      throw new GeneratorError(
        run.path,
        `error compiling ${field} regexp "${pattern}": ${
          (error as Error).message
        }`,
      );
    }
  };
  return filters.map(filter => {
    const out: CompiledFilter = { type: 'none' };
    if (filter.repositoryMatch !== undefined) {
      out.repositoryMatch = compile(filter.repositoryMatch, 'RepositoryMatch');
      out.type = 'repo';
    }
    if (filter.labelMatch !== undefined) {
      out.labelMatch = compile(filter.labelMatch, 'LabelMatch');
      out.type = 'repo';
    }
    if (filter.pathsExist !== undefined) {
      out.pathsExist = filter.pathsExist;
      out.type = 'branch';
    }
    if (filter.pathsDoNotExist !== undefined) {
      out.pathsDoNotExist = filter.pathsDoNotExist;
      out.type = 'branch';
    }
    if (filter.branchMatch !== undefined) {
      out.branchMatch = compile(filter.branchMatch, 'BranchMatch');
      out.type = 'branch';
    }
    return out;
  });
}

async function matchFilter(
  provider: ScmProvider,
  repo: ScmRepository,
  filter: CompiledFilter,
): Promise<boolean> {
  if (filter.repositoryMatch && !filter.repositoryMatch.test(repo.repository))
    return false;
  if (filter.branchMatch && !filter.branchMatch.test(repo.branch)) return false;
  if (
    filter.labelMatch &&
    !repo.labels.some(label => filter.labelMatch!.test(label))
  )
    return false;
  for (const path of filter.pathsExist ?? []) {
    if (!(await provider.repoHasPath(repo, path.replace(/\/+$/, ''))))
      return false;
  }
  for (const path of filter.pathsDoNotExist ?? []) {
    if (await provider.repoHasPath(repo, path.replace(/\/+$/, '')))
      return false;
  }
  return true;
}

async function anyFilterMatches(
  provider: ScmProvider,
  repo: ScmRepository,
  filters: CompiledFilter[],
) {
  for (const filter of filters) {
    if (await matchFilter(provider, repo, filter)) return true;
  }
  return false;
}

/**
 * Argo CD's ListRepos: repository filters (repositoryMatch, labelMatch) pick
 * repositories, then each repository's branches (the default one, or all),
 * then branch filters (branchMatch, pathsExist, pathsDoNotExist). Filters of
 * one kind are ORed; the fields of one filter are ANDed.
 */
async function listRepos(
  provider: ScmProvider,
  filters: CompiledFilter[],
  cloneProtocol: string,
) {
  const repoFilters = filters.filter(f => f.type === 'repo');
  const branchFilters = filters.filter(f => f.type === 'branch');
  let repos = await provider.listRepos(cloneProtocol);
  if (repoFilters.length > 0) {
    const kept: ScmRepository[] = [];
    for (const repo of repos)
      if (await anyFilterMatches(provider, repo, repoFilters)) kept.push(repo);
    repos = kept;
  }
  const withBranches: ScmRepository[] = [];
  for (const repo of repos) {
    withBranches.push(...(await provider.getBranches(repo)));
  }
  if (branchFilters.length === 0) return withBranches;
  const kept: ScmRepository[] = [];
  for (const repo of withBranches)
    if (await anyFilterMatches(provider, repo, branchFilters)) kept.push(repo);
  return kept;
}

async function providerFor(
  spec: ScmProviderGenerator,
  run: GeneratorRun,
): Promise<{ provider: ScmProvider; api: string; name: string }> {
  const ask = (
    provider: ScmCredentialsRequest['provider'],
    api: string,
    secretRef?: SecretRef,
    username?: string,
  ) =>
    credentialsFor(run, {
      generator: 'scmProvider',
      provider,
      apiUrl: api,
      secretRef,
      username,
    });
  if (spec.github) {
    const api = githubApiBase(spec.github.api);
    const client = new ScmClient(
      run,
      await ask('github', api, spec.github.tokenRef),
      'bearer',
    );
    return {
      provider: github(client, api, spec.github),
      api,
      name: `GitHub organization ${spec.github.organization}`,
    };
  }
  if (spec.gitlab) {
    const api = gitlabApiBase(spec.gitlab.api);
    const client = new ScmClient(
      run,
      await ask('gitlab', api, spec.gitlab.tokenRef),
      'gitlab',
    );
    return {
      provider: gitlab(client, api, spec.gitlab),
      api,
      name: `GitLab group ${spec.gitlab.group}`,
    };
  }
  if (spec.gitea) {
    const api = giteaApiBase(spec.gitea.api);
    const client = new ScmClient(
      run,
      await ask('gitea', api, spec.gitea.tokenRef),
      'gitea',
    );
    return {
      provider: gitea(client, api, spec.gitea),
      api,
      name: `Gitea owner ${spec.gitea.owner}`,
    };
  }
  if (spec.bitbucket) {
    const api = BITBUCKET_CLOUD_API;
    const credentials = await ask(
      'bitbucket',
      api,
      spec.bitbucket.appPasswordRef,
      spec.bitbucket.user,
    );
    const client = new ScmClient(run, credentials, 'basic');
    return {
      provider: bitbucketCloud(client, spec.bitbucket),
      api,
      name: `Bitbucket workspace ${spec.bitbucket.owner}`,
    };
  }
  if (spec.bitbucketServer) {
    const api = bitbucketServerApiBase(spec.bitbucketServer.api);
    const auth = bitbucketAuth(spec.bitbucketServer);
    const credentials = auth
      ? await ask('bitbucketServer', api, auth.secretRef, auth.username)
      : undefined;
    const client = new ScmClient(run, credentials, 'bearer');
    return {
      provider: bitbucketServer(client, api, spec.bitbucketServer),
      api,
      name: `Bitbucket Server project ${spec.bitbucketServer.project}`,
    };
  }
  throw new GeneratorError(
    run.path,
    'no SCM provider implementation configured',
  );
}

/** The credentials request for Bitbucket's two auth styles (bearer token or basic auth), if any. */
export function bitbucketAuth(auth: {
  basicAuth?: { username: string; passwordRef?: SecretRef };
  bearerToken?: { tokenRef?: SecretRef };
}): { secretRef?: SecretRef; username?: string } | undefined {
  if (auth.bearerToken) return { secretRef: auth.bearerToken.tokenRef };
  if (auth.basicAuth)
    return {
      secretRef: auth.basicAuth.passwordRef,
      username: auth.basicAuth.username,
    };
  return undefined;
}

/** The API URL a generator's spec names, for Argo CD's allowed-providers check. */
export function customApiUrl(spec: Record<string, any>): string {
  for (const provider of [
    'github',
    'gitlab',
    'gitea',
    'bitbucketServer',
    'bitbucket',
  ]) {
    if (spec[provider]) return spec[provider].api ?? '';
  }
  return '';
}

export function checkAllowedProvider(
  spec: Record<string, any>,
  run: GeneratorRun,
) {
  const url = customApiUrl(spec);
  const allowed = run.context.allowedScmProviders ?? [];
  if (url && allowed.length > 0 && !allowed.includes(url)) {
    throw new GeneratorError(
      run.path,
      `scm provider not allowed: scm provider "${url}" not allowed, must use one of the following: ${allowed.join(
        ', ',
      )}`,
    );
  }
}

/**
 * The SCM provider generator: one parameter set per repository branch, with
 * `organization`, `repository`, `repository_id`, `url`, `branch`,
 * `branchNormalized`, `sha`, `short_sha` (8), `short_sha_7`, `labels` (comma
 * separated) and `values`.
 */
export const scmProviderParams: ParamsGenerator<ScmProviderGenerator> = async (
  spec,
  run,
) => {
  checkAllowedProvider(spec, run);
  const filters = compileFilters(spec.filters ?? [], run);
  const { provider, api, name } = await providerFor(spec, run);
  let repos: ScmRepository[];
  try {
    repos = await listRepos(provider, filters, spec.cloneProtocol ?? '');
  } catch (error) {
    if (error instanceof GeneratorError) throw error;
    throw new GeneratorError(
      run.path,
      `error listing repositories of ${name} at ${displayUrl(api)}: ${
        (error as Error).message
      }`,
    );
  }
  return repos.map(repo => {
    const params: Params = {
      organization: repo.organization,
      repository: repo.repository,
      repository_id: repo.repositoryId,
      url: repo.url,
      branch: repo.branch,
      sha: repo.sha,
      short_sha: repo.sha.slice(0, 8),
      short_sha_7: repo.sha.slice(0, 7),
      labels: repo.labels.join(','),
      branchNormalized: sanitizeName(repo.branch),
    };
    return appendValues(spec.values, params, run.mode);
  });
};
