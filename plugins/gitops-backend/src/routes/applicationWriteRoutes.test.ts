import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestApi,
  testApplication,
  type TestApi,
} from './__testUtils__/testApi';

const APPS = '/api/gitops/applications';

describe('POST /applications', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });

  it('creates an API-managed app, in namespace argocd unless it names one', async () => {
    const manifest = testApplication('web', { labels: { team: 'a' } });
    delete manifest.metadata.namespace;

    const response = await request(api.app)
      .post(APPS)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send(manifest);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      metadata: {
        namespace: 'argocd',
        name: 'web',
        labels: { team: 'a' },
        generation: 1,
      },
      spec: manifest.spec,
      status: { sync: { status: 'Unknown' }, health: { status: 'Unknown' } },
      driftless: { origin: 'api', editable: true },
    });
    const stored = await api.store.getApplication({
      namespace: 'argocd',
      name: 'web',
    });
    expect(stored?.origin).toBe('api');
    expect(api.controller.callsOf('applicationChanged')).toEqual([
      [{ namespace: 'argocd', name: 'web' }],
    ]);
    expect(api.auditor.records.at(-1)).toMatchObject({
      eventId: 'application-create',
      status: 'succeeded',
      meta: { application: 'argocd/web' },
    });

    const elsewhere = testApplication('web', { namespace: 'team-a' });
    const second = await request(api.app).post(APPS).send(elsewhere);
    expect(second.status).toBe(201);
    expect(second.body.metadata.namespace).toBe('team-a');
  });

  it('drops what the server sets when a client sends back what it read', async () => {
    const created = await request(api.app)
      .post(APPS)
      .send(testApplication('web'));
    const echoed = {
      ...created.body,
      metadata: {
        ...created.body.metadata,
        generation: 7,
        uid: 'x',
        resourceVersion: '9',
      },
      operation: { sync: { prune: true } },
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    };
    await api.store.deleteApplication({ namespace: 'argocd', name: 'web' });

    const response = await request(api.app).post(APPS).send(echoed);

    expect(response.status).toBe(201);
    expect(response.body.metadata.generation).toBe(1);
    expect(response.body.metadata.uid).toBeUndefined();
    expect(response.body.status.sync.status).toBe('Unknown');
    expect(response.body.operation).toBeUndefined();
    const stored = await api.store.getApplication({
      namespace: 'argocd',
      name: 'web',
    });
    expect(Object.keys(stored!.manifest).sort()).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]);
    expect(
      await api.store.getCurrentOperation({ namespace: 'argocd', name: 'web' }),
    ).toBeUndefined();
  });

  it('answers 409 when the app exists, whoever manages it', async () => {
    await api.addApplications([testApplication('web')]);
    const response = await request(api.app)
      .post(APPS)
      .send(testApplication('web'));
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      name: 'ConflictError',
      message:
        'Application argocd/web already exists; update it instead, or delete it first',
    });
    expect(
      (await api.store.getApplication({ namespace: 'argocd', name: 'web' }))
        ?.origin,
    ).toBe('config:0');
    expect(api.controller.calls).toEqual([]);
  });

  it('answers 400 with every problem of an invalid manifest', async () => {
    const manifest: any = testApplication('Web_1');
    manifest.spec.destination = {};
    delete manifest.spec.source;

    const response = await request(api.app).post(APPS).send(manifest);

    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toBe(
      'the request body is not a valid Application: ' +
        'metadata.name: name must be a DNS-1123 subdomain (lower-case letters, digits, - and .); ' +
        'spec: set source or sources; spec.destination: set server or name',
    );
    expect(await api.store.countApplications()).toBe(0);

    const badNamespace = await request(api.app)
      .post(APPS)
      .send(testApplication('web', { namespace: 'Team_A' }));
    expect(badNamespace.status).toBe(400);
    expect(badNamespace.body.error.message).toBe(
      'Invalid request body: metadata.namespace: a namespace is a DNS-1123 label (lower-case letters, digits and -)',
    );

    const notJson = await request(api.app)
      .post(APPS)
      .set('Content-Type', 'application/json')
      .send('{"apiVersion":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toEqual(
      expect.objectContaining({
        name: 'InputError',
        message:
          'Invalid request body: it is not valid JSON; send a JSON document with Content-Type: application/json',
      }),
    );
    expect(notJson.text).not.toContain('apiVersion');
  });
});

describe('PUT /applications/:namespace/:name', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([testApplication('web')], 'api');
  });

  it('replaces an API-managed app and bumps its generation when the spec changed', async () => {
    const changed = testApplication('web', { path: 'overlays/prod' });
    delete changed.metadata.namespace;
    const response = await request(api.app)
      .put(`${APPS}/argocd/web`)
      .send(changed);
    expect(response.status).toBe(200);
    expect(response.body.spec.source.path).toBe('overlays/prod');
    expect(response.body.metadata.generation).toBe(2);
    expect(api.controller.callsOf('applicationChanged')).toEqual([
      [{ namespace: 'argocd', name: 'web' }],
    ]);
  });

  it.each([
    [
      'config:2',
      'the Git path in app-config gitops.applications[2]; change its manifest in that repository',
    ],
    [
      'app:argocd/root',
      "the app of apps argocd/root; change its manifest in that app's Git source",
    ],
    [
      'applicationset:argocd/shops',
      "ApplicationSet argocd/shops; change the ApplicationSet's template or generators",
    ],
  ])(
    'refuses apps managed elsewhere (%s), saying where to change them',
    async (origin, where) => {
      await api.addApplications([testApplication('managed')], origin);

      const update = await request(api.app)
        .put(`${APPS}/argocd/managed`)
        .send(testApplication('managed', { path: 'other' }));
      const remove = await request(api.app).delete(`${APPS}/argocd/managed`);

      for (const [response, verb] of [
        [update, 'update'],
        [remove, 'delete'],
      ] as const) {
        expect(response.status).toBe(403);
        expect(response.body.error).toEqual(
          expect.objectContaining({
            name: 'NotAllowedError',
            message: `Cannot ${verb} application argocd/managed through the API: it is managed by ${where}. The API changes only applications created through it`,
          }),
        );
      }
      const stored = await api.store.getApplication({
        namespace: 'argocd',
        name: 'managed',
      });
      expect(stored?.manifest.spec.source?.path).toBe('deploy');
      expect(stored?.origin).toBe(origin);
      expect(api.controller.calls).toEqual([]);
    },
  );

  it('answers 404 for an unknown app and 400 for a body naming another app', async () => {
    const missing = await request(api.app)
      .put(`${APPS}/argocd/nope`)
      .send(testApplication('nope'));
    expect(missing.status).toBe(404);

    const renamed = await request(api.app)
      .put(`${APPS}/argocd/web`)
      .send(testApplication('other'));
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toBe(
      'Invalid request body: metadata names argocd/other but the path argocd/web; an Application cannot be renamed or moved, create the new one and delete this one',
    );
  });
});

describe('DELETE /applications/:namespace/:name', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.addApplications([testApplication('web')], 'api');
  });

  it('deletes through the controller, cascading in the foreground by default as Argo CD does', async () => {
    const response = await request(api.app)
      .delete(`${APPS}/argocd/web`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect(api.controller.callsOf('deleteApplication')).toEqual([
      [
        { namespace: 'argocd', name: 'web' },
        { cascade: true, propagationPolicy: 'foreground' },
        { username: 'user:default/alice' },
      ],
    ]);
    expect(
      await api.store.getApplication({ namespace: 'argocd', name: 'web' }),
    ).toBeUndefined();
    expect(api.auditor.records.at(-1)).toMatchObject({
      eventId: 'application-delete',
      status: 'succeeded',
      meta: {
        application: 'argocd/web',
        cascade: true,
        propagationPolicy: 'foreground',
      },
    });
  });

  it('passes cascade=false and the propagation policy', async () => {
    const response = await request(api.app).delete(
      `${APPS}/argocd/web?cascade=false&propagationPolicy=orphan`,
    );
    expect(response.status).toBe(200);
    expect(api.controller.callsOf('deleteApplication')[0][1]).toEqual({
      cascade: false,
      propagationPolicy: 'orphan',
    });
  });

  it('refuses invalid options with 400', async () => {
    const response = await request(api.app).delete(
      `${APPS}/argocd/web?cascade=yes&propagationPolicy=later`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      "Invalid query: cascade: use 'true' or 'false'; propagationPolicy: use 'foreground', 'background' or 'orphan'",
    );
    expect(api.controller.calls).toEqual([]);
  });

  it('answers 404 for an unknown app and 503 without a controller', async () => {
    expect((await request(api.app).delete(`${APPS}/argocd/nope`)).status).toBe(
      404,
    );

    const without = await createTestApi({ controller: false });
    await without.addApplications([testApplication('web')], 'api');
    const response = await request(without.app).delete(`${APPS}/argocd/web`);
    expect(response.status).toBe(503);
    expect(
      await without.store.getApplication({ namespace: 'argocd', name: 'web' }),
    ).toBeDefined();
  });

  it('creates and updates without a controller: it reconciles them when it runs', async () => {
    const without = await createTestApi({ controller: false });
    expect(
      (await request(without.app).post(APPS).send(testApplication('new')))
        .status,
    ).toBe(201);
    expect(
      (
        await request(without.app)
          .put(`${APPS}/argocd/new`)
          .send(testApplication('new', { path: 'x' }))
      ).status,
    ).toBe(200);
  });
});
