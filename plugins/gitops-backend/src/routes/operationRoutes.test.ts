import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestApi,
  PolicyPermissions,
  refOf,
  testApplication,
  type TestApi,
} from './__testUtils__/testApi';
import { syncOverrideReason } from './operationRoutes';

const SHOP = '/api/gitops/applications/argocd/shop';
const SHOP_KEY = { namespace: 'argocd', name: 'shop' };
const ALICE = mockCredentials.user.header('user:default/alice');

function automated(name: string) {
  const app = testApplication(name);
  app.spec.syncPolicy = { automated: { prune: true, selfHeal: true } };
  return app;
}

describe('POST /applications/:namespace/:name/sync', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
  });

  it('starts a sync with the requested options and returns the app with it', async () => {
    const body = {
      revision: 'main',
      prune: true,
      dryRun: false,
      syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
      resources: [
        {
          group: 'apps',
          kind: 'Deployment',
          name: 'web',
          namespace: 'default',
        },
      ],
      strategy: { apply: { force: true } },
      retry: {
        limit: 3,
        backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
      },
    };

    const response = await request(api.app)
      .post(`${SHOP}/sync`)
      .set('Authorization', ALICE)
      .send(body);

    expect(response.status).toBe(200);
    expect(api.controller.callsOf('requestSync')).toEqual([
      [SHOP_KEY, body, { username: 'user:default/alice' }],
    ]);
    expect(response.body.operation).toMatchObject({
      sync: { revision: 'main', prune: true, syncOptions: body.syncOptions },
      initiatedBy: { username: 'user:default/alice' },
    });
    expect(response.body.status.operationState).toMatchObject({
      phase: 'Running',
    });
    expect(api.auditor.records.at(-1)).toEqual({
      eventId: 'application-sync',
      severityLevel: 'medium',
      status: 'succeeded',
      meta: {
        application: 'argocd/shop',
        revision: 'main',
        prune: true,
        dryRun: false,
        resources: 1,
      },
    });
  });

  it('syncs with defaults when the body is empty', async () => {
    const response = await request(api.app).post(`${SHOP}/sync`);
    expect(response.status).toBe(200);
    expect(api.controller.callsOf('requestSync')[0][1]).toEqual({});
  });

  it.each([
    [
      { prune: 'yes' },
      'prune: Invalid input: expected boolean, received string',
    ],
    [
      { syncOptions: ['CreateNamespace'] },
      'syncOptions[0]: a sync option is Name=value, e.g. ServerSideApply=true',
    ],
    [
      { resources: [{ kind: 'Deployment' }] },
      'resources[0].name: Invalid input: expected string, received undefined',
    ],
    [
      { retry: { backoff: { duration: '5 seconds' } } },
      'retry.backoff.duration: give a duration such as 5s, 3m or 1h30m',
    ],
    [{ manifests: ['apiVersion: v1'] }, 'Unrecognized key: "manifests"'],
    [
      { revision: ' ' },
      'revision: give a branch, tag or commit, or leave revision out',
    ],
  ])('refuses %j with 400', async (body, problem) => {
    const response = await request(api.app).post(`${SHOP}/sync`).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual(
      expect.objectContaining({
        name: 'InputError',
        message: `Invalid request body: ${problem}`,
      }),
    );
    expect(api.controller.calls).toEqual([]);
  });

  it('needs `override` to deploy a revision other than the one the spec tracks', async () => {
    const permissions = new PolicyPermissions(
      permission => permission !== 'gitops.application.override',
    );
    const limited = await createTestApi({ permissions });
    await limited.addApplications([testApplication('shop')]);

    const other = await request(limited.app)
      .post(`${SHOP}/sync`)
      .send({ revision: 'v0.9.0' });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain("'gitops.application.override'");
    expect(limited.controller.calls).toEqual([]);

    const checksBefore = permissions.checks.length;
    // The tracked revision, a dry run, or Git's content with options: `sync` is enough.
    for (const body of [
      { revision: 'main' },
      { revision: 'v0.9.0', dryRun: true },
      { prune: true, strategy: { apply: { force: true } } },
    ]) {
      const response = await request(limited.app)
        .post(`${SHOP}/sync`)
        .send(body);
      expect(response.status).toBe(200);
      await limited.knex('operations').delete();
    }
    expect(
      permissions.checks.slice(checksBefore).map(c => c.permission),
    ).toEqual(Array(3).fill('gitops.application.sync'));
  });

  it('refuses another revision while automated sync is on, unless it is a dry run', async () => {
    await api.addApplications([automated('auto')]);
    const path = '/api/gitops/applications/argocd/auto/sync';

    const refused = await request(api.app)
      .post(path)
      .send({ revision: 'v0.9.0' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      "Cannot sync application argocd/auto to revision 'v0.9.0' instead of its targetRevision 'main': automated sync keeps it at its targetRevision. " +
        'Sync without a revision, use a dry run, or turn automated sync off first (spec.syncPolicy.automated)',
    );
    expect(
      (
        await request(api.app)
          .post(path)
          .send({ revision: 'v0.9.0', dryRun: true })
      ).status,
    ).toBe(200);
  });

  it('passes the controller’s conflict through when an operation is in progress', async () => {
    await request(api.app).post(`${SHOP}/sync`).expect(200);
    const second = await request(api.app).post(`${SHOP}/sync`);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(
      /^Another operation is already in progress for application argocd\/shop/,
    );
    expect(api.auditor.records.at(-1)).toMatchObject({
      eventId: 'application-sync',
      status: 'failed',
      error: expect.stringMatching(/^ConflictError: /),
    });
  });

  it('answers 404 for an unknown app and 503 without a controller', async () => {
    expect(
      (await request(api.app).post('/api/gitops/applications/argocd/nope/sync'))
        .status,
    ).toBe(404);
    const without = await createTestApi({ controller: false });
    await without.addApplications([testApplication('shop')]);
    const response = await request(without.app).post(`${SHOP}/sync`);
    expect(response.status).toBe(503);
    expect(response.body.error.message).toMatch(
      /^the GitOps controller is not running/,
    );
  });
});

describe('syncOverrideReason', () => {
  it('compares the revision with the targetRevision, HEAD when empty', () => {
    const app = testApplication('a');
    app.spec.source!.targetRevision = '';
    expect(syncOverrideReason(app, { revision: 'HEAD' })).toBeUndefined();
    expect(syncOverrideReason(app, { revision: 'main' })).toBe(
      "revision 'main' instead of its targetRevision 'HEAD'",
    );
    expect(syncOverrideReason(app, { prune: true })).toBeUndefined();
  });

  it('treats any revision of a multi-source app as an override', () => {
    const app = testApplication('a', {
      repoURLs: [
        'https://git.example.com/a.git',
        'https://git.example.com/b.git',
      ],
    });
    expect(syncOverrideReason(app, { revision: 'main' })).toBe(
      "revision 'main' for an application with 2 sources",
    );
  });
});

describe('POST /applications/:namespace/:name/refresh', () => {
  it('refreshes, hard when asked, and returns the app', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('shop')]);

    const normal = await request(api.app).post(`${SHOP}/refresh`);
    const hard = await request(api.app).post(`${SHOP}/refresh?hard=true`);

    expect(normal.status).toBe(200);
    expect(hard.body.metadata.name).toBe('shop');
    expect(api.controller.callsOf('refresh')).toEqual([
      [SHOP_KEY, { hard: false }],
      [SHOP_KEY, { hard: true }],
    ]);
    expect((await request(api.app).post(`${SHOP}/refresh?hard=1`)).status).toBe(
      400,
    );
    expect(api.auditor.records.at(-1)).toMatchObject({ severityLevel: 'low' });
  });
});

describe('POST /applications/:namespace/:name/rollback', () => {
  let api: TestApi;
  let historyId: number;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([testApplication('shop'), automated('auto')]);
    historyId = (
      await api.store.appendHistory({
        ...SHOP_KEY,
        revision: 'd'.repeat(40),
        initiatedBy: { automated: true },
      })
    ).id;
  });

  it('rolls back to a history entry', async () => {
    const response = await request(api.app)
      .post(`${SHOP}/rollback`)
      .set('Authorization', ALICE)
      .send({ id: historyId, prune: true });
    expect(response.status).toBe(200);
    expect(api.controller.callsOf('rollback')).toEqual([
      [
        SHOP_KEY,
        historyId,
        { prune: true, dryRun: undefined },
        { username: 'user:default/alice' },
      ],
    ]);
    expect(response.body.operation.sync.revision).toBe('d'.repeat(40));
  });

  it("passes the controller's refusals through: automated sync on, unknown entry", async () => {
    const refused = await request(api.app)
      .post('/api/gitops/applications/argocd/auto/rollback')
      .send({ id: historyId });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'Cannot roll back application argocd/auto while automated sync is on: it would sync back to Git at once. Turn automated sync off first',
    );

    const unknown = await request(api.app)
      .post(`${SHOP}/rollback`)
      .send({ id: 999 });
    expect(unknown.status).toBe(404);
  });

  it('refuses a body without a history id', async () => {
    const response = await request(api.app)
      .post(`${SHOP}/rollback`)
      .send({ revision: 'main' });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'Invalid request body: id: give the id of a status.history entry; Unrecognized key: "revision"',
    );
  });
});

describe('DELETE /applications/:namespace/:name/operation', () => {
  it('asks the controller to terminate the running operation', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
    await request(api.app).post(`${SHOP}/sync`).expect(200);

    const response = await request(api.app)
      .delete(`${SHOP}/operation`)
      .set('Authorization', ALICE);

    expect(response.status).toBe(200);
    expect(api.controller.callsOf('terminateOperation')).toEqual([
      [SHOP_KEY, { username: 'user:default/alice' }],
    ]);
    const { body } = await request(api.app).get(SHOP);
    expect(body.status.operationState.phase).toBe('Terminating');

    const done = await createTestApi();
    await done.addApplications([testApplication('shop')]);
    const nothing = await request(done.app).delete(`${SHOP}/operation`);
    expect(nothing.status).toBe(409);
  });
});

describe('POST /applications/:namespace/:name/resource/actions', () => {
  it('runs an action with its parameters; audits parameter names only', async () => {
    const api = await createTestApi();
    await api.addApplications([testApplication('shop')]);
    api.controller.resourceActions = [
      { name: 'scale', params: [{ name: 'replicas' }] },
    ];

    const response = await request(api.app)
      .post(`${SHOP}/resource/actions`)
      .set('Authorization', ALICE)
      .send({
        version: 'v1',
        group: 'apps',
        kind: 'Deployment',
        namespace: 'default',
        name: 'web',
        action: 'scale',
        params: [{ name: 'replicas', value: '5' }],
      });

    expect(response.status).toBe(200);
    expect(api.controller.callsOf('runResourceAction')).toEqual([
      [
        SHOP_KEY,
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'default',
          name: 'web',
        },
        'scale',
        [{ name: 'replicas', value: '5' }],
        { username: 'user:default/alice' },
      ],
    ]);
    expect(api.auditor.records.at(-1)).toMatchObject({
      eventId: 'resource-action',
      status: 'succeeded',
      meta: {
        application: refOf('shop'),
        resource: 'apps/v1/Deployment default/web',
        action: 'scale',
        params: ['replicas'],
      },
    });

    const unknown = await request(api.app)
      .post(`${SHOP}/resource/actions`)
      .send({ version: 'v1', kind: 'Pod', name: 'p', action: 'explode' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("Pod p has no action 'explode'");

    const invalid = await request(api.app)
      .post(`${SHOP}/resource/actions`)
      .send({ version: 'v1', kind: 'Pod', name: 'p' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe(
      'Invalid request body: action: Invalid input: expected string, received undefined',
    );
  });
});
