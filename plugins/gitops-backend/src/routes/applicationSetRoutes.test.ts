import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ClusterConfig } from '@driftless/gitops-engine';
import request from 'supertest';
import type { ArgoObjectManifest } from '../database/types';
import {
  createTestApi,
  PolicyPermissions,
  testApplication,
  type TestApi,
  type TestApiOptions,
} from './__testUtils__/testApi';

const IN_CLUSTER: ClusterConfig = {
  name: 'in-cluster',
  server: 'https://kubernetes.default.svc',
  labels: {},
  auth: { provider: 'inCluster' },
};

/** A set of one app per environment, from a list generator. */
function listSet(
  name: string,
  envs: string[],
  extra: Record<string, unknown> = {},
): ArgoObjectManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name, namespace: 'argocd' },
    spec: {
      generators: [{ list: { elements: envs.map(env => ({ env })) } }],
      template: {
        metadata: { name: `${name}-{{env}}`, labels: { env: '{{env}}' } },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example.com/shop.git',
            targetRevision: 'main',
            path: 'envs/{{env}}',
          },
          destination: { name: 'in-cluster', namespace: '{{env}}' },
        },
      },
      ...extra,
    },
  };
}

const SHOP = '/api/gitops/applicationsets/argocd/shop';

async function api(options: TestApiOptions = {}): Promise<TestApi> {
  const created = await createTestApi({ clusters: [IN_CLUSTER], ...options });
  await created.store.upsertArgoObject({
    object: listSet('shop', ['dev', 'prod']),
    origin: 'app:argocd/bootstrap',
  });
  await created.store.upsertArgoObject({
    object: listSet('billing', ['dev']),
    origin: 'config:0',
  });
  return created;
}

interface RouteCase {
  method: 'get' | 'post';
  path: string;
  body?: object;
  permission: string;
  resourceRef: string;
  auditEventId?: string;
}

const ROUTES: RouteCase[] = [
  {
    method: 'get',
    path: SHOP,
    permission: 'gitops.applicationset.read',
    resourceRef: 'argocd/shop',
  },
  {
    method: 'get',
    path: `${SHOP}/events`,
    permission: 'gitops.applicationset.read',
    resourceRef: 'argocd/shop',
  },
  {
    method: 'post',
    path: `${SHOP}/generate`,
    permission: 'gitops.applicationset.read',
    resourceRef: 'argocd/shop',
  },
  {
    method: 'post',
    path: '/api/gitops/applicationsets/generate',
    body: { applicationSet: listSet('preview', ['dev']) },
    permission: 'gitops.applicationset.create',
    resourceRef: 'argocd/preview',
    auditEventId: 'applicationset-generate',
  },
];

function send(testApi: TestApi, route: RouteCase) {
  const call = request(testApi.app)[route.method](route.path);
  return route.body ? call.send(route.body) : call;
}

describe.each(
  ROUTES.map(route => [`${route.method.toUpperCase()} ${route.path}`, route]),
)('%s', (_title, route) => {
  it('refuses callers without credentials (401)', async () => {
    const testApi = await api();
    const response = await send(testApi, route).set(
      'Authorization',
      mockCredentials.none.header(),
    );
    expect(response.status).toBe(401);
    expect(testApi.controller.calls).toEqual([]);
    expect(testApi.auditor.records).toEqual([]);
  });

  it('refuses callers the policy denies (403), before looking anything up', async () => {
    const permissions = mockServices.permissions({
      result: AuthorizeResult.DENY,
    });
    const authorize = jest.spyOn(permissions, 'authorize');
    const testApi = await api({ permissions });
    const response = await send(testApi, route);
    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('NotAllowedError');
    expect(response.body.error.message).toBe(
      `You may not do this on ApplicationSet ${route.resourceRef}: it needs the permission '${route.permission}'. Ask an administrator of the Backstage permission policy to grant it`,
    );
    expect(authorize.mock.calls[0][0]).toEqual([
      expect.objectContaining({
        permission: expect.objectContaining({ name: route.permission }),
        resourceRef: route.resourceRef,
      }),
    ]);
    expect(testApi.controller.calls).toEqual([]);
    expect(
      testApi.auditor.records.map(record => [record.eventId, record.status]),
    ).toEqual(
      route.auditEventId
        ? [
            [route.auditEventId, 'initiated'],
            [route.auditEventId, 'failed'],
          ]
        : [],
    );
  });

  it('serves users and services the policy allows, asking the right permission on the right set', async () => {
    for (const credentials of [
      mockCredentials.user.header('user:default/alice'),
      mockCredentials.service.header(),
    ]) {
      const permissions = mockServices.permissions({
        result: AuthorizeResult.ALLOW,
      });
      const authorize = jest.spyOn(permissions, 'authorize');
      const testApi = await api({ permissions });
      const response = await send(testApi, route).set(
        'Authorization',
        credentials,
      );
      expect(response.status).toBe(200);
      expect(
        authorize.mock.calls.flatMap(([requests]) =>
          requests.map(r => ({
            name: r.permission.name,
            resourceRef: (r as { resourceRef?: string }).resourceRef,
          })),
        ),
      ).toEqual([{ name: route.permission, resourceRef: route.resourceRef }]);
      // Only the dry run of a set from the request is audited: it reads Git and SCM APIs for the caller.
      const expectedAudit = route.auditEventId
        ? [
            [
              route.auditEventId,
              'initiated',
              { applicationSet: route.resourceRef },
            ],
            [
              route.auditEventId,
              'succeeded',
              { applicationSet: route.resourceRef },
            ],
          ]
        : [];
      expect(
        testApi.auditor.records.map(r => [r.eventId, r.status, r.meta]),
      ).toEqual(expectedAudit);
    }
  });
});

describe('GET /api/gitops/applicationsets', () => {
  it('needs credentials', async () => {
    const testApi = await api();
    const response = await request(testApi.app)
      .get('/api/gitops/applicationsets')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });

  it('lists the sets the caller may read, with their status and who manages them', async () => {
    const permissions = new PolicyPermissions(
      (permission, ref) =>
        permission === 'gitops.applicationset.read' && ref === 'argocd/shop',
    );
    const testApi = await api({ permissions });
    await testApi.store.saveApplicationSetStatus({
      namespace: 'argocd',
      name: 'shop',
      status: {
        conditions: [
          {
            type: 'ResourcesUpToDate',
            status: 'True',
            reason: 'ApplicationSetUpToDate',
            message: 'All applications have been generated successfully',
          },
        ],
        resources: [],
        resourcesCount: 0,
      },
      applicationsSync: 'create-update',
    });
    const response = await request(testApi.app).get(
      '/api/gitops/applicationsets',
    );
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(1);
    expect(response.body.items[0]).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'shop', namespace: 'argocd', generation: 1 },
      spec: { generators: [{ list: expect.any(Object) }] },
      status: {
        conditions: [
          expect.objectContaining({
            type: 'ResourcesUpToDate',
            status: 'True',
          }),
        ],
      },
      driftless: {
        origin: 'app:argocd/bootstrap',
        editable: false,
        owner: { kind: 'Application', namespace: 'argocd', name: 'bootstrap' },
        applicationsSync: 'create-update',
      },
    });
    expect(permissions.checks).toEqual([
      {
        permission: 'gitops.applicationset.read',
        resourceRef: 'argocd/billing',
      },
      { permission: 'gitops.applicationset.read', resourceRef: 'argocd/shop' },
    ]);
  });

  it('filters by namespace and by the template’s project, and validates the query', async () => {
    const testApi = await api();
    const byProject = await request(testApi.app).get(
      '/api/gitops/applicationsets?project=default',
    );
    expect(byProject.body.items.map((s: any) => s.metadata.name)).toEqual([
      'billing',
      'shop',
    ]);
    const otherNamespace = await request(testApi.app).get(
      '/api/gitops/applicationsets?namespace=team-a',
    );
    expect(otherNamespace.body).toEqual({ items: [] });
    const bad = await request(testApi.app).get(
      '/api/gitops/applicationsets?limit=3',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Invalid query');
  });
});

describe('GET /api/gitops/applicationsets/:namespace/:name', () => {
  it('shows a set never reconciled with an empty status and the policy it asks for', async () => {
    const testApi = await api();
    const response = await request(testApi.app).get(
      '/api/gitops/applicationsets/argocd/billing',
    );
    expect(response.status).toBe(200);
    expect(response.body.status).toEqual({
      conditions: [],
      resources: [],
      resourcesCount: 0,
    });
    expect(response.body.driftless).toEqual({
      origin: 'config:0',
      editable: false,
      applicationsSync: 'sync',
    });
  });

  it('answers 404 naming the set, and 400 for a bad name', async () => {
    const testApi = await api();
    const missing = await request(testApi.app).get(
      '/api/gitops/applicationsets/argocd/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(
      'ApplicationSet argocd/nope does not exist',
    );
    const bad = await request(testApi.app).get(
      '/api/gitops/applicationsets/argocd/Not_A_Name',
    );
    expect(bad.status).toBe(400);
  });

  it('lists events newest first, page by page', async () => {
    const testApi = await api();
    for (const message of ['first', 'second', 'third']) {
      await testApi.store.appendApplicationSetEvent({
        namespace: 'argocd',
        name: 'shop',
        type: 'Normal',
        reason: 'ApplicationCreated',
        message,
      });
    }
    const page = await request(testApi.app).get(`${SHOP}/events?limit=2`);
    expect(page.body.items.map((e: any) => e.message)).toEqual([
      'third',
      'second',
    ]);
    expect(page.body.items[0]).toMatchObject({
      kind: 'Event',
      involvedObject: { kind: 'ApplicationSet', name: 'shop' },
    });
    const next = await request(testApi.app).get(
      `${SHOP}/events?limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items.map((e: any) => e.message)).toEqual(['first']);
  });
});

describe('ApplicationSet dry runs', () => {
  it('generates a stored set and says what the controller would change', async () => {
    const testApi = await api();
    // One app the set generated before, one it no longer generates.
    await testApi.addApplications(
      [testApplication('shop-qa')],
      'applicationset:argocd/shop',
    );
    const response = await request(testApi.app).post(`${SHOP}/generate`);
    expect(response.status).toBe(200);
    expect(
      response.body.applications.map((app: any) => app.metadata.name),
    ).toEqual(['shop-dev', 'shop-prod']);
    expect(response.body.applications[0]).toMatchObject({
      metadata: {
        namespace: 'argocd',
        labels: { env: 'dev', 'driftless.dev/applicationset': 'shop' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: { source: { path: 'envs/dev' } },
    });
    expect(response.body).toMatchObject({
      sources: [
        { generator: 'spec.generators[0].list', paramSet: 1 },
        { generator: 'spec.generators[0].list', paramSet: 2 },
      ],
      applicationsSync: 'sync',
      changes: {
        create: ['shop-dev', 'shop-prod'],
        update: [],
        delete: ['shop-qa'],
        unchanged: [],
        kept: [],
        conflicts: [],
      },
      invalid: [],
    });
    expect(response.body).not.toHaveProperty('requeueAfterSeconds');
    // A dry run writes nothing.
    expect(
      (await testApi.store.listApplications()).items.map(app => app.name),
    ).toEqual(['shop-qa']);
  });

  it('generates a set from the request, reporting names taken by other origins and apps it would not write', async () => {
    const testApi = await api();
    await testApi.addApplications([testApplication('preview-dev')], 'api');
    const set = listSet('preview', []);
    const spec = set.spec as any;
    spec.generators[0].list.elements = [
      { env: 'qa', project: 'default', cluster: 'in-cluster' },
      { env: 'staging', project: 'qa-team', cluster: 'in-cluster' },
      { env: 'prod', project: 'default', cluster: 'prod' },
    ];
    spec.template.spec.project = '{{project}}';
    spec.template.spec.destination.name = '{{cluster}}';
    const response = await request(testApi.app)
      .post('/api/gitops/applicationsets/generate')
      .send({ applicationSet: set });
    expect(response.status).toBe(200);
    expect(response.body.changes.create).toEqual(['preview-qa']);
    expect(response.body.invalid).toEqual([
      {
        name: 'preview-staging',
        message:
          'Application preview-staging references project qa-team, which does not exist',
      },
      {
        name: 'preview-prod',
        message:
          "Application preview-prod: its destination is invalid: there is no cluster named 'prod': add it to gitops.clusters in app-config, or change spec.destination (known clusters: in-cluster)",
      },
    ]);

    const taken = await request(testApi.app)
      .post('/api/gitops/applicationsets/generate')
      .send({ applicationSet: listSet('preview', ['dev']) });
    expect(taken.body.changes).toMatchObject({
      create: [],
      conflicts: [{ name: 'preview-dev', origin: 'api' }],
    });
  });

  it('refuses an invalid set with every problem, a template error, and a body that is not a set', async () => {
    const testApi = await api();
    const invalid = await request(testApi.app)
      .post('/api/gitops/applicationsets/generate')
      .send({
        applicationSet: listSet('broken', ['dev'], {
          strategy: {
            type: 'RollingSync',
            rollingSync: {
              steps: [{ matchExpressions: [{ key: 'env', operator: 'Has' }] }],
            },
          },
        }),
      });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe(
      "ApplicationSet argocd/broken is not valid: spec.strategy.rollingSync.steps[0].matchExpressions[0].operator: 'Has' is not supported; use In or NotIn",
    );

    const duplicate = await request(testApi.app)
      .post('/api/gitops/applicationsets/generate')
      .send({ applicationSet: listSet('dup', ['dev', 'dev']) });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toContain(
      'contains applications with duplicate name: dup-dev',
    );

    const notASet = await request(testApi.app)
      .post('/api/gitops/applicationsets/generate')
      .send({ applicationSet: { kind: 'Application', metadata: {} } });
    expect(notASet.status).toBe(400);
    expect(notASet.body.error.message).toMatch(
      /^Invalid request body: applicationSet\.apiVersion: apiVersion must be argoproj\.io\/v1alpha1; applicationSet\.kind: kind must be ApplicationSet; applicationSet\.metadata\.name: /,
    );
  });

  it('answers 503 without the controller', async () => {
    const testApi = await api({ controller: false });
    const response = await request(testApi.app).post(`${SHOP}/generate`);
    expect(response.status).toBe(503);
    // Reads do not need it.
    expect((await request(testApi.app).get(SHOP)).status).toBe(200);
  });
});
