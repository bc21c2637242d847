import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createTestApi,
  refOf,
  testApplication,
  type TestApi,
} from './__testUtils__/testApi';

/*
 * Every authenticated route, three times: without credentials (401), with a
 * policy that refuses (403, nothing done), with one that allows (done, and
 * the right permission asked on the right application). POST /webhook and
 * GET /health are open by design and tested in webhookRoute.test.ts and
 * plugin.test.ts.
 */

interface RouteCase {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: object;
  /** Permissions asked, each on `resourceRef`. */
  permissions: string[];
  resourceRef: string;
  allowedStatus: number;
  /** Write routes record an audit event. */
  auditEventId?: string;
  /** Makes the route's precondition true (an operation to terminate, …). */
  setup?: (api: TestApi) => Promise<void>;
}

const SHOP = '/api/gitops/applications/argocd/shop';
const API_APP = '/api/gitops/applications/argocd/api-app';

const ROUTES: RouteCase[] = [
  {
    method: 'get',
    path: SHOP,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'get',
    path: `${SHOP}/resource-tree`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'get',
    path: `${SHOP}/managed-resources`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'get',
    path: `${SHOP}/events`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'get',
    path: `${SHOP}/history`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'get',
    path: `${SHOP}/resource/events?group=apps&kind=Deployment&namespace=shop&name=web`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    setup: async api => {
      api.controller.liveResources = [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
        },
      ];
    },
  },
  {
    method: 'get',
    path: `${SHOP}/resource/actions?group=apps&version=v1&kind=Deployment&namespace=shop&name=web`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
  },
  {
    method: 'post',
    path: '/api/gitops/applications',
    body: testApplication('new-app'),
    permissions: ['gitops.application.create'],
    resourceRef: refOf('new-app'),
    allowedStatus: 201,
    auditEventId: 'application-create',
  },
  {
    method: 'put',
    path: API_APP,
    body: testApplication('api-app', { path: 'changed' }),
    permissions: ['gitops.application.update'],
    resourceRef: refOf('api-app'),
    allowedStatus: 200,
    auditEventId: 'application-update',
  },
  {
    method: 'delete',
    path: `${API_APP}?cascade=true`,
    permissions: ['gitops.application.delete'],
    resourceRef: refOf('api-app'),
    allowedStatus: 200,
    auditEventId: 'application-delete',
  },
  {
    method: 'post',
    path: `${SHOP}/sync`,
    body: { prune: true },
    permissions: ['gitops.application.sync'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'application-sync',
  },
  {
    method: 'post',
    path: `${SHOP}/sync`,
    body: { revision: 'v0.9.0' },
    permissions: ['gitops.application.sync', 'gitops.application.override'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'application-sync',
  },
  {
    method: 'post',
    path: `${SHOP}/refresh?hard=true`,
    permissions: ['gitops.application.read'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'application-refresh',
  },
  {
    method: 'post',
    path: `${SHOP}/rollback`,
    body: { id: 1 },
    permissions: ['gitops.application.sync'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'application-rollback',
    setup: async api => {
      await api.store.appendHistory({
        namespace: 'argocd',
        name: 'shop',
        revision: 'a'.repeat(40),
        initiatedBy: { username: 'user:default/someone' },
      });
    },
  },
  {
    method: 'delete',
    path: `${SHOP}/operation`,
    permissions: ['gitops.application.sync'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'operation-terminate',
    setup: async api => {
      await api.store.createOperation({
        namespace: 'argocd',
        name: 'shop',
        operation: { sync: {} },
        holder: 'replica-1',
      });
    },
  },
  {
    method: 'post',
    path: `${SHOP}/resource/actions`,
    body: {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      action: 'restart',
    },
    permissions: ['gitops.application.action'],
    resourceRef: refOf('shop'),
    allowedStatus: 200,
    auditEventId: 'resource-action',
    setup: async api => {
      api.controller.resourceActions = [{ name: 'restart' }];
    },
  },
];

/** What a write route records: its start and outcome. Reads record nothing. */
function auditTrail(route: RouteCase, outcome: 'failed' | 'succeeded') {
  return route.auditEventId
    ? [
        [route.auditEventId, 'initiated'],
        [route.auditEventId, outcome],
      ]
    : [];
}

function send(api: TestApi, route: RouteCase) {
  const call = request(api.app)[route.method](route.path);
  return route.body ? call.send(route.body) : call;
}

async function prepare(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  route?: RouteCase,
) {
  const permissions = mockServices.permissions({ result });
  const authorize = jest.spyOn(permissions, 'authorize');
  const api = await createTestApi({ permissions });
  await api.addApplications([testApplication('shop')]);
  await api.addApplications([testApplication('api-app')], 'api');
  await route?.setup?.(api);
  return { api, authorize };
}

describe.each(
  ROUTES.map(route => [`${route.method.toUpperCase()} ${route.path}`, route]),
)('%s', (_title, route) => {
  it('refuses callers without credentials (401) and does nothing', async () => {
    const { api } = await prepare(AuthorizeResult.ALLOW, route);
    const before = await api.store.listApplications();

    const response = await send(api, route).set(
      'Authorization',
      mockCredentials.none.header(),
    );

    expect(response.status).toBe(401);
    expect(response.body.error.name).toBe('AuthenticationError');
    expect(api.controller.calls).toEqual([]);
    expect(api.auditor.records).toEqual([]);
    expect(await api.store.listApplications()).toEqual(before);
  });

  it('refuses callers the policy denies (403) and does nothing', async () => {
    const { api, authorize } = await prepare(AuthorizeResult.DENY, route);
    const before = await api.store.listApplications();

    const response = await send(api, route);

    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('NotAllowedError');
    expect(response.body.error.message).toContain(route.resourceRef);
    expect(response.body.error.message).toContain(route.permissions[0]);
    expect(api.controller.calls).toEqual([]);
    expect(await api.store.listApplications()).toEqual(before);
    expect(authorize.mock.calls[0][0]).toEqual([
      expect.objectContaining({
        permission: expect.objectContaining({ name: route.permissions[0] }),
        resourceRef: route.resourceRef,
      }),
    ]);
    expect(api.auditor.records.map(r => [r.eventId, r.status])).toEqual(
      auditTrail(route, 'failed'),
    );
  });

  it('serves callers the policy allows, users and services', async () => {
    for (const credentials of [
      mockCredentials.user.header('user:default/alice'),
      mockCredentials.service.header(),
    ]) {
      const { api, authorize } = await prepare(AuthorizeResult.ALLOW, route);

      const response = await send(api, route).set('Authorization', credentials);

      expect(response.status).toBe(route.allowedStatus);
      const asked = authorize.mock.calls.flatMap(([requests]) =>
        requests.map(r => ({
          name: r.permission.name,
          resourceRef: (r as { resourceRef?: string }).resourceRef,
        })),
      );
      expect(asked).toEqual(
        route.permissions.map(name => ({
          name,
          resourceRef: route.resourceRef,
        })),
      );
      expect(api.auditor.records.map(r => [r.eventId, r.status])).toEqual(
        auditTrail(route, 'succeeded'),
      );
    }
  });
});

describe('GET /api/gitops/applications', () => {
  it('refuses callers without credentials (401)', async () => {
    const { api } = await prepare(AuthorizeResult.ALLOW);
    const response = await request(api.app)
      .get('/api/gitops/applications')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });

  it('lists nothing for a caller the policy denies', async () => {
    const { api } = await prepare(AuthorizeResult.DENY);
    const response = await request(api.app).get('/api/gitops/applications');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [] });
  });

  it('lists every application for a caller the policy allows', async () => {
    const { api } = await prepare(AuthorizeResult.ALLOW);
    const response = await request(api.app)
      .get('/api/gitops/applications')
      .set('Authorization', mockCredentials.service.header());
    expect(response.status).toBe(200);
    expect(response.body.items.map((app: any) => app.metadata.name)).toEqual([
      'api-app',
      'shop',
    ]);
  });
});

describe('GET /api/gitops/clusters', () => {
  it('needs credentials', async () => {
    const { api } = await prepare(AuthorizeResult.ALLOW);
    expect(
      (
        await request(api.app)
          .get('/api/gitops/clusters')
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
    expect((await request(api.app).get('/api/gitops/clusters')).status).toBe(
      200,
    );
  });
});
