import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { unauthenticatedClustersResponse } from '../__testUtils__/fixtures';
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
