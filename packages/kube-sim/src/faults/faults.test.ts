import * as k8s from '@kubernetes/client-node';
import {
  failureOf,
  rawRequest,
  startWireSim,
  waitFor,
  WireSim,
} from '../__testUtils__/wire';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/** Fault injection, seen by a real client over the wire. */
describe('fault injection', () => {
  let wire: WireSim;

  beforeAll(async () => {
    wire = await startWireSim({ controllers: false, namespaces: ['f'] });
  });

  afterEach(() => wire.sim.faults.clear());

  afterAll(async () => {
    await wire?.stop();
  });

  const list = () => wire.core.listNamespacedConfigMap({ namespace: 'f' });

  it('fails matching requests with a 5xx Status for a given count, then lets them through', async () => {
    const fault = wire.sim.faults.add({
      verbs: ['list'],
      resources: ['configmaps'],
      count: 2,
      effect: { type: 'error', code: 503, message: 'etcd is unavailable' },
    });
    expect(await failureOf(list())).toMatchObject({
      code: 503,
      reason: 'InternalError',
      message: 'etcd is unavailable',
    });
    expect(await failureOf(list())).toMatchObject({ code: 503 });
    await expect(list()).resolves.toBeTruthy();
    expect(fault.hits).toBe(2);
    // Other verbs and resources are untouched.
    wire.sim.faults.add({
      verbs: ['create'],
      resources: ['secrets'],
      effect: { type: 'error', code: 500 },
    });
    await expect(
      wire.core.createNamespacedConfigMap({
        namespace: 'f',
        body: { metadata: { name: 'ok' } },
      }),
    ).resolves.toBeTruthy();
  });

  it('throttles with 429 and a Retry-After header', async () => {
    wire.sim.faults.add({
      verbs: ['get'],
      effect: { type: 'throttle', retryAfterSeconds: 7 },
    });
    const error: any = await wire.core
      .readNamespace({ name: 'f' })
      .catch(e => e);
    expect(error.code).toBe(429);
    expect(error.headers['retry-after']).toBe('7');
    expect(JSON.parse(error.body)).toMatchObject({
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 7 },
    });
  });

  it('forces 409 conflicts on writes, skipping the first matching ones if asked', async () => {
    wire.sim.faults.add({
      verbs: ['update', 'patch', 'apply'],
      resources: ['configmaps'],
      skip: 1,
      count: 1,
      effect: { type: 'conflict' },
    });
    const apply = (value: string) =>
      wire.objects.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'contended', namespace: 'f' },
          data: { value },
        },
        undefined,
        undefined,
        'tester',
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
    await expect(apply('1')).resolves.toBeTruthy();
    expect(await failureOf(apply('2'))).toMatchObject({
      code: 409,
      reason: 'Conflict',
    });
    await expect(apply('3')).resolves.toBeTruthy();
  });

  it('delays requests, and resets connections', async () => {
    wire.sim.faults.add({
      verbs: ['get'],
      resources: ['namespaces'],
      count: 1,
      effect: { type: 'latency', ms: 150 },
    });
    const started = Date.now();
    await wire.core.readNamespace({ name: 'f' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    wire.sim.faults.add({
      verbs: ['get'],
      resources: ['namespaces'],
      count: 1,
      effect: { type: 'reset' },
    });
    const reset: any = await wire.core
      .readNamespace({ name: 'f' })
      .catch(e => e);
    expect(String(reset?.message ?? reset)).toMatch(
      /socket hang up|ECONNRESET|other side closed|terminated/i,
    );
    await expect(wire.core.readNamespace({ name: 'f' })).resolves.toBeTruthy();
  });

  it('drops watch streams after some events', async () => {
    wire.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'dropWatch', afterEvents: 1 },
    });
    const list0 = await list();
    const events: string[] = [];
    let ended = false;
    await new k8s.Watch(wire.kc).watch(
      '/api/v1/namespaces/f/configmaps',
      { resourceVersion: list0.metadata!.resourceVersion },
      type => events.push(type),
      () => {
        ended = true;
      },
    );
    await wire.core.createNamespacedConfigMap({
      namespace: 'f',
      body: { metadata: { name: 'w1' } },
    });
    await waitFor(() => ended, 'the watch to be dropped');
    expect(events).toEqual(['ADDED']);
  });

  it('accepts fault rules over HTTP when kube-sim runs as a separate process', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      rawRequest(wire, method, path, body);
    const added = await call('POST', '/kube-sim/v1/faults', {
      verbs: ['list'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'error', code: 500 },
    });
    expect(added.status).toBe(201);
    expect(await failureOf(list())).toMatchObject({ code: 500 });
    const listed = await call('GET', '/kube-sim/v1/faults');
    expect(listed.body.items[0]).toMatchObject({ id: added.body.id, hits: 1 });
    expect((await call('DELETE', '/kube-sim/v1/faults')).body.items).toEqual(
      [],
    );
    const invalid = await call('POST', '/kube-sim/v1/faults', {
      effect: { type: 'explode' },
    });
    expect(invalid.status).toBe(400);
  });
});
