import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  generateApplications,
  generateParameterSets,
} from '../../ApplicationSetGenerator';
import type {
  ApplicationSetGeneratorContext,
  ScmCredentialsRequest,
} from '../context';
import bitbucket from './__fixtures__/bitbucket-cloud.json';
import gitea from './__fixtures__/gitea.json';
import github from './__fixtures__/github.json';
import gitlab from './__fixtures__/gitlab.json';

const GH = 'https://api.github.com';
const GL = 'https://gitlab.com/api/v4';
const GT = 'https://gitea.example.internal/api/v1';
const BB = 'https://api.bitbucket.org/2.0';

const seenAuthorization: string[] = [];
const seenLabelQueries: Array<string | null> = [];
const server = setupServer(
  http.get(`${GH}/orgs/acme/repos`, ({ request }) => {
    seenAuthorization.push(request.headers.get('authorization') ?? '');
    const page = new URL(request.url).searchParams.get('page') ?? '1';
    return page === '1'
      ? HttpResponse.json(github.repos_page1, {
          headers: {
            Link: `<${GH}/orgs/acme/repos?per_page=100&page=2>; rel="next", <${GH}/orgs/acme/repos?per_page=100&page=2>; rel="last"`,
          },
        })
      : HttpResponse.json(github.repos_page2);
  }),
  http.get(`${GH}/repos/acme/checkout/branches/main`, () =>
    HttpResponse.json(github.branch_checkout_main),
  ),
  http.get(`${GH}/repos/acme/catalog/branches/main`, () =>
    HttpResponse.json(github.branch_catalog_main),
  ),
  // Empty repositories have no default branch yet: GitHub answers 404 and the repository is skipped.
  http.get(`${GH}/repos/acme/:repo/branches/main`, () =>
    HttpResponse.json({ message: 'Branch not found' }, { status: 404 }),
  ),
  http.get(`${GH}/repos/acme/catalog/branches`, ({ request }) =>
    new URL(request.url).searchParams.get('page') === '2'
      ? HttpResponse.json(github.branches_catalog_page2)
      : HttpResponse.json(github.branches_catalog_page1, {
          headers: {
            Link: `<${GH}/repos/acme/catalog/branches?per_page=100&page=2>; rel="next"`,
          },
        }),
  ),
  http.get(
    `${GH}/repos/acme/:repo/contents/deploy/kustomization.yaml`,
    ({ params }) =>
      params.repo === 'checkout'
        ? HttpResponse.json(github.contents_kustomization)
        : HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
  ),
  http.get(`${GH}/repos/acme/shop/pulls`, ({ request }) =>
    new URL(request.url).searchParams.get('page') === '2'
      ? HttpResponse.json(github.pulls_page2)
      : HttpResponse.json(github.pulls_page1, {
          headers: {
            Link: `<${GH}/repos/acme/shop/pulls?per_page=100&page=2>; rel="next"`,
          },
        }),
  ),
  http.get(`${GH}/repos/acme/missing/pulls`, () =>
    HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
  ),
  http.get(`${GH}/repos/acme/flaky/pulls`, () =>
    HttpResponse.json({ message: 'Server Error' }, { status: 502 }),
  ),
  http.get(`${GL}/groups/acme%2Fplatform/projects`, ({ request }) => {
    seenAuthorization.push(request.headers.get('private-token') ?? '');
    return new URL(request.url).searchParams.get('page') === '2'
      ? HttpResponse.json(gitlab.projects_page2, {
          headers: { 'X-Page': '2', 'X-Total-Pages': '2', 'X-Next-Page': '' },
        })
      : HttpResponse.json(gitlab.projects_page1, {
          headers: { 'X-Page': '1', 'X-Total-Pages': '2', 'X-Next-Page': '2' },
        });
  }),
  http.get(`${GL}/projects/4001/repository/branches/main`, () =>
    HttpResponse.json(gitlab.branch_api_main),
  ),
  http.get(`${GL}/projects/4002/repository/branches/main`, () =>
    HttpResponse.json(gitlab.branch_web_main),
  ),
  http.get(
    `${GL}/projects/acme%2Fplatform%2Fapi/merge_requests`,
    ({ request }) => {
      const query = new URL(request.url).searchParams;
      seenLabelQueries.push(query.get('labels'));
      return query.get('page') === '2'
        ? HttpResponse.json(gitlab.mrs_page2)
        : HttpResponse.json(gitlab.mrs_page1, {
            headers: { 'X-Next-Page': '2' },
          });
    },
  ),
  http.get(`${GT}/orgs/acme/repos`, () => HttpResponse.json(gitea.repos)),
  http.get(`${GT}/repos/acme/infra/labels`, () =>
    HttpResponse.json(gitea.labels_infra),
  ),
  http.get(`${GT}/repos/acme/infra/branches/main`, () =>
    HttpResponse.json(gitea.branch_infra_main),
  ),
  http.get(`${GT}/repos/acme/infra/pulls`, ({ request }) => {
    seenAuthorization.push(request.headers.get('authorization') ?? '');
    return HttpResponse.json(gitea.pulls);
  }),
  http.get(`${BB}/repositories/acme`, ({ request }) => {
    seenAuthorization.push(request.headers.get('authorization') ?? '');
    return new URL(request.url).searchParams.get('page') === '2'
      ? HttpResponse.json(bitbucket.repos_page2)
      : HttpResponse.json(bitbucket.repos_page1);
  }),
  http.get(`${BB}/repositories/acme/payments/refs/branches/master`, () =>
    HttpResponse.json(bitbucket.branch_payments_master),
  ),
  http.get(`${BB}/repositories/acme/ledger/refs/branches/main`, () =>
    HttpResponse.json(bitbucket.branch_ledger_main),
  ),
  http.get(`${BB}/repositories/acme/ledger/pullrequests`, () =>
    HttpResponse.json(bitbucket.pullrequests),
  ),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seenAuthorization.length = 0;
  seenLabelQueries.length = 0;
});
afterAll(() => server.close());

const requests: ScmCredentialsRequest[] = [];
const context: ApplicationSetGeneratorContext = {
  scmCredentials: async request => {
    requests.push(request);
    return request.provider === 'bitbucket'
      ? { username: 'builder', password: 'app-password' }
      : { token: `token-for-${request.provider}` };
  },
};

function appSet(generator: Record<string, unknown>, goTemplate = false) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'scm', namespace: 'argocd' },
    spec: {
      goTemplate,
      generators: [generator],
      template: {
        metadata: { name: goTemplate ? '{{ .repository }}' : '{{repository}}' },
        spec: {},
      },
    },
  };
}

async function generatorParams(
  generator: Record<string, unknown>,
  goTemplate = false,
) {
  const [result] = await generateParameterSets(
    appSet(generator, goTemplate),
    context,
  );
  return result.params;
}

describe('scmProvider generator', () => {
  it('lists a GitHub organisation over two pages, default branches, with Argo CD parameter names', async () => {
    const result = await generatorParams({
      scmProvider: {
        github: {
          organization: 'acme',
          tokenRef: { secretName: 'github-token', key: 'token' },
        },
        values: { slot: '{{repository}}-{{short_sha_7}}' },
      },
    });
    expect(result).toEqual([
      {
        organization: 'acme',
        repository: 'checkout',
        repository_id: expect.anything(),
        url: 'git@github.com:acme/checkout.git',
        branch: 'main',
        branchNormalized: 'main',
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        short_sha: '6dcb09b5',
        short_sha_7: '6dcb09b',
        labels: 'shop,payments',
        'values.slot': 'checkout-6dcb09b',
      },
      expect.objectContaining({ repository: 'catalog', short_sha: 'a1b2c3d4' }),
    ]);
  });

  it('sends the token the credentials port gives, for the secret the set names', async () => {
    requests.length = 0;
    await generatorParams({
      scmProvider: {
        github: {
          organization: 'acme',
          tokenRef: { secretName: 'github-token', key: 'token' },
        },
      },
    });
    expect(seenAuthorization).toEqual([
      'Bearer token-for-github',
      'Bearer token-for-github',
    ]);
    expect(requests).toHaveLength(1);
    expect(requests).toEqual([
      {
        generator: 'scmProvider',
        provider: 'github',
        apiUrl: 'https://api.github.com/',
        secretRef: { secretName: 'github-token', key: 'token' },
        username: undefined,
        applicationSet: { name: 'scm', namespace: 'argocd' },
      },
    ]);
  });

  it('applies repository and branch filters: labelMatch, pathsExist, branchMatch over all branches', async () => {
    const labelled = await generatorParams({
      scmProvider: {
        github: { organization: 'acme', excludeArchivedRepos: true },
        filters: [{ labelMatch: '^pay' }],
      },
    });
    expect(labelled.map(p => p.repository)).toEqual(['checkout']);
    const withPath = await generatorParams({
      scmProvider: {
        github: { organization: 'acme' },
        filters: [
          {
            repositoryMatch: '^(checkout|catalog)$',
            pathsExist: ['deploy/kustomization.yaml'],
          },
        ],
      },
    });
    expect(withPath.map(p => p.repository)).toEqual(['checkout']);
    const branches = await generatorParams({
      scmProvider: {
        github: { organization: 'acme', allBranches: true },
        filters: [
          { repositoryMatch: '^catalog$' },
          { branchMatch: '^(main|release-.*)$' },
        ],
      },
    });
    expect(branches.map(p => `${p.repository}@${p.branch}`)).toEqual([
      'catalog@main',
      'catalog@release-1.0',
    ]);
  });

  it('prints repository_id as an integer with goTemplate', async () => {
    const result = await generateApplications(
      {
        ...appSet(
          {
            scmProvider: {
              github: { organization: 'acme' },
              filters: [{ repositoryMatch: '^checkout$' }],
            },
          },
          true,
        ),
        spec: {
          goTemplate: true,
          generators: [
            {
              scmProvider: {
                github: { organization: 'acme' },
                filters: [{ repositoryMatch: '^checkout$' }],
              },
            },
          ],
          template: {
            metadata: { name: '{{ .repository }}-{{ .repository_id }}' },
            spec: {},
          },
        },
      },
      context,
    );
    expect(result.applications.map(app => app.metadata.name)).toEqual([
      'checkout-1296269',
    ]);
    expect(result.requeueAfterMs).toBe(30 * 60_000);
  });

  it('lists a GitLab group over two pages with PRIVATE-TOKEN', async () => {
    const result = await generatorParams(
      {
        scmProvider: {
          gitlab: { group: 'acme/platform' },
          cloneProtocol: 'https',
        },
      },
      true,
    );
    expect(result).toEqual([
      expect.objectContaining({
        organization: 'acme/platform',
        repository: 'api',
        url: 'https://gitlab.com/acme/platform/api.git',
        sha: '7b5c3cc8be40ee161ae89a06bba6229da1032a0c',
        short_sha: '7b5c3cc8',
        labels: 'backend',
      }),
      expect.objectContaining({ repository: 'web', labels: '' }),
    ]);
    expect(seenAuthorization).toEqual(['token-for-gitlab', 'token-for-gitlab']);
  });

  it('lists a Gitea organisation with repository labels', async () => {
    expect(
      await generatorParams({
        scmProvider: {
          gitea: { owner: 'acme', api: 'https://gitea.example.internal' },
        },
      }),
    ).toEqual([
      expect.objectContaining({
        organization: 'acme',
        repository: 'infra',
        url: 'git@gitea.example.internal:acme/infra.git',
        sha: 'abcdef0123456789abcdef0123456789abcdef01',
        labels: 'platform',
      }),
    ]);
  });

  it('lists a Bitbucket Cloud workspace following next links, with basic auth', async () => {
    const result = await generatorParams({
      scmProvider: {
        bitbucket: {
          owner: 'acme',
          user: 'builder',
          appPasswordRef: { secretName: 'bb', key: 'password' },
        },
      },
    });
    expect(
      result.map(p => [
        p.repository,
        p.branch,
        p.short_sha,
        p.url,
        p.repository_id,
      ]),
    ).toEqual([
      [
        'payments',
        'master',
        'f00dfeed',
        'git@bitbucket.org:acme/payments.git',
        '{2d6f2b2c-1111-4c1a-9c1e-7e2a3b4c5d6e}',
      ],
      [
        'ledger',
        'main',
        'c0ffeec0',
        'git@bitbucket.org:acme/ledger.git',
        '{3e7f3c3d-2222-4c1a-9c1e-7e2a3b4c5d6e}',
      ],
    ]);
    expect(seenAuthorization[0]).toBe(
      `Basic ${Buffer.from('builder:app-password').toString('base64')}`,
    );
  });

  it('fails the generation on a 5xx, naming the provider and URL and never the token', async () => {
    server.use(
      http.get(`${GH}/orgs/acme/repos`, () =>
        HttpResponse.json({ message: 'Service Unavailable' }, { status: 503 }),
      ),
    );
    const error = await generateApplications(
      appSet({ scmProvider: { github: { organization: 'acme' } } }),
      context,
    ).catch(e => e);
    expect(error.message).toBe(
      'ApplicationSet scm: spec.generators[0].scmProvider: error listing repositories of GitHub organization acme at https://api.github.com/: GET https://api.github.com/orgs/acme/repos?per_page=100 answered 503: Service Unavailable',
    );
    expect(error.message).not.toContain('token-for');
  });

  it('refuses API URLs outside allowedScmProviders', async () => {
    await expect(
      generateApplications(
        appSet({
          scmProvider: {
            gitea: { owner: 'acme', api: 'https://gitea.example.internal' },
          },
        }),
        {
          ...context,
          allowedScmProviders: ['https://git.example.internal'],
        },
      ),
    ).rejects.toThrow(
      'scm provider "https://gitea.example.internal" not allowed',
    );
  });
});

describe('pullRequest generator', () => {
  it('lists GitHub pull requests over two pages, filtered by label, with slugs and short SHAs', async () => {
    const result = await generatorParams(
      {
        pullRequest: {
          github: { owner: 'acme', repo: 'shop', labels: ['preview'] },
        },
      },
      true,
    );
    expect(result).toEqual([
      {
        number: '1347',
        title: 'Amazing new feature',
        branch: 'feat/new_feature',
        branch_slug: 'feat-new-feature',
        target_branch: 'main',
        target_branch_slug: 'main',
        head_sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        head_short_sha: '6dcb09b5',
        head_short_sha_7: '6dcb09b',
        author: 'octocat',
        labels: ['preview'],
      },
      expect.objectContaining({
        number: '1350',
        branch_slug: 'fix-checkout-total',
        target_branch: 'release-1.0',
        labels: ['preview', 'bug'],
      }),
    ]);
  });

  it('gives no labels parameter with fasttemplate, and applies branch, target and title filters (ORed)', async () => {
    const result = await generatorParams({
      pullRequest: {
        github: { owner: 'acme', repo: 'shop' },
        filters: [
          { branchMatch: '^feat/' },
          { targetBranchMatch: '^release-', titleMatch: 'Fix' },
        ],
      },
    });
    expect(result.map(p => p.number)).toEqual(['1347', '1350']);
    expect(result[0]).not.toHaveProperty('labels');
  });

  it('lists GitLab merge requests with the label filter sent to the API', async () => {
    const result = await generatorParams(
      {
        pullRequest: {
          gitlab: { project: 'acme/platform/api', labels: ['preview'] },
        },
      },
      true,
    );
    expect(seenLabelQueries).toEqual(['preview', 'preview']);
    expect(
      result.map(p => [p.number, p.branch_slug, p.author, p.labels]),
    ).toEqual([
      ['12', 'feature-search', 'jdoe', ['preview', 'backend']],
      ['13', 'renovate-deps', 'renovate-bot', ['preview']],
    ]);
  });

  it('lists Gitea and Bitbucket Cloud pull requests', async () => {
    const giteaPulls = await generatorParams({
      pullRequest: {
        gitea: {
          owner: 'acme',
          repo: 'infra',
          api: 'https://gitea.example.internal',
          labels: ['preview'],
        },
      },
    });
    expect(giteaPulls).toEqual([
      expect.objectContaining({
        number: '3',
        branch: 'monitoring',
        head_short_sha: 'fedcba98',
        author: 'gitea-user',
      }),
    ]);
    expect(seenAuthorization).toContain('token token-for-gitea');
    const bitbucketPulls = await generatorParams({
      pullRequest: { bitbucket: { owner: 'acme', repo: 'ledger' } },
    });
    expect(bitbucketPulls).toEqual([
      expect.objectContaining({
        number: '21',
        branch_slug: 'feature-export',
        target_branch: 'main',
        author: 'kim',
        head_short_sha_7: 'abc1234',
      }),
    ]);
  });

  it('skips a repository that is not found only with continueOnRepoNotFoundError', async () => {
    expect(
      await generatorParams({
        pullRequest: {
          github: { owner: 'acme', repo: 'missing' },
          continueOnRepoNotFoundError: true,
        },
      }),
    ).toEqual([]);
    await expect(
      generatorParams({
        pullRequest: { github: { owner: 'acme', repo: 'missing' } },
      }),
    ).rejects.toThrow(
      'error listing repos: GitHub repository acme/missing was not found',
    );
  });

  it('fails the generation on a 5xx: nothing is generated', async () => {
    await expect(
      generateApplications(
        appSet({ pullRequest: { github: { owner: 'acme', repo: 'flaky' } } }),
        context,
      ),
    ).rejects.toThrow(
      'GET https://api.github.com/repos/acme/flaky/pulls?per_page=100 answered 502: Server Error',
    );
  });
});
