import * as k8s from '@kubernetes/client-node';
import { startWireSim, waitFor, WireSim } from '../__testUtils__/wire';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

interface Seen {
  type: string;
  name?: string;
  resourceVersion?: string;
  object: any;
}

/** Watch semantics over the wire, as informers (client-node's ListWatch included) rely on them. */
describe('watch', () => {
  let wire: WireSim;

  beforeAll(async () => {
    wire = await startWireSim({
      controllers: false,
      namespaces: ['w'],
      bookmarkIntervalMs: 50,
      watchHistory: 50,
    });
  });

  afterAll(async () => {
    await wire?.stop();
  });

  async function watch(
    path: string,
    params: Record<string, string | number | boolean | undefined>,
  ) {
    const events: Seen[] = [];
    let ended: unknown = 'open';
    const controller = await new k8s.Watch(wire.kc).watch(
      path,
      params,
      (type, object) =>
        events.push({
          type,
          name: object?.metadata?.name,
          resourceVersion: object?.metadata?.resourceVersion,
          object,
        }),
      error => {
        ended = error ?? null;
      },
    );
    return { events, controller, ended: () => ended };
  }

  const create = (name: string, labels: Record<string, string> = {}) =>
    wire.core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name, labels } },
    });

  it('streams ADDED, MODIFIED and DELETED after the resourceVersion it starts from', async () => {
    await create('before');
    const list = await wire.core.listNamespacedConfigMap({ namespace: 'w' });
    const stream = await watch('/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
    });
    const created = await create('during');
    await wire.core.patchNamespacedConfigMap(
      { namespace: 'w', name: 'during', body: { data: { a: '1' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'w',
      name: 'during',
    });
    await waitFor(() => stream.events.length >= 3, 'three events');
    stream.controller.abort();
    expect(stream.events.map(e => `${e.type} ${e.name}`)).toEqual([
      'ADDED during',
      'MODIFIED during',
      'DELETED during',
    ]);
    const versions = stream.events.map(e => Number(e.resourceVersion));
    expect(versions[0]).toBe(Number(created.metadata!.resourceVersion));
    expect(versions[1]).toBeGreaterThan(versions[0]);
    expect(versions[2]).toBeGreaterThan(versions[1]);
  });

  it('sends the current state as ADDED events when started without a resourceVersion', async () => {
    const stream = await watch('/api/v1/namespaces/w/configmaps', {
      labelSelector: 'initial=yes',
    });
    await create('initial-1', { initial: 'yes' });
    await waitFor(() => stream.events.length >= 1, 'the new object');
    stream.controller.abort();
    const again = await watch('/api/v1/namespaces/w/configmaps', {
      labelSelector: 'initial=yes',
    });
    await waitFor(() => again.events.length >= 1, 'the synthetic ADDED');
    again.controller.abort();
    expect(again.events.map(e => `${e.type} ${e.name}`)).toEqual([
      'ADDED initial-1',
    ]);
  });

  it('follows label selectors: objects entering the selection are ADDED, leaving it DELETED', async () => {
    const list = await wire.core.listNamespacedConfigMap({ namespace: 'w' });
    const stream = await watch('/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
      labelSelector: 'team=blue',
    });
    await create('moving', { team: 'red' });
    const patch = (team: string) =>
      wire.core.patchNamespacedConfigMap(
        {
          namespace: 'w',
          name: 'moving',
          body: { metadata: { labels: { team } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    await patch('blue');
    await patch('green');
    await waitFor(() => stream.events.length >= 2, 'two events');
    stream.controller.abort();
    expect(stream.events.map(e => `${e.type} ${e.name}`)).toEqual([
      'ADDED moving',
      'DELETED moving',
    ]);
  });

  it('sends BOOKMARK events when asked, carrying the latest resourceVersion', async () => {
    const list = await wire.core.listNamespacedConfigMap({ namespace: 'w' });
    const stream = await watch('/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
      allowWatchBookmarks: true,
    });
    await waitFor(
      () => stream.events.some(e => e.type === 'BOOKMARK'),
      'a bookmark',
    );
    stream.controller.abort();
    const bookmark = stream.events.find(e => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(Number(bookmark.resourceVersion)).toBeGreaterThanOrEqual(
      Number(list.metadata!.resourceVersion),
    );
  });

  it('ends with a 410 Gone ERROR event when the resourceVersion is older than the kept history', async () => {
    const old = await wire.core.listNamespacedConfigMap({ namespace: 'w' });
    for (let i = 0; i < 60; i++) await create(`churn-${i}`);
    const stream = await watch('/api/v1/namespaces/w/configmaps', {
      resourceVersion: old.metadata!.resourceVersion,
    });
    await waitFor(() => stream.ended() !== 'open', 'the watch to end');
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0].type).toBe('ERROR');
    expect(stream.events[0].object).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });
    expect(stream.events[0].object.message).toMatch(
      /^too old resource version: \d+ \(\d+\)$/,
    );
  });

  it('answers a continue token from before a compaction with 410 Expired', async () => {
    const page = await wire.core.listNamespacedConfigMap({
      namespace: 'w',
      limit: 2,
    });
    await create('after-the-page');
    wire.sim.compactHistory();
    const error = await wire.core
      .listNamespacedConfigMap({
        namespace: 'w',
        limit: 2,
        _continue: page.metadata!._continue,
      })
      .catch(e => e);
    expect(error.code).toBe(410);
    expect(JSON.parse(error.body)).toMatchObject({ reason: 'Expired' });
  });

  it('keeps an informer (client-node ListWatch) in step, relisting after 410', async () => {
    let lists = 0;
    const informer = k8s.makeInformer(
      wire.kc,
      '/api/v1/namespaces/w/configmaps',
      () => {
        lists++;
        return wire.core.listNamespacedConfigMap({
          namespace: 'w',
          labelSelector: 'informed=yes',
        });
      },
      'informed=yes',
    );
    const added: string[] = [];
    informer.on('add', object => added.push(object.metadata!.name!));
    // The first watch ends as after an etcd compaction; the informer must relist.
    const fault = wire.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'expireWatch', afterMs: 20 },
    });
    await informer.start();
    await create('informed-1', { informed: 'yes' });
    await waitFor(
      () => fault.hits === 1 && lists >= 2,
      'a relist after the expired watch',
    );
    await create('informed-2', { informed: 'yes' });
    await waitFor(
      () => added.includes('informed-1') && added.includes('informed-2'),
      'the informer to see both objects',
    );
    expect(
      informer
        .list()
        .map(o => o.metadata!.name)
        .sort(),
    ).toEqual(['informed-1', 'informed-2']);
    await informer.stop();
  });
});
