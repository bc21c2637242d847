import { compileGoRegexp } from '../../goRegexp';
import { branchSlug } from '../../names';
import type { Params } from '../../params';
import { goStringSlice } from '../../template/go/values';
import type { PullRequestGenerator, SecretRef } from '../../types';
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
import {
  bitbucketAuth,
  checkAllowedProvider,
  credentialsFor,
} from './scmProvider';

interface PullRequest {
  number: number;
  title: string;
  branch: string;
  targetBranch: string;
  headSha: string;
  labels: string[];
  author: string;
}

const enc = encodeURIComponent;

const hasLabels = (expected: string[] | undefined, got: string[]) =>
  (expected ?? []).every(label => got.includes(label));

async function githubPulls(
  client: ScmClient,
  base: string,
  spec: NonNullable<PullRequestGenerator['github']>,
) {
  const pulls: PullRequest[] = [];
  let url: string | undefined = withQuery(
    apiUrl(base, `repos/${enc(spec.owner)}/${enc(spec.repo)}/pulls`),
    {
      per_page: 100,
    },
  );
  while (url) {
    const { body, headers }: { body: any[]; headers: Headers } =
      await client.json<any[]>(url);
    for (const pull of body) {
      const labels = (pull.labels ?? [])
        .map((label: any) => label.name)
        .filter((n: unknown) => typeof n === 'string');
      if (!hasLabels(spec.labels, labels)) continue;
      pulls.push({
        number: pull.number,
        title: pull.title,
        branch: pull.head?.ref ?? '',
        targetBranch: pull.base?.ref ?? '',
        headSha: pull.head?.sha ?? '',
        labels,
        author: pull.user?.login ?? '',
      });
    }
    url = nextLink(headers);
  }
  return pulls;
}

async function gitlabPulls(
  client: ScmClient,
  base: string,
  spec: NonNullable<PullRequestGenerator['gitlab']>,
) {
  const pulls: PullRequest[] = [];
  let url: string | undefined = withQuery(
    apiUrl(base, `projects/${enc(spec.project)}/merge_requests`),
    {
      per_page: 100,
      labels: spec.labels?.length ? spec.labels.join(',') : undefined,
      state: spec.pullRequestState || undefined,
    },
  );
  while (url) {
    const { body, headers }: { body: any[]; headers: Headers } =
      await client.json<any[]>(url);
    for (const mr of body) {
      pulls.push({
        number: mr.iid,
        title: mr.title,
        branch: mr.source_branch,
        targetBranch: mr.target_branch,
        headSha: mr.sha ?? '',
        labels: mr.labels ?? [],
        author: mr.author?.username ?? '',
      });
    }
    const next: string | null = headers.get('x-next-page');
    url = next ? withQuery(url, { page: next }) : undefined;
  }
  return pulls;
}

async function giteaPulls(
  client: ScmClient,
  base: string,
  spec: NonNullable<PullRequestGenerator['gitea']>,
) {
  const pulls: PullRequest[] = [];
  let url: string | undefined = withQuery(
    apiUrl(base, `repos/${enc(spec.owner)}/${enc(spec.repo)}/pulls`),
    {
      state: 'open',
      limit: 50,
    },
  );
  while (url) {
    const { body, headers }: { body: any[]; headers: Headers } =
      await client.json<any[]>(url);
    for (const pr of body) {
      const labels = (pr.labels ?? []).map((label: any) => label.name);
      if (!hasLabels(spec.labels, labels)) continue;
      pulls.push({
        number: pr.number,
        title: pr.title,
        branch: pr.head?.ref ?? '',
        targetBranch: pr.base?.ref ?? '',
        headSha: pr.head?.sha ?? '',
        labels,
        author: pr.user?.login ?? '',
      });
    }
    url = body.length > 0 ? nextLink(headers) : undefined;
  }
  return pulls;
}

async function bitbucketCloudPulls(
  client: ScmClient,
  base: string,
  spec: NonNullable<PullRequestGenerator['bitbucket']>,
) {
  const pulls: PullRequest[] = [];
  let url: string | undefined = apiUrl(
    base,
    `repositories/${enc(spec.owner)}/${enc(spec.repo)}/pullrequests`,
  );
  while (url) {
    const { body }: { body: { values: any[]; next?: string } } =
      await client.json<{ values: any[]; next?: string }>(url);
    for (const pr of body.values ?? []) {
      pulls.push({
        number: pr.id,
        title: pr.title,
        branch: pr.source?.branch?.name ?? '',
        targetBranch: pr.destination?.branch?.name ?? '',
        headSha: pr.source?.commit?.hash ?? '',
        labels: [],
        author: pr.author?.nickname ?? '',
      });
    }
    url = body.next;
  }
  return pulls;
}

async function bitbucketServerPulls(
  client: ScmClient,
  base: string,
  spec: NonNullable<PullRequestGenerator['bitbucketServer']>,
) {
  const pulls: PullRequest[] = [];
  const first = withQuery(
    apiUrl(
      base,
      `projects/${enc(spec.project)}/repos/${enc(spec.repo)}/pull-requests`,
    ),
    { limit: 100 },
  );
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
    for (const pr of body.values ?? []) {
      pulls.push({
        number: pr.id,
        title: pr.title,
        branch: pr.fromRef?.displayId ?? '',
        targetBranch: pr.toRef?.displayId ?? '',
        headSha: pr.fromRef?.latestCommit ?? '',
        labels: [],
        author: pr.author?.user?.name ?? '',
      });
    }
    url =
      body.isLastPage === false && body.nextPageStart !== undefined
        ? withQuery(first, { start: body.nextPageStart })
        : undefined;
  }
  return pulls;
}

async function listPulls(
  spec: PullRequestGenerator,
  run: GeneratorRun,
): Promise<{ pulls: PullRequest[] } | { notFound: string }> {
  const ask = (
    provider: ScmCredentialsRequest['provider'],
    api: string,
    secretRef?: SecretRef,
    username?: string,
  ) =>
    credentialsFor(run, {
      generator: 'pullRequest',
      provider,
      apiUrl: api,
      secretRef,
      username,
    });
  let api: string;
  let name: string;
  let list: () => Promise<PullRequest[]>;
  if (spec.github) {
    const cfg = spec.github;
    api = githubApiBase(cfg.api);
    name = `GitHub repository ${cfg.owner}/${cfg.repo}`;
    const client = new ScmClient(
      run,
      await ask('github', api, cfg.tokenRef),
      'bearer',
    );
    list = () => githubPulls(client, api, cfg);
  } else if (spec.gitlab) {
    const cfg = spec.gitlab;
    api = gitlabApiBase(cfg.api);
    name = `GitLab project ${cfg.project}`;
    const client = new ScmClient(
      run,
      await ask('gitlab', api, cfg.tokenRef),
      'gitlab',
    );
    list = () => gitlabPulls(client, api, cfg);
  } else if (spec.gitea) {
    const cfg = spec.gitea;
    api = giteaApiBase(cfg.api);
    name = `Gitea repository ${cfg.owner}/${cfg.repo}`;
    const client = new ScmClient(
      run,
      await ask('gitea', api, cfg.tokenRef),
      'gitea',
    );
    list = () => giteaPulls(client, api, cfg);
  } else if (spec.bitbucket) {
    const cfg = spec.bitbucket;
    api = cfg.api ? `${cfg.api.replace(/\/+$/, '')}/` : BITBUCKET_CLOUD_API;
    name = `Bitbucket repository ${cfg.owner}/${cfg.repo}`;
    const auth = bitbucketAuth(cfg);
    const credentials = auth
      ? await ask('bitbucket', api, auth.secretRef, auth.username)
      : undefined;
    const client = new ScmClient(run, credentials, 'bearer');
    list = () => bitbucketCloudPulls(client, api, cfg);
  } else if (spec.bitbucketServer) {
    const cfg = spec.bitbucketServer;
    api = bitbucketServerApiBase(cfg.api);
    name = `Bitbucket Server repository ${cfg.project}/${cfg.repo}`;
    const auth = bitbucketAuth(cfg);
    const credentials = auth
      ? await ask('bitbucketServer', api, auth.secretRef, auth.username)
      : undefined;
    const client = new ScmClient(run, credentials, 'bearer');
    list = () => bitbucketServerPulls(client, api, cfg);
  } else {
    throw new GeneratorError(
      run.path,
      'no Pull Request provider implementation configured',
    );
  }
  try {
    return { pulls: await list() };
  } catch (error) {
    if (error instanceof ScmHttpError && error.status === 404) {
      return {
        notFound: `${name} was not found at ${displayUrl(api)}: ${
          error.message
        }`,
      };
    }
    if (error instanceof GeneratorError) throw error;
    throw new GeneratorError(
      run.path,
      `error listing pull requests of ${name} at ${displayUrl(api)}: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * The pull-request generator: one parameter set per open pull request that
 * passes the filters (branchMatch, targetBranchMatch, titleMatch; ORed across
 * filters), with `number`, `title`, `branch`, `branch_slug`, `target_branch`,
 * `target_branch_slug`, `head_sha`, `head_short_sha` (8), `head_short_sha_7`,
 * `author`, `labels` (goTemplate only) and `values`.
 */
export const pullRequestParams: ParamsGenerator<PullRequestGenerator> = async (
  spec,
  run,
) => {
  checkAllowedProvider(spec, run);
  const filters = (spec.filters ?? []).map(filter => {
    const compile = (pattern: string | undefined, field: string) => {
      if (pattern === undefined) return undefined;
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
    return {
      branch: compile(filter.branchMatch, 'BranchMatch'),
      target: compile(filter.targetBranchMatch, 'TargetBranchMatch'),
      title: compile(filter.titleMatch, 'TitleMatch'),
    };
  });
  const listed = await listPulls(spec, run);
  if ('notFound' in listed) {
    if (spec.continueOnRepoNotFoundError) return [];
    throw new GeneratorError(
      run.path,
      `error listing repos: ${listed.notFound}`,
    );
  }
  const pulls =
    filters.length === 0
      ? listed.pulls
      : listed.pulls.filter(pull =>
          filters.some(
            f =>
              (!f.branch || f.branch.test(pull.branch)) &&
              (!f.target || f.target.test(pull.targetBranch)) &&
              (!f.title || f.title.test(pull.title)),
          ),
        );
  return pulls.map(pull => {
    const params: Params = {
      number: String(pull.number),
      title: pull.title,
      branch: pull.branch,
      branch_slug: branchSlug(pull.branch),
      target_branch: pull.targetBranch,
      target_branch_slug: branchSlug(pull.targetBranch),
      head_sha: pull.headSha,
      head_short_sha: pull.headSha.slice(0, 8),
      head_short_sha_7: pull.headSha.slice(0, 7),
      author: pull.author,
    };
    if (run.mode.goTemplate) {
      params.labels = goStringSlice([...pull.labels]);
    }
    return appendValues(spec.values, params, run.mode);
  });
};
