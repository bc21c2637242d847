import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ManagedResource,
  ResourceEventView,
} from '@driftless/backstage-plugin-gitops-common';
import request from 'supertest';
import {
  createTestApi,
  PolicyPermissions,
  refOf,
  testApplication,
  type TestApi,
  type TestApiOptions,
} from './__testUtils__/testApi';

const SHOP = '/api/gitops/applications/argocd/shop';

function names(body: {
  items: Array<{ metadata: { namespace: string; name: string } }>;
}) {
  return body.items.map(
    app => `${app.metadata.namespace}/${app.metadata.name}`,
  );
}

describe('GET /applications/:namespace/:name', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([
      testApplication('shop', { labels: { team: 'a' } }),
    ]);
  });

  it("returns the app in Argo CD's shape: spec, status, operation state, history", async () => {
    await api.store.saveApplicationStatus({
      namespace: 'argocd',
      name: 'shop',
      status: {
        sync: { status: 'OutOfSync', revision: 'c'.repeat(40) },
        health: { status: 'Progressing', message: 'rollout in progress' },
        resources: [
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'default',
            name: 'web',
            status: 'OutOfSync',
            health: { status: 'Progressing' },
          },
        ],
        conditions: [
          {
            type: 'SyncError',
            message: 'one resource failed',
            lastTransitionTime: '2026-01-01T00:00:00.000Z',
          },
        ],
        summary: { images: ['shop/web:1.2.0'] },
        reconciledAt: '2026-01-02T03:04:05.000Z',
      },
    });
    const operation = await api.store.createOperation({
      namespace: 'argocd',
      name: 'shop',
      operation: {
        sync: { revision: 'main', prune: true },
        initiatedBy: { username: 'user:default/alice' },
      },
      holder: 'replica-1',
    });
    await api.store.finishOperation({
      id: operation.id,
      holder: 'replica-1',
      phase: 'Failed',
      state: {
        message: 'one or more objects failed to apply',
        retryCount: 1,
        syncResult: {
          revision: 'c'.repeat(40),
          resources: [
            {
              group: 'apps',
              version: 'v1',
              kind: 'Deployment',
              namespace: 'default',
              name: 'web',
              status: 'SyncFailed',
              message: 'admission webhook denied it',
              syncPhase: 'Sync',
              // Not part of Argo CD's ResourceResult: stays in the backend.
              manifest: { kind: 'Deployment', spec: {} },
            },
          ],
        },
        // The engine's resumable state: may hold rendered Secrets.
        tasks: [
          { manifest: { kind: 'Secret', data: { password: 'aHVudGVyMg==' } } },
        ],
      },
    });
    await api.store.appendHistory({
      namespace: 'argocd',
      name: 'shop',
      revision: 'b'.repeat(40),
      source: {
        repoURL: 'https://git.example.com/platform.git',
        path: 'deploy',
      },
      initiatedBy: { automated: true },
      deployStartedAt: '2026-01-01T00:00:00.000Z',
      phase: 'Succeeded',
    });

    const response = await request(api.app).get(SHOP);

    expect(response.status).toBe(200);
    expect(response.text).not.toContain('aHVudGVyMg==');
    expect(response.text).not.toContain('tasks');
    const app = response.body;
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'shop',
        namespace: 'argocd',
        labels: { team: 'a' },
        generation: 1,
      },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/platform.git' },
      },
      status: {
        sync: { status: 'OutOfSync', revision: 'c'.repeat(40) },
        health: { status: 'Progressing', message: 'rollout in progress' },
        conditions: [{ type: 'SyncError', message: 'one resource failed' }],
        summary: { images: ['shop/web:1.2.0'] },
        reconciledAt: '2026-01-02T03:04:05.000Z',
      },
      driftless: { origin: 'config:0', editable: false },
    });
    expect(app.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(app.status.resources).toHaveLength(1);
    expect(app.status.operationState).toEqual({
      operation: {
        sync: { revision: 'main', prune: true },
        initiatedBy: { username: 'user:default/alice' },
      },
      phase: 'Failed',
      message: 'one or more objects failed to apply',
      startedAt: operation.startedAt,
      finishedAt: expect.any(String),
      retryCount: 1,
      syncResult: {
        revision: 'c'.repeat(40),
        resources: [
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'default',
            name: 'web',
            status: 'SyncFailed',
            message: 'admission webhook denied it',
            syncPhase: 'Sync',
          },
        ],
      },
    });
    // Finished: no operation in progress.
    expect(app.operation).toBeUndefined();
    expect(app.status.history).toEqual([
      {
        id: expect.any(Number),
        revision: 'b'.repeat(40),
        source: {
          repoURL: 'https://git.example.com/platform.git',
          path: 'deploy',
        },
        deployedAt: expect.any(String),
        deployStartedAt: '2026-01-01T00:00:00.000Z',
        initiatedBy: { automated: true },
        phase: 'Succeeded',
      },
    ]);
  });

  it('shows the operation in progress as `operation`, and a never-reconciled app as Unknown', async () => {
    await api.store.createOperation({
      namespace: 'argocd',
      name: 'shop',
      operation: { sync: { dryRun: true }, initiatedBy: { automated: true } },
    });

    const { body } = await request(api.app).get(SHOP);

    expect(body.operation).toEqual({
      sync: { dryRun: true },
      initiatedBy: { automated: true },
    });
    expect(body.status.operationState.phase).toBe('Running');
    expect(body.status.sync).toEqual({
      status: 'Unknown',
      comparedTo: {
        source: body.spec.source,
        destination: body.spec.destination,
      },
    });
    expect(body.status.health).toEqual({ status: 'Unknown' });
    expect(body.status.history).toEqual([]);
  });

  it('answers 404 for an unknown app and 400 for a name Kubernetes would refuse', async () => {
    const missing = await request(api.app).get(
      '/api/gitops/applications/argocd/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      name: 'NotFoundError',
      message:
        'Application argocd/nope does not exist; check its namespace and name (GET /api/gitops/applications lists them)',
    });

    const invalid = await request(api.app).get(
      '/api/gitops/applications/Argo_CD/shop',
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.name).toBe('InputError');
    expect(invalid.body.error.message).toBe(
      'Invalid application path: namespace: a namespace is a DNS-1123 label (lower-case letters, digits and -)',
    );
  });
});

describe('GET /applications', () => {
  async function filteredApi(
    options: Pick<TestApiOptions, 'entities'> = {},
  ): Promise<TestApi> {
    const api = await createTestApi({
      ...options,
      clusters: [
        {
          name: 'prod',
          server: 'https://prod.example.internal:6443',
          labels: {},
          auth: { provider: 'serviceAccount', token: 'never-shown' },
        },
        {
          name: 'in-cluster',
          server: 'https://kubernetes.default.svc',
          labels: {},
          auth: { provider: 'inCluster' },
        },
      ],
    });
    await api.addApplications([
      testApplication('web', {
        project: 'team-a',
        labels: { team: 'a', tier: 'web' },
        repoURL: 'https://git.example.com/shop.git',
        destination: {
          server: 'https://prod.example.internal:6443',
          namespace: 'shop',
        },
      }),
      testApplication('platform', {
        project: 'team-b',
        labels: { team: 'b' },
        destination: { name: 'in-cluster', namespace: 'default' },
      }),
      testApplication('db', {
        namespace: 'apps',
        project: 'team-a',
        labels: { team: 'a', tier: 'db' },
        destination: { name: 'prod', namespace: 'shop' },
      }),
    ]);
    await api.store.saveApplicationStatus({
      namespace: 'argocd',
      name: 'web',
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    });
    await api.store.saveApplicationStatus({
      namespace: 'argocd',
      name: 'platform',
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } },
    });
    return api;
  }

  it.each([
    ['', ['apps/db', 'argocd/platform', 'argocd/web']],
    ['project=team-a', ['apps/db', 'argocd/web']],
    [
      'project=team-b&project=team-a',
      ['apps/db', 'argocd/platform', 'argocd/web'],
    ],
    ['project=team-b,nobody', ['argocd/platform']],
    // By name, the cluster's URL is looked up too (and the other way round).
    ['cluster=prod', ['apps/db', 'argocd/web']],
    ['cluster=https://prod.example.internal:6443', ['apps/db', 'argocd/web']],
    ['cluster=https://kubernetes.default.svc', ['argocd/platform']],
    ['cluster=unknown', []],
    ['namespace=shop', ['apps/db', 'argocd/web']],
    ['appNamespace=apps', ['apps/db']],
    ['sync=OutOfSync', ['argocd/platform']],
    // Never reconciled counts as Unknown.
    ['sync=Unknown', ['apps/db']],
    ['health=Healthy,Degraded', ['argocd/platform', 'argocd/web']],
    ['repo=https://git.example.com/shop', ['argocd/web']],
    ['selector=team%3Da%2Ctier!%3Ddb', ['argocd/web']],
    ['project=team-a&sync=Synced', ['argocd/web']],
    ['search=LAT', ['argocd/platform']],
    ['search=%20d%20', ['apps/db']],
    ['search=e&project=team-a', ['argocd/web']],
    ['search=%25', []],
  ])('filters by %s', async (query, expected) => {
    const api = await filteredApi();
    const response = await request(api.app).get(
      `/api/gitops/applications?${query}`,
    );
    expect(response.status).toBe(200);
    expect(names(response.body)).toEqual(expected);
    expect(response.text).not.toContain('never-shown');
  });

  it.each([
    [
      'sync=Outofsync',
      "Invalid query: sync[0]: 'Outofsync' is not one of Synced, OutOfSync, Unknown",
    ],
    ['limit=0', 'Invalid query: limit: give at least 1'],
    ['limit=1001', 'Invalid query: limit: give at most 1000'],
    ['limit=ten', 'Invalid query: limit: give a whole number'],
    [
      'includeTotalCount=yes',
      "Invalid query: includeTotalCount: use 'true' or 'false'",
    ],
    ['projects=team-a', 'Invalid query: Unrecognized key: "projects"'],
    ['cursor=bm9wZQ', "Cursor 'bm9wZQ' is not one this API returned"],
    ['selector=team%20in%20(a', 'team in (a'],
    ['entity=shop', "Invalid query: entity: 'shop' is not an entity ref"],
  ])('refuses %s with 400 and the problem', async (query, message) => {
    const api = await filteredApi();
    const response = await request(api.app).get(
      `/api/gitops/applications?${query}`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(message);
  });

  it('pages with a cursor, and counts every match when asked', async () => {
    const api = await createTestApi();
    await api.addApplications(
      ['a', 'b', 'c', 'd', 'e'].map(name => testApplication(name)),
    );

    const seen: string[][] = [];
    const totalCounts: Array<number | undefined> = [];
    let cursor: string | undefined;
    do {
      const response = await request(api.app)
        .get('/api/gitops/applications')
        .query({
          limit: 2,
          // Asked on the first page only.
          ...(seen.length === 0 ? { includeTotalCount: 'true' } : {}),
          ...(cursor ? { cursor } : {}),
        });
      expect(response.status).toBe(200);
      totalCounts.push(response.body.totalCount);
      seen.push(names(response.body));
      cursor = response.body.nextCursor;
    } while (cursor);

    expect(totalCounts).toEqual([5, undefined, undefined]);
    expect(seen).toEqual([
      ['argocd/a', 'argocd/b'],
      ['argocd/c', 'argocd/d'],
      ['argocd/e'],
    ]);
  });

  it('leaves out the apps a per-application policy refuses, through every page', async () => {
    const readable = new Set(['app-02', 'app-05', 'app-06', 'app-10']);
    const permissions = new PolicyPermissions(
      (permission, ref) =>
        permission === 'gitops.application.read' &&
        readable.has(ref.split('/')[1]),
    );
    const api = await createTestApi({ permissions });
    await api.addApplications(
      Array.from({ length: 10 }, (_, i) =>
        testApplication(`app-${String(i + 1).padStart(2, '0')}`),
      ),
    );

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const response = await request(api.app)
        .get('/api/gitops/applications')
        .query({
          limit: 2,
          includeTotalCount: 'true',
          ...(cursor ? { cursor } : {}),
        });
      expect(response.status).toBe(200);
      // Counting would tell how many apps the caller cannot see.
      expect(response.body.totalCount).toBeUndefined();
      pages.push(names(response.body));
      cursor = response.body.nextCursor;
    } while (cursor);

    expect(pages.flat()).toEqual([
      'argocd/app-02',
      'argocd/app-05',
      'argocd/app-06',
      'argocd/app-10',
    ]);
    expect(pages.every(page => page.length <= 2)).toBe(true);
    // Each response filled its page from further store pages where it could.
    expect(pages[0]).toEqual(['argocd/app-02', 'argocd/app-05']);
    // One conditional decision per response, then one batch per store page.
    expect(permissions.checks[0]).toEqual({
      permission: 'gitops.application.read',
      conditional: true,
    });
    expect(
      permissions.checks.filter(check => check.resourceRef === refOf('app-01')),
    ).toEqual([
      { permission: 'gitops.application.read', resourceRef: refOf('app-01') },
    ]);
  });

  it('bounds how far one response scans when few apps are readable', async () => {
    const permissions = new PolicyPermissions(
      (_permission, ref) => ref === refOf('app-12'),
    );
    const api = await createTestApi({ permissions });
    await api.addApplications(
      Array.from({ length: 12 }, (_, i) =>
        testApplication(`app-${String(i + 1).padStart(2, '0')}`),
      ),
    );

    const first = await request(api.app)
      .get('/api/gitops/applications')
      .query({ limit: 2 });
    // 5 store pages of 2 scanned, none readable: an empty page that goes on.
    expect(first.body.items).toEqual([]);
    expect(first.body.nextCursor).toBeDefined();
    expect(permissions.checks.filter(check => check.resourceRef).length).toBe(
      10,
    );

    const second = await request(api.app)
      .get('/api/gitops/applications')
      .query({ limit: 2, cursor: first.body.nextCursor });
    expect(names(second.body)).toEqual(['argocd/app-12']);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('reads no app for a caller the policy denies outright', async () => {
    const api = await createTestApi({
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    await api.addApplications([testApplication('a')]);
    const response = await request(api.app).get(
      '/api/gitops/applications?includeTotalCount=true',
    );
    expect(response.body).toEqual({ items: [] });
  });

  it('shows each app with its latest operation', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('a'), testApplication('b')]);
    await api.store.createOperation({
      namespace: 'argocd',
      name: 'b',
      operation: { sync: { prune: true } },
    });
    const { body } = await request(api.app).get('/api/gitops/applications');
    expect(body.items[0].status.operationState).toBeUndefined();
    expect(body.items[1].status.operationState).toMatchObject({
      phase: 'Running',
      operation: { sync: { prune: true } },
    });
    expect(body.items[1].operation).toEqual({ sync: { prune: true } });
    // History only in single-app responses.
    expect(body.items[1].status.history).toBeUndefined();
  });

  describe('by catalog entity', () => {
    const entity = (
      name: string,
      annotations: Record<string, string>,
    ): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, namespace: 'default', annotations },
      spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
    });

    const entityApi = () =>
      filteredApi({
        entities: [
          entity('shop', {
            'argocd/app-selector': 'team=a',
            'argocd/project-name': 'team-a',
          }),
          entity('platform', { 'driftless.dev/app-name': 'platform, db' }),
          entity('plain', {}),
        ],
      });

    it.each([
      ['component:default/shop', ['apps/db', 'argocd/web']],
      ['component:shop', ['apps/db', 'argocd/web']],
      ['component:default/platform', ['apps/db', 'argocd/platform']],
      ['component:default/platform&appNamespace=argocd', ['argocd/platform']],
      ['component:default/plain', []],
    ])('lists the apps %s links', async (ref, expected) => {
      const api = await entityApi();
      const response = await request(api.app).get(
        `/api/gitops/applications?entity=${ref}`,
      );
      expect(response.status).toBe(200);
      expect(names(response.body)).toEqual(expected);
    });

    describe('by owner', () => {
      const owned = (
        name: string,
        owner: string,
        annotations: Record<string, string>,
      ): Entity => ({
        ...entity(name, annotations),
        relations: [{ type: 'ownedBy', targetRef: owner }],
      });
      const ownerApi = () =>
        filteredApi({
          entities: [
            owned('shop', 'group:default/team-a', {
              'argocd/app-selector': 'tier=web',
            }),
            owned('database', 'group:default/team-a', {
              'argocd/app-name': 'db',
              'argocd/project-name': 'team-a',
            }),
            owned('docs', 'group:default/team-a', {}),
            owned('platform', 'group:default/team-b', {
              'driftless.dev/app-name': 'platform',
            }),
            owned('empty', 'group:default/team-c', {}),
          ],
        });

      it.each([
        ['group:default/team-a', ['apps/db', 'argocd/web']],
        ['team-a', ['apps/db', 'argocd/web']],
        ['team-a&health=Healthy', ['argocd/web']],
        ['group:default/team-b', ['argocd/platform']],
        ['team-c', []],
        ['user:default/nobody', []],
      ])('lists the apps of the entities %s owns', async (owner, expected) => {
        const api = await ownerApi();
        const response = await request(api.app).get(
          `/api/gitops/applications?owner=${owner}`,
        );
        expect(response.status).toBe(200);
        expect(names(response.body)).toEqual(expected);
      });

      it('refuses an owner that is not an entity ref', async () => {
        const api = await ownerApi();
        const response = await request(api.app).get(
          '/api/gitops/applications?owner=group:',
        );
        expect(response.status).toBe(400);
        expect(response.body.error.message).toMatch(
          /^Invalid query: owner: 'group:' is not an entity ref/,
        );
      });
    });

    it('answers 404 for an entity the catalog does not have', async () => {
      const api = await entityApi();
      const response = await request(api.app).get(
        '/api/gitops/applications?entity=component:default/unknown',
      );
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        'Entity component:default/unknown is not in the catalog, or you may not see it; check the entity ref',
      );
    });
  });
});

describe('GET /applications/:namespace/:name/events and /history', () => {
  it('returns events newest first as Kubernetes Events, page by page', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
    for (const reason of [
      'OperationStarted',
      'ResourceUpdated',
      'OperationCompleted',
    ]) {
      await api.store.appendEvent({
        namespace: 'argocd',
        name: 'shop',
        type: 'Normal',
        reason,
        message: `${reason} message`,
        actor: 'user:default/alice',
      });
    }

    const first = await request(api.app).get(`${SHOP}/events?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: any) => e.reason)).toEqual([
      'OperationCompleted',
      'ResourceUpdated',
    ]);
    expect(first.body.items[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        namespace: 'argocd',
        name: expect.stringMatching(/^shop\.\d+$/),
      },
      involvedObject: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'shop',
      },
      type: 'Normal',
      message: 'OperationCompleted message',
      count: 1,
      source: { component: 'driftless' },
      actor: 'user:default/alice',
    });
    const rest = await request(api.app)
      .get(`${SHOP}/events`)
      .query({ limit: 2, cursor: first.body.nextCursor });
    expect(rest.body.items.map((e: any) => e.reason)).toEqual([
      'OperationStarted',
    ]);
    expect(rest.body.nextCursor).toBeUndefined();

    const invalid = await request(api.app).get(`${SHOP}/events?limit=5000`);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe(
      'Invalid query: limit: give at most 1000',
    );
  });

  it('returns the history oldest first, as status.history', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
    for (const revision of ['1'.repeat(40), '2'.repeat(40)]) {
      await api.store.appendHistory({
        namespace: 'argocd',
        name: 'shop',
        revision,
        initiatedBy: { username: 'user:default/alice' },
      });
    }
    const response = await request(api.app).get(`${SHOP}/history`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((h: any) => h.revision)).toEqual([
      '1'.repeat(40),
      '2'.repeat(40),
    ]);
    expect(response.body.items[0].id).toBeLessThan(response.body.items[1].id);
  });

  it('answers 404 for the events and history of an unknown app', async () => {
    const api = await createTestApi();
    for (const path of ['events', 'history']) {
      const response = await request(api.app).get(
        `/api/gitops/applications/argocd/nope/${path}`,
      );
      expect(response.status).toBe(404);
    }
  });
});

describe('routes served by the controller', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
  });

  it('returns the resource tree the controller builds', async () => {
    api.controller.resourceTree = {
      nodes: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'ReplicaSet',
          namespace: 'default',
          name: 'web-5d4f',
          uid: 'rs-1',
          parentRefs: [
            {
              group: 'apps',
              version: 'v1',
              kind: 'Deployment',
              namespace: 'default',
              name: 'web',
              uid: 'd-1',
            },
          ],
          health: { status: 'Healthy' },
          info: [{ name: 'Revision', value: 'Rev:3' }],
        },
      ],
    };
    const response = await request(api.app).get(`${SHOP}/resource-tree`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(api.controller.resourceTree);
    expect(api.controller.callsOf('getResourceTree')).toEqual([
      [{ namespace: 'argocd', name: 'shop' }],
    ]);
  });

  it('passes masked Secrets through, and masks any value the controller left in clear', async () => {
    const masked: ManagedResource = {
      group: '',
      kind: 'Secret',
      namespace: 'default',
      name: 'masked',
      targetState: JSON.stringify({ kind: 'Secret', data: { a: '++++++++' } }),
      liveState: JSON.stringify({ kind: 'Secret', data: { a: '+++++++++' } }),
      diff: '[]',
      modified: true,
    };
    const leaked: ManagedResource = {
      group: '',
      kind: 'Secret',
      namespace: 'default',
      name: 'leaked',
      targetState: JSON.stringify({
        kind: 'Secret',
        data: { password: 'aHVudGVyMg==' },
      }),
      liveState: JSON.stringify({
        kind: 'Secret',
        data: { password: 'aHVudGVyMg==' },
      }),
      diff: '[{"op":"replace","value":"aHVudGVyMg=="}]',
    };
    const deployment: ManagedResource = {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      targetState: JSON.stringify({
        kind: 'Deployment',
        spec: { replicas: 2 },
      }),
    };
    api.controller.managedResources = [masked, leaked, deployment];

    const response = await request(api.app).get(`${SHOP}/managed-resources`);

    expect(response.status).toBe(200);
    expect(response.text).not.toContain('aHVudGVyMg==');
    expect(response.body.items[0]).toEqual(masked);
    expect(response.body.items[2]).toEqual(deployment);
    expect(JSON.parse(response.body.items[1].targetState)).toEqual({
      kind: 'Secret',
      data: { password: '++++++++' },
    });
    expect(response.body.items[1].diff).toBeUndefined();
    expect(api.logger.error).toHaveBeenCalledTimes(1);
    expect(String(api.logger.error.mock.calls[0][0])).toContain(
      'default/leaked',
    );
    expect(String(api.logger.error.mock.calls[0][0])).not.toContain(
      'aHVudGVyMg==',
    );
  });

  it('returns one live resource of the tree as a manifest, 404 for one outside it', async () => {
    const run = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'web-6c9f-2', namespace: 'default' },
      status: { phase: 'Running' },
    };
    api.controller.liveResources = [run];
    const response = await request(api.app).get(`${SHOP}/resource`).query({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'AnalysisRun',
      namespace: 'default',
      name: 'web-6c9f-2',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.manifest)).toEqual(run);
    expect(api.controller.callsOf('getLiveResource')).toEqual([
      [
        { namespace: 'argocd', name: 'shop' },
        {
          group: 'argoproj.io',
          version: 'v1alpha1',
          kind: 'AnalysisRun',
          namespace: 'default',
          name: 'web-6c9f-2',
        },
      ],
    ]);

    const outside = await request(api.app)
      .get(`${SHOP}/resource`)
      .query({ version: 'v1', kind: 'Pod', name: 'elsewhere' });
    expect(outside.status).toBe(404);
    const invalid = await request(api.app)
      .get(`${SHOP}/resource`)
      .query({ version: 'v1', name: 'web' });
    expect(invalid.status).toBe(400);
  });

  it("returns a live resource's Kubernetes events, 404 for a resource outside the tree, 400 for a bad query", async () => {
    const event = (
      name: string,
      kind: string,
      reason: string,
    ): ResourceEventView => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      involvedObject: {
        apiVersion: 'v1',
        kind,
        namespace: 'default',
        name: 'web',
      },
      type: 'Normal',
      reason,
      message: `${reason} happened`,
      count: 1,
      source: { component: 'kubelet' },
    });
    api.controller.liveResources = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } },
    ];
    api.controller.resourceEvents = [
      event('web.2', 'Pod', 'Started'),
      event('web.1', 'Pod', 'Scheduled'),
      event('web.3', 'Service', 'Updated'),
    ];

    const response = await request(api.app)
      .get(`${SHOP}/resource/events`)
      .query({
        kind: 'Pod',
        namespace: 'default',
        name: 'web',
        uid: '6a1c',
      });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        event('web.2', 'Pod', 'Started'),
        event('web.1', 'Pod', 'Scheduled'),
      ],
    });
    expect(api.controller.callsOf('getResourceEvents')).toEqual([
      [
        { namespace: 'argocd', name: 'shop' },
        {
          group: '',
          kind: 'Pod',
          namespace: 'default',
          name: 'web',
          uid: '6a1c',
        },
      ],
    ]);

    const outside = await request(api.app)
      .get(`${SHOP}/resource/events`)
      .query({ group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' });
    expect(outside.status).toBe(404);
    expect(outside.body.error).toMatchObject({
      name: 'NotFoundError',
      message:
        'Deployment web is not a live resource of application argocd/shop',
    });

    const invalid = await request(api.app)
      .get(`${SHOP}/resource/events`)
      .query({ kind: 'Pod', name: 'web', uid: '', resourceName: 'web' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.name).toBe('InputError');
    expect(invalid.body.error.message).toContain(
      "uid: give the resource's uid, or leave it out",
    );
    expect(invalid.body.error.message).toContain('resourceName');
    expect(api.controller.callsOf('getResourceEvents')).toHaveLength(2);
  });

  it('lists the actions of a live resource', async () => {
    api.controller.resourceActions = [
      { name: 'restart' },
      { name: 'resume', disabled: true },
    ];
    const response = await request(api.app)
      .get(`${SHOP}/resource/actions`)
      .query({
        version: 'v1',
        kind: 'Deployment',
        namespace: 'default',
        name: 'web',
      });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ actions: api.controller.resourceActions });
    expect(api.controller.callsOf('listResourceActions')).toEqual([
      [
        { namespace: 'argocd', name: 'shop' },
        {
          group: '',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'default',
          name: 'web',
        },
      ],
    ]);

    const invalid = await request(api.app)
      .get(`${SHOP}/resource/actions`)
      .query({ version: 'v1', name: 'web' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe(
      'Invalid query: kind: Invalid input: expected string, received undefined',
    );
  });

  it('answers 503 without a controller, 404 first for an unknown app', async () => {
    const without = await createTestApi({ controller: false });
    await without.addApplications([testApplication('shop')]);
    for (const path of [
      'resource-tree',
      'managed-resources',
      'resource/actions?version=v1&kind=Pod&name=p',
      'resource?version=v1&kind=Pod&name=p',
      'resource/events?kind=Pod&name=p',
    ]) {
      const response = await request(without.app).get(`${SHOP}/${path}`);
      expect(response.status).toBe(503);
      expect(response.body.error.name).toBe('ServiceUnavailableError');
      expect(response.body.error.message).toMatch(
        /^the GitOps controller is not running/,
      );
      const unknown = await request(without.app).get(
        `/api/gitops/applications/argocd/nope/${path}`,
      );
      expect(unknown.status).toBe(404);
    }
    // Reads of stored apps still work.
    expect((await request(without.app).get(SHOP)).status).toBe(200);
  });
});
