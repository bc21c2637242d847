import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  applicationSetsResponse,
  unauthenticatedClustersResponse,
} from '../__testUtils__/fixtures';
import { GitOpsClient } from './GitOpsClient';

const baseUrl = 'http://backstage.test/api/gitops';

describe('GitOpsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new GitOpsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  const unhealthy = {
    status: 'error',
    database: { status: 'error', error: 'connect ECONNREFUSED' },
    tools: [],
  };

  it('returns the body of an unhealthy backend rather than throwing', async () => {
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json(unhealthy, { status: 503 }),
      ),
    );
    await expect(client.getHealth()).resolves.toEqual(unhealthy);
  });

  it('sends the fleet filters as query parameters, lists comma-separated', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${baseUrl}/applications`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ items: [] });
      }),
    );
    await client.listApplications();
    await client.listApplications({
      search: 'pay ments',
      project: ['shop', 'payments'],
      cluster: 'https://prod.example.internal:6443',
      namespace: [],
      sync: ['OutOfSync'],
      health: ['Degraded', 'Missing'],
      owner: 'group:default/team-shop',
      limit: 25,
      cursor: 'WyJhcmdvY2QiLCJzaG9wIl0',
      includeTotalCount: true,
    });
    expect(seen[0]).toBe('');
    expect(Object.fromEntries(new URLSearchParams(seen[1]))).toEqual({
      search: 'pay ments',
      project: 'shop,payments',
      cluster: 'https://prod.example.internal:6443',
      sync: 'OutOfSync',
      health: 'Degraded,Missing',
      owner: 'group:default/team-shop',
      limit: '25',
      cursor: 'WyJhcmdvY2QiLCJzaG9wIl0',
      includeTotalCount: 'true',
    });
  });

  it('lists ApplicationSets, optionally by namespace and project', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${baseUrl}/applicationsets`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json(applicationSetsResponse);
      }),
    );
    await expect(client.listApplicationSets()).resolves.toEqual(
      applicationSetsResponse,
    );
    await client.listApplicationSets({
      namespace: ['argocd'],
      project: ['a', 'b'],
    });
    expect(seen).toEqual(['', '?namespace=argocd&project=a%2Cb']);
  });

  it("asks for a resource's events by group, kind, namespace, name, and version and uid when known", async () => {
    const seen: string[] = [];
    server.use(
      http.get(
        `${baseUrl}/applications/argocd/shop/resource/events`,
        ({ request }) => {
          seen.push(new URL(request.url).search);
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    const pod = {
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d9f',
    };
    await expect(
      client.getResourceEvents(
        { namespace: 'argocd', name: 'shop' },
        { ...pod, uid: '6a1c' },
      ),
    ).resolves.toEqual({ items: [] });
    const { version: _version, ...withoutVersion } = pod;
    await client.getResourceEvents(
      { namespace: 'argocd', name: 'shop' },
      withoutVersion,
    );
    expect(
      seen.map(search => Object.fromEntries(new URLSearchParams(search))),
    ).toEqual([{ ...pod, uid: '6a1c' }, withoutVersion]);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json(unauthenticatedClustersResponse, { status: 401 }),
      ),
    );
    await expect(client.listClusters()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      body: { error: { name: 'AuthenticationError' } },
    });
  });
});
