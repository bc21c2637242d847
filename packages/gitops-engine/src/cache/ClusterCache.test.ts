import {
  eventually,
  startTestCluster,
  type TestCluster,
} from '../cluster/__testUtils__/testCluster';
import type { KubernetesObject } from '../render/types';
import { ResourceTracking } from '../tracking/ResourceTracking';
import { ClusterCache, type ClusterCacheEvent } from './ClusterCache';

// Each test starts a kube-sim over HTTPS; a busy machine is slow.
jest.setTimeout(30_000);

const tracking = new ResourceTracking();

function configMap(
  name: string,
  namespace: string,
  options: {
    app?: string;
    data?: Record<string, string>;
    ownerUid?: string;
  } = {},
): KubernetesObject {
  const object: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      ...(options.ownerUid
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'owner',
                uid: options.ownerUid,
              },
            ],
          }
        : {}),
    },
    data: options.data ?? {},
  };
  return options.app ? tracking.stamp(object, options.app, namespace) : object;
}

const names = (objects: KubernetesObject[]) =>
  objects.map(object => object.metadata.name).sort();

describe('ClusterCache', () => {
  let cluster: TestCluster;
  let cache: ClusterCache;
  let events: ClusterCacheEvent[];

  beforeEach(async () => {
    cluster = await startTestCluster({
      namespaces: ['team-a', 'team-b'],
      bookmarkIntervalMs: 50,
    });
    cache = new ClusterCache({
      connection: cluster.connection,
      tracking,
      backoff: { initialMs: 10, maxMs: 50 },
    });
    events = [];
    cache.onChange(event => events.push(event));
  });

  afterEach(async () => {
    cache.stop();
    await cluster.stop();
  });

  const configMapWatchers = () =>
    cache.status().filter(status => status.kind === 'ConfigMap');

  it('lists a registered type and indexes the objects each app owns', async () => {
    cluster.sim.apply([
      configMap('a1', 'team-a', { app: 'shop' }),
      configMap('a2', 'team-a', { app: 'shop' }),
      configMap('b1', 'team-a', { app: 'billing' }),
      configMap('plain', 'team-a'),
    ]);
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    expect(names(cache.trackedObjects('shop'))).toEqual(['a1', 'a2']);
    expect(names(cache.trackedObjects('billing'))).toEqual(['b1']);
    expect(cache.trackedObjects('nobody')).toEqual([]);
    expect(cache.trackedApps().sort()).toEqual(['billing', 'shop']);
    expect(configMapWatchers()).toEqual([
      expect.objectContaining({ namespace: 'team-a', synced: true, lists: 1 }),
    ]);
    // Only the namespace asked for is listed (and watched: the sim logs a
    // watch request when it ends, so it is counted as open instead).
    expect(cluster.requests.filter(r => r.includes('configmaps'))).toEqual([
      expect.stringMatching(
        /^GET \/api\/v1\/namespaces\/team-a\/configmaps\?limit=500 200$/,
      ),
    ]);
    await eventually(
      () => cluster.sim.openWatchCount() === 1,
      'one open watch',
    );
  });

  it('follows changes and tells listeners which apps they concern', async () => {
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    cluster.sim.apply(configMap('moving', 'team-a', { app: 'shop' }));
    await eventually(
      () => cache.trackedObjects('shop').length === 1,
      'the new object',
    );
    cluster.sim.apply(configMap('moving', 'team-a', { app: 'billing' }));
    await eventually(
      () => cache.trackedObjects('billing').length === 1,
      'the move',
    );
    expect(cache.trackedObjects('shop')).toEqual([]);
    cluster.sim.api.delete(
      cluster.sim.api.registry.lookupKind('', 'v1', 'ConfigMap')!,
      'team-a',
      'moving',
    );
    await eventually(
      () => cache.trackedObjects('billing').length === 0,
      'the deletion',
    );
    expect(
      events.map(
        event => `${event.type} ${event.key.name} [${event.apps.join(',')}]`,
      ),
    ).toEqual([
      'upsert moving [shop]',
      'upsert moving [shop,billing]',
      'delete moving [billing]',
    ]);
  });

  it('keeps only references to untracked objects and fetches them when asked', async () => {
    cluster.sim.apply([
      configMap('plain', 'team-a', { data: { big: 'x' } }),
      configMap('owned', 'team-a', { app: 'shop' }),
    ]);
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    const before = cluster.requests.length;
    const owned = await cache.getObject(
      { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'owned' },
      'v1',
    );
    expect(owned?.metadata.name).toBe('owned');
    expect(cluster.requests.length).toBe(before);
    const plain = await cache.getObject(
      { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'plain' },
      'v1',
    );
    expect(plain?.data).toEqual({ big: 'x' });
    expect(cluster.requests.slice(before)).toEqual([
      expect.stringMatching(
        /^GET \/api\/v1\/namespaces\/team-a\/configmaps\/plain 200$/,
      ),
    ]);
    // A key in a watched namespace that the cache does not hold does not exist: no request.
    await expect(
      cache.getObject(
        { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'absent' },
        'v1',
      ),
    ).resolves.toBeUndefined();
    expect(cluster.requests.length).toBe(before + 1);
  });

  it('leaves objects made by other objects out of the app index, as Argo CD does', async () => {
    cluster.sim.apply(
      configMap('child', 'team-a', {
        app: 'shop',
        ownerUid: '00000000-0000-0000-0000-000000000001',
      }),
    );
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    expect(cache.trackedObjects('shop')).toEqual([]);
  });

  it('resumes a dropped watch from the last resourceVersion without listing again', async () => {
    cluster.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 2,
      effect: { type: 'dropWatch', afterMs: 30 },
    });
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    await eventually(
      () => configMapWatchers()[0].watches >= 3,
      'two reconnects',
    );
    cluster.sim.apply(configMap('after-drop', 'team-a', { app: 'shop' }));
    await eventually(
      () => cache.trackedObjects('shop').length === 1,
      'the object made after the drops',
    );
    expect(configMapWatchers()[0]).toMatchObject({ lists: 1, synced: true });
  });

  it('lists again when the watch expires (410 Gone), catching up on what changed meanwhile', async () => {
    cluster.sim.apply(configMap('early', 'team-a', { app: 'shop' }));
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    // The next watch ends as after an etcd compaction, and the change in
    // between comes only from the relist.
    cluster.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'expireWatch', afterMs: 0 },
    });
    cluster.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'dropWatch', afterMs: 0 },
    });
    cluster.sim.api.delete(
      cluster.sim.api.registry.lookupKind('', 'v1', 'ConfigMap')!,
      'team-a',
      'early',
    );
    cluster.sim.apply(configMap('late', 'team-a', { app: 'shop' }));
    await eventually(() => configMapWatchers()[0].lists === 2, 'a relist');
    await eventually(
      () => names(cache.trackedObjects('shop')).join() === 'late',
      'the relisted state',
    );
    expect(
      events
        .filter(event => event.key.name === 'early')
        .map(event => event.type),
    ).toEqual(['upsert', 'delete']);
  });

  it('relists after a 410 from a watch that resumes from a compacted resourceVersion', async () => {
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    await eventually(() => cluster.sim.openWatchCount() === 1, 'the watch');
    // The connection drops; while the cache reconnects, the object changes
    // and the server forgets the history the cache would resume from.
    cluster.sim.faults.add({
      verbs: ['watch'],
      resources: ['configmaps'],
      count: 1,
      effect: { type: 'latency', ms: 200 },
    });
    cluster.sim.api.closeWatches();
    cluster.sim.apply(configMap('during-outage', 'team-a', { app: 'shop' }));
    cluster.sim.compactHistory();
    await eventually(
      () => configMapWatchers()[0].lists === 2,
      'a relist after the compaction',
    );
    await eventually(
      () => cache.trackedObjects('shop').length === 1,
      'the object from the relist',
    );
    expect(names(cache.trackedObjects('shop'))).toEqual(['during-outage']);
    expect(configMapWatchers()[0]).toMatchObject({ synced: true, lists: 2 });
  });

  it('retries a failing list with backoff until it succeeds', async () => {
    const fault = cluster.sim.faults.add({
      verbs: ['list'],
      resources: ['configmaps'],
      count: 2,
      effect: {
        type: 'error',
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'etcd is down',
      },
    });
    const errors: string[] = [];
    cache.stop();
    cache = new ClusterCache({
      connection: cluster.connection,
      tracking,
      backoff: { initialMs: 10, maxMs: 50 },
      onError: error => errors.push(error.message),
    });
    const first = cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    await expect(first).rejects.toThrow(
      /list configmaps \(v1\) in namespace team-a failed with 503 ServiceUnavailable: etcd is down/,
    );
    await eventually(() => configMapWatchers()[0].synced, 'a successful retry');
    expect(fault.hits).toBe(2);
    expect(errors).toHaveLength(2);
    await expect(
      cache.watch([
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
      ]),
    ).resolves.toBeUndefined();
  });

  it('rejects with a clear message when listing is forbidden', async () => {
    cluster.sim.faults.add({
      verbs: ['list'],
      resources: ['secrets'],
      effect: {
        type: 'error',
        code: 403,
        reason: 'Forbidden',
        message: 'secrets is forbidden',
      },
    });
    await expect(
      cache.watch([{ apiVersion: 'v1', kind: 'Secret', namespace: 'team-a' }]),
    ).rejects.toThrow(
      "cluster 'kube-sim' forbids list secrets (v1) in namespace team-a (403 Forbidden): secrets is forbidden; grant the credentials' user or ServiceAccount RBAC permission for it",
    );
  });

  it('replaces per-namespace watches with one over all namespaces when asked for all', async () => {
    cluster.sim.apply([
      configMap('a', 'team-a', { app: 'shop' }),
      configMap('b', 'team-b', { app: 'shop' }),
    ]);
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
    ]);
    expect(names(cache.trackedObjects('shop'))).toEqual(['a']);
    await cache.watch([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(names(cache.trackedObjects('shop'))).toEqual(['a', 'b']);
    await eventually(
      () => configMapWatchers().length === 1,
      'the namespace watch to stop',
    );
    expect(configMapWatchers()[0].namespace).toBeUndefined();
    expect(cache.isWatching('', 'ConfigMap', 'team-b')).toBe(true);
    cluster.sim.apply(configMap('c', 'team-b', { app: 'shop' }));
    await eventually(
      () => cache.trackedObjects('shop').length === 3,
      'an object in another namespace',
    );
  });

  it('watches a kind over all namespaces once it spans more than a few', async () => {
    const namespaces = Array.from({ length: 12 }, (_, i) => `ns-${i}`);
    cluster.sim.apply([
      ...namespaces.map(name => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      })),
      configMap('first', 'ns-0', { app: 'shop' }),
      configMap('last', 'ns-11', { app: 'shop' }),
    ]);
    for (const namespace of namespaces) {
      await cache.watch([{ apiVersion: 'v1', kind: 'ConfigMap', namespace }]);
    }
    expect(names(cache.trackedObjects('shop'))).toEqual(['first', 'last']);
    await eventually(
      () => configMapWatchers().length === 1,
      'the namespace watches to be replaced by one',
    );
    expect(configMapWatchers()[0].namespace).toBeUndefined();
  });

  it('finishes a wait for a namespace whose first list a watch over all namespaces overtook', async () => {
    const namespaces = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
    cluster.sim.apply([
      ...namespaces.map(name => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      })),
      configMap('slow', 'ns-0', { app: 'shop' }),
    ]);
    // ns-0's first list is still on its way when the ninth namespace makes
    // the kind cluster-wide and that watch, listed first, replaces it.
    cluster.sim.faults.add({
      verbs: ['list'],
      resources: ['configmaps'],
      namespace: 'ns-0',
      count: 1,
      effect: { type: 'latency', ms: 3_000 },
    });
    const slowWait = cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns-0' },
    ]);
    await new Promise(resolve => setTimeout(resolve, 100));
    await Promise.all(
      namespaces
        .slice(1)
        .map(namespace =>
          cache.watch([{ apiVersion: 'v1', kind: 'ConfigMap', namespace }]),
        ),
    );
    await eventually(
      () => configMapWatchers().length === 1,
      'the namespace watches to be replaced by one',
    );
    await expect(slowWait).resolves.toBeUndefined();
    expect(names(cache.trackedObjects('shop'))).toEqual(['slow']);
  });

  it('in namespaced mode, keeps more watches open than the connection has sockets for requests', async () => {
    cache.stop();
    // 40 namespaces × 1 kind: more watches than the 32 pooled sockets, which
    // they must not take from lists and gets.
    const namespaces = Array.from({ length: 40 }, (_, i) => `tenant-${i}`);
    cluster.sim.apply([
      ...namespaces.map(name => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      })),
      configMap('owned', 'tenant-39', { app: 'shop' }),
    ]);
    cache = new ClusterCache({
      connection: cluster.connection,
      tracking,
      namespaces,
    });
    await cache.watch(
      namespaces.map(namespace => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace,
      })),
    );
    expect(configMapWatchers()).toHaveLength(40);
    // A change in every namespace arrives: every watch is connected.
    cluster.sim.apply(
      namespaces.map(namespace =>
        configMap(`later-${namespace}`, namespace, { app: 'shop' }),
      ),
    );
    await eventually(
      () => cache.trackedObjects('shop').length === 41,
      'a change in each namespace to arrive',
    );
  });

  it('in namespaced mode, watches only the configured namespaces and refuses others', async () => {
    cache.stop();
    cache = new ClusterCache({
      connection: cluster.connection,
      tracking,
      namespaces: ['team-a'],
      clusterResources: false,
    });
    await cache.watch([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(configMapWatchers()).toEqual([
      expect.objectContaining({ namespace: 'team-a' }),
    ]);
    await expect(
      cache.watch([
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-b' },
      ]),
    ).rejects.toThrow(
      "namespace 'team-b' of cluster 'kube-sim' is not managed: the cluster is cached in namespaced mode for team-a; add the namespace to the cluster's namespaces",
    );
    await expect(
      cache.watch([
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
      ]),
    ).rejects.toThrow(/cluster-scoped ClusterRole cannot be managed/);
  });

  it('refuses a kind the cluster does not serve', async () => {
    await expect(
      cache.watch([{ apiVersion: 'example.com/v1', kind: 'Gadget' }]),
    ).rejects.toThrow(
      "cluster 'kube-sim' does not serve example.com/v1 Gadget",
    );
  });

  it('closes its watches when stopped', async () => {
    await cache.watch([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a' },
    ]);
    await eventually(
      () => cluster.sim.openWatchCount() === 2,
      'two open watches',
    );
    cache.stop();
    await eventually(
      () => cluster.sim.openWatchCount() === 0,
      'the watches to close',
    );
    await expect(
      cache.watch([{ apiVersion: 'v1', kind: 'ConfigMap' }]),
    ).rejects.toThrow('was stopped');
  });
});
