import { eventually } from '../cluster/__testUtils__/testCluster';
import type { KubernetesObject } from '../render/types';
import {
  application,
  configMap,
  deployment,
  job,
  startSyncHarness,
  type SyncHarness,
} from './__testUtils__/syncHarness';

// kube-sim runs in this process with its controllers; a busy machine is slow.
jest.setTimeout(60_000);

const WAVE = 'argocd.argoproj.io/sync-wave';
const OPTIONS = 'argocd.argoproj.io/sync-options';

describe('SyncEngine: prune and sync options', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      namespaces: [
        'prune',
        'prune-last',
        'propagation',
        'replace',
        'out-of-sync',
        'shared',
        'selective',
        'dry-run',
        'invalid',
        'ignored',
        'forced',
        'retried',
        'strict',
        'missing-kind',
        'confirm',
        'applied',
      ],
    });
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.connection.writes.length = 0;
    harness.connection.beforeWrite = undefined;
    harness.cluster.sim.faults.clear();
  });

  /** Syncs the objects, then waits until the cache tracks them, so the next comparison finds the extraneous ones. */
  async function deployed(
    app: ReturnType<typeof application>,
    objects: KubernetesObject[],
  ): Promise<void> {
    const { state } = await harness.sync(app, objects);
    expect(state.phase).toBe('Succeeded');
    await eventually(
      () =>
        harness.cache.trackedObjects(app.metadata.name).length >=
        objects.length,
      `the cache to track the objects of ${app.metadata.name}`,
    );
    harness.connection.writes.length = 0;
  }

  it('prunes only with prune on, and never what says Prune=false', async () => {
    const app = application('prune');
    await deployed(app, [
      configMap('kept', 'prune'),
      configMap('extra', 'prune'),
      configMap('protected', 'prune', { [OPTIONS]: 'Prune=false' }),
      // Delete=false guards against Application deletion only; pruning ignores it, as in Argo CD.
      configMap('retained-on-app-delete', 'prune', {
        [OPTIONS]: 'Delete=false',
      }),
    ]);
    const desired = [configMap('kept', 'prune')];

    const withoutPrune = await harness.sync(app, desired);
    expect(withoutPrune.state.phase).toBe('Succeeded');
    expect(
      withoutPrune.state
        .syncResult!.resources.filter(r => r.name !== 'kept')
        .map(r => [r.name, r.status, r.message])
        .sort(),
    ).toEqual([
      ['extra', 'PruneSkipped', 'ignored (requires pruning)'],
      ['protected', 'PruneSkipped', 'ignored (requires pruning)'],
      ['retained-on-app-delete', 'PruneSkipped', 'ignored (requires pruning)'],
    ]);
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap prune/kept',
    ]);

    const withPrune = await harness.sync(app, desired, {
      sync: { prune: true },
    });
    expect(withPrune.state.phase).toBe('Succeeded');
    expect(
      withPrune.state
        .syncResult!.resources.filter(r => r.name !== 'kept')
        .map(r => [r.name, r.status, r.message])
        .sort(),
    ).toEqual([
      ['extra', 'Pruned', 'pruned'],
      ['protected', 'PruneSkipped', 'ignored (no prune)'],
      ['retained-on-app-delete', 'Pruned', 'pruned'],
    ]);
    expect(
      await harness.live('v1', 'ConfigMap', 'prune', 'extra'),
    ).toBeUndefined();
    expect(
      await harness.live('v1', 'ConfigMap', 'prune', 'protected'),
    ).toBeDefined();
  });

  it('prunes PruneLast resources after every wave, others in reverse wave order', async () => {
    const app = application('prune-last');
    await deployed(app, [
      configMap('old-first-wave', 'prune-last', { [WAVE]: '-1' }),
      configMap('old-last-wave', 'prune-last', { [WAVE]: '3' }),
      configMap('old-pruned-last', 'prune-last', {
        [OPTIONS]: 'PruneLast=true',
      }),
    ]);
    const { state } = await harness.sync(
      app,
      [
        configMap('new-early', 'prune-last', { [WAVE]: '-1' }),
        configMap('new-late', 'prune-last', { [WAVE]: '1' }),
      ],
      { sync: { prune: true } },
    );
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      // Prune waves are mirrored: wave 3's object goes in the first one.
      'delete ConfigMap prune-last/old-last-wave',
      'apply ConfigMap prune-last/new-early',
      'apply ConfigMap prune-last/new-late',
      'delete ConfigMap prune-last/old-first-wave',
      'delete ConfigMap prune-last/old-pruned-last',
    ]);
  });

  it('prunes with the PrunePropagationPolicy asked for (foreground by default)', async () => {
    const app = application('propagation');
    await deployed(app, [
      deployment('web', 'propagation'),
      configMap('cm', 'propagation'),
    ]);
    await eventually(
      async () =>
        (await harness.list('apps/v1', 'ReplicaSet', 'propagation')).length ===
        1,
      'the Deployment to have its ReplicaSet',
    );
    const { state } = await harness.sync(
      application('propagation', {
        syncPolicy: { syncOptions: ['PrunePropagationPolicy=orphan'] },
      }),
      [],
      { sync: { prune: true } },
    );
    expect(state.phase).toBe('Succeeded');
    const deletes = harness.connection.writes.filter(w => w.verb === 'delete');
    expect(
      deletes.map(d => [d.kind, (d.options as any).propagationPolicy]).sort(),
    ).toEqual([
      ['ConfigMap', 'Orphan'],
      ['Deployment', 'Orphan'],
    ]);
    await eventually(
      async () =>
        !(await harness.live('apps/v1', 'Deployment', 'propagation', 'web')),
      'the Deployment to go',
    );
    // Orphaned: its ReplicaSet stays.
    expect(
      await harness.list('apps/v1', 'ReplicaSet', 'propagation'),
    ).toHaveLength(1);

    harness.connection.writes.length = 0;
    await deployed(app, [configMap('again', 'propagation')]);
    await harness.sync(app, [], { sync: { prune: true } });
    expect(
      harness.connection.writes
        .filter(w => w.verb === 'delete')
        .map(d => (d.options as any).propagationPolicy),
    ).toEqual(['Foreground']);
  });

  it('creates the destination namespace with CreateNamespace=true, with managed metadata', async () => {
    const app = application('made-for-me', {
      syncPolicy: {
        syncOptions: ['CreateNamespace=true'],
        managedNamespaceMetadata: {
          labels: { team: 'shop' },
          annotations: { 'example.com/owner': 'shop-team' },
        },
      },
    });
    const { state } = await harness.sync(app, [
      configMap('settings', 'made-for-me'),
    ]);
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'apply Namespace made-for-me',
      'apply ConfigMap made-for-me/settings',
    ]);
    expect(state.syncResult!.resources[0]).toMatchObject({
      kind: 'Namespace',
      name: 'made-for-me',
      namespace: '',
      syncPhase: 'PreSync',
      status: 'Synced',
    });
    expect(state.syncResult!.managedNamespaceMetadata).toEqual({
      labels: { team: 'shop' },
      annotations: { 'example.com/owner': 'shop-team' },
    });
    const namespace = await harness.live(
      'v1',
      'Namespace',
      undefined,
      'made-for-me',
    );
    expect(namespace?.metadata.labels).toMatchObject({ team: 'shop' });
    expect(namespace?.metadata.annotations).toMatchObject({
      'example.com/owner': 'shop-team',
    });
    // Not tracked: deleting the app never deletes its namespace.
    expect(
      namespace?.metadata.annotations?.['driftless.dev/tracking-id'],
    ).toBeUndefined();

    // Without managed metadata an existing namespace is left alone.
    harness.connection.writes.length = 0;
    const again = await harness.sync(
      application('made-for-me', {
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      }),
      [configMap('settings', 'made-for-me')],
    );
    expect(again.state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap made-for-me/settings',
    ]);
  });

  it('replaces with PUT for Replace=true, and creates what is missing', async () => {
    const app = application('replace');
    await deployed(app, [
      configMap('existing', 'replace', {}, { a: '1', b: '2' }),
    ]);
    const { state } = await harness.sync(app, [
      configMap(
        'existing',
        'replace',
        { [OPTIONS]: 'Replace=true' },
        { c: '3' },
      ),
      configMap('new', 'replace', { [OPTIONS]: 'Replace=true' }),
    ]);
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'replace ConfigMap replace/existing',
      'create ConfigMap replace/new',
    ]);
    expect(state.syncResult!.resources.map(r => r.message)).toEqual([
      'configmap/existing replaced',
      'configmap/new created',
    ]);
    expect(
      (await harness.live('v1', 'ConfigMap', 'replace', 'existing'))?.data,
    ).toEqual({ c: '3' });
    expect(harness.cluster.requests).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^PUT \/api\/v1\/namespaces\/replace\/configmaps\/existing\?fieldManager=driftless&fieldValidation=Strict 200$/,
        ),
        expect.stringMatching(
          /^POST \/api\/v1\/namespaces\/replace\/configmaps\?fieldManager=driftless&fieldValidation=Strict 201$/,
        ),
      ]),
    );
  });

  it('applies only what is out of sync with ApplyOutOfSyncOnly=true', async () => {
    const app = application('out-of-sync', {
      syncPolicy: { syncOptions: ['ApplyOutOfSyncOnly=true'] },
    });
    const objects = ['a', 'b', 'c', 'd'].map(name =>
      configMap(name, 'out-of-sync'),
    );
    await deployed(app, objects);
    harness.cluster.sim.apply(
      {
        ...configMap('c', 'out-of-sync'),
        data: { key: 'changed by hand' },
      } as any,
      { fieldManager: 'kubectl', force: true },
    );
    await eventually(
      async () =>
        (
          await harness.request(app, objects)
        ).comparison.resources.some(r => r.status === 'OutOfSync'),
      'the comparison to see the change',
    );
    harness.connection.writes.length = 0;
    const { state } = await harness.sync(app, objects);
    expect(state.phase).toBe('Succeeded');
    expect(
      harness.connection.writes.map(
        w => `${w.verb} ${w.name}${w.dryRun ? ' (dry run)' : ''}`,
      ),
    ).toEqual(['apply c (dry run)', 'apply c']);
    expect(
      (await harness.live('v1', 'ConfigMap', 'out-of-sync', 'c'))?.data,
    ).toEqual({ key: 'c' });
  });

  it('fails without applying anything when a resource is shared with another app (FailOnSharedResource=true)', async () => {
    harness.cluster.sim.apply({
      ...configMap('settings', 'shared'),
      metadata: {
        name: 'settings',
        namespace: 'shared',
        annotations: {
          'driftless.dev/tracking-id': 'other-app:/ConfigMap:shared/settings',
        },
      },
    } as any);
    const app = application('shared', {
      syncPolicy: { syncOptions: ['FailOnSharedResource=true'] },
    });
    await eventually(
      async () =>
        (
          await harness.request(app, [configMap('settings', 'shared')])
        ).comparison.conditions?.length,
      'the comparison to see the shared resource',
    );
    const { state } = await harness.sync(app, [
      configMap('settings', 'shared'),
      configMap('mine', 'shared'),
    ]);
    expect(state).toMatchObject({
      phase: 'Failed',
      message:
        'Shared resource found: ConfigMap shared/settings is part of applications shared and other-app',
    });
    expect(harness.connection.writes).toEqual([]);
  });

  it('syncs only the resources asked for: no hooks, no other prune', async () => {
    const app = application('selective');
    await deployed(app, [
      configMap('extra', 'selective'),
      configMap('also-extra', 'selective'),
    ]);
    const { state } = await harness.sync(
      app,
      [
        configMap('chosen', 'selective'),
        configMap('not-chosen', 'selective'),
        job({
          name: 'hook',
          namespace: 'selective',
          annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
        }),
      ],
      {
        sync: {
          prune: true,
          resources: [
            { kind: 'ConfigMap', name: 'chosen' },
            { kind: 'ConfigMap', name: 'also-extra', namespace: 'selective' },
          ],
        },
      },
    );
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'delete ConfigMap selective/also-extra',
      'apply ConfigMap selective/chosen',
    ]);
    expect(
      await harness.live('v1', 'ConfigMap', 'selective', 'extra'),
    ).toBeDefined();
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    const app = application('dry-run');
    await deployed(app, [configMap('extra', 'dry-run')]);
    const { state } = await harness.sync(
      app,
      [
        configMap('new', 'dry-run', { [WAVE]: '1' }),
        deployment('web', 'dry-run'),
        job({
          generateName: 'migrate-',
          namespace: 'dry-run',
          annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
        }),
      ],
      { sync: { dryRun: true, prune: true } },
    );
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([]);
    // The dry run of every object is the whole work: all results come from it, prunes first.
    expect(
      state.syncResult!.resources.map(r => [
        r.kind,
        r.status,
        r.hookPhase,
        r.message,
      ]),
    ).toEqual([
      ['ConfigMap', 'Pruned', 'Succeeded', 'pruned (dry run)'],
      [
        'Job',
        'Synced',
        'Succeeded',
        expect.stringMatching(
          /^job\.batch\/migrate-\w+-presync-\d+ serverside-applied \(server dry run\)$/,
        ),
      ],
      [
        'Deployment',
        'Synced',
        'Succeeded',
        'deployment.apps/web serverside-applied (server dry run)',
      ],
      [
        'ConfigMap',
        'Synced',
        'Succeeded',
        'configmap/new serverside-applied (server dry run)',
      ],
    ]);
    expect(await harness.list('batch/v1', 'Job', 'dry-run')).toEqual([]);
    expect(
      await harness.live('v1', 'ConfigMap', 'dry-run', 'extra'),
    ).toBeDefined();
    expect(
      await harness.live('v1', 'ConfigMap', 'dry-run', 'new'),
    ).toBeUndefined();
  });

  it('tells onApplied of every real apply with what the server returned, never of dry runs', async () => {
    const heard: Array<{ manifest: string; applied: string; rv: string }> = [];
    const onApplied = (manifest: KubernetesObject, applied: KubernetesObject) =>
      heard.push({
        manifest: manifest.metadata.name!,
        applied: applied.metadata.name!,
        rv: String(applied.metadata.resourceVersion),
      });
    const app = application('applied');
    const objects = [configMap('one', 'applied'), configMap('two', 'applied')];

    const dryRun = await harness.sync(app, objects, {
      sync: { dryRun: true },
      engine: { onApplied },
    });
    expect(dryRun.state.phase).toBe('Succeeded');
    expect(heard).toEqual([]);

    const { state } = await harness.sync(app, objects, {
      engine: { onApplied },
    });
    expect(state.phase).toBe('Succeeded');
    expect(heard.map(h => [h.manifest, h.applied]).sort()).toEqual([
      ['one', 'one'],
      ['two', 'two'],
    ]);
    for (const { applied, rv } of heard) {
      const live = await harness.live('v1', 'ConfigMap', 'applied', applied);
      expect(String(live?.metadata.resourceVersion)).toBe(rv);
    }
  });

  it('dry-runs every object first, and changes nothing when the server refuses one', async () => {
    const app = application('invalid');
    const broken = deployment('web', 'invalid');
    (broken.spec as any).selector.matchLabels.app = 'something-else';
    const { state } = await harness.sync(app, [
      configMap('settings', 'invalid'),
      broken,
    ]);
    expect(state).toMatchObject({
      phase: 'Failed',
      message: 'one or more objects failed to apply (dry run)',
    });
    expect(state.syncResult!.resources).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web',
        status: 'SyncFailed',
        message: expect.stringMatching(
          /^cluster 'kube-sim': dry-run apply Deployment invalid\/web \(apps\/v1\) failed with 422 Invalid: .*selector/,
        ),
      }),
    ]);
    expect(harness.connection.realWrites()).toEqual([]);
  });

  it('keeps live values of ignored fields with RespectIgnoreDifferences=true', async () => {
    const ignoreReplicas = {
      ignoreDifferences: [
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      ],
    };
    await deployed(application('ignored', ignoreReplicas), [
      deployment('web', 'ignored'),
    ]);
    harness.cluster.sim.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'ignored' },
        spec: { replicas: 3 },
      } as any,
      { fieldManager: 'autoscaler', force: true },
    );
    await eventually(
      () =>
        (harness.cache.trackedObjects('ignored')[0]?.spec as any)?.replicas ===
        3,
      'the cache to see 3 replicas',
    );
    const changed = deployment('web', 'ignored', { image: 'nginx:1.28' });
    const respecting = application('ignored', {
      ...ignoreReplicas,
      syncPolicy: { syncOptions: ['RespectIgnoreDifferences=true'] },
    });
    expect((await harness.sync(respecting, [changed])).state.phase).toBe(
      'Succeeded',
    );
    let live = await harness.live('apps/v1', 'Deployment', 'ignored', 'web');
    expect((live?.spec as any).replicas).toBe(3);
    expect((live?.spec as any).template.spec.containers[0].image).toBe(
      'nginx:1.28',
    );

    // Without the option, ignoreDifferences only affects the diff: the sync sets replicas back.
    expect(
      (await harness.sync(application('ignored', ignoreReplicas), [changed]))
        .state.phase,
    ).toBe('Succeeded');
    live = await harness.live('apps/v1', 'Deployment', 'ignored', 'web');
    expect((live?.spec as any).replicas).toBe(1);
  });

  it('deletes and re-creates an object the server refuses to change, with Force=true', async () => {
    const app = application('forced');
    await deployed(app, [job({ name: 'once', namespace: 'forced' })]);
    const changed = job({ name: 'once', namespace: 'forced' }, { runMs: 40 });
    const refused = await harness.sync(app, [changed]);
    expect(refused.state).toMatchObject({
      phase: 'Failed',
      message: 'one or more objects failed to apply (dry run)',
    });
    expect(refused.state.syncResult!.resources[0].message).toMatch(
      /field is immutable/,
    );

    const before = await harness.live('batch/v1', 'Job', 'forced', 'once');
    harness.connection.writes.length = 0;
    const forced = await harness.sync(app, [changed], {
      sync: { syncStrategy: { apply: { force: true } } },
    });
    expect(forced.state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'apply Job forced/once',
      'delete Job forced/once',
      'apply Job forced/once',
    ]);
    const after = await harness.live('batch/v1', 'Job', 'forced', 'once');
    expect(after?.metadata.uid).not.toBe(before?.metadata.uid);
  });

  it('retries a failed operation with backoff until it succeeds', async () => {
    harness.cluster.sim.faults.add({
      verbs: ['apply'],
      resources: ['configmaps'],
      namespace: 'retried',
      count: 2,
      effect: { type: 'error', code: 500, message: 'etcd is having a bad day' },
    });
    const { state, states } = await harness.sync(
      application('retried'),
      [configMap('settings', 'retried')],
      {
        operation: {
          retry: { limit: 3, backoff: { duration: '20ms', factor: 2 } },
        },
      },
    );
    expect(state).toMatchObject({ phase: 'Succeeded', retryCount: 2 });
    expect(states.map(s => s.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^one or more objects failed to apply \(dry run\)\. Retrying attempt #1 at \d+:\d\d[AP]M\.$/,
        ),
        'Retrying operation. Attempt #1',
        'Retrying operation. Attempt #2',
      ]),
    );
    const failedAttempt = states.find(s =>
      s.message.includes('Retrying attempt #1'),
    )!;
    expect(failedAttempt.syncResult!.resources[0].message).toMatch(
      /^cluster 'kube-sim': dry-run apply ConfigMap retried\/settings \(v1\) failed with 500 .*etcd is having a bad day$/,
    );
  });

  it('validates fields strictly, and not with Validate=false', async () => {
    harness.cluster.sim.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gauges.example.com' },
      spec: {
        group: 'example.com',
        names: {
          kind: 'Gauge',
          plural: 'gauges',
          singular: 'gauge',
          listKind: 'GaugeList',
        },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { size: { type: 'integer' } },
                  },
                },
              },
            },
          },
        ],
      },
    } as any);
    await harness.cluster.connection.discover({ refresh: true });
    const gauge = {
      apiVersion: 'example.com/v1',
      kind: 'Gauge',
      metadata: { name: 'g', namespace: 'strict' },
      spec: { size: 2, colour: 'blue' },
    };
    const strict = await harness.sync(application('strict'), [gauge]);
    expect(strict.state.phase).toBe('Failed');
    expect(strict.state.syncResult!.resources[0].message).toMatch(
      /unknown field "spec.colour"/,
    );

    const lenient = await harness.sync(
      application('strict', {
        syncPolicy: { syncOptions: ['Validate=false'] },
      }),
      [gauge],
    );
    expect(lenient.state.phase).toBe('Succeeded');
    expect(
      (await harness.live('example.com/v1', 'Gauge', 'strict', 'g'))?.spec,
    ).toEqual({ size: 2 });
  });

  it('refuses a kind the cluster does not serve, unless SkipDryRunOnMissingResource=true', async () => {
    const thing = {
      apiVersion: 'example.com/v1',
      kind: 'Unknowable',
      metadata: { name: 'u', namespace: 'missing-kind' },
    };
    const refused = await harness.sync(application('missing-kind'), [
      configMap('settings', 'missing-kind'),
      thing,
    ]);
    expect(refused.state).toMatchObject({
      phase: 'Failed',
      message:
        "one or more synchronization tasks are not valid: cluster 'kube-sim' does not serve example.com/v1 Unknowable: install the CustomResourceDefinition that defines it, or use an apiVersion the cluster serves (kubectl api-resources lists them)",
    });
    expect(harness.connection.writes).toEqual([]);

    // The dry run skips it (its CRD may come from elsewhere), the apply says what is wrong.
    const skipped = await harness.sync(
      application('missing-kind', {
        syncPolicy: { syncOptions: ['SkipDryRunOnMissingResource=true'] },
      }),
      [configMap('settings', 'missing-kind'), thing],
    );
    // As in Argo CD, the wave's applied objects are followed to the end before the sync fails.
    expect(skipped.state.phase).toBe('Failed');
    expect(skipped.state.message).toMatch(
      /^one or more synchronization tasks completed unsuccessfully, reason: cluster 'kube-sim' does not serve example.com\/v1 Unknowable/,
    );
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap missing-kind/settings',
      'apply Unknowable missing-kind/u',
    ]);
    expect(
      await harness.live('v1', 'ConfigMap', 'missing-kind', 'settings'),
    ).toBeDefined();
  });

  it('waits for approval before pruning Prune=confirm resources', async () => {
    const app = application('confirm');
    await deployed(app, [
      configMap('precious', 'confirm', { [OPTIONS]: 'Prune=confirm' }),
    ]);
    const engine = harness.engine();
    const request = await harness.request(app, [], { prune: true });
    let state = await engine.step(request);
    state = await engine.step(request, state);
    expect(state).toMatchObject({
      phase: 'Running',
      message: 'waiting for pruning confirmation of /ConfigMap/precious',
    });
    expect(harness.connection.realWrites()).toEqual([]);

    const approved = application(
      'confirm',
      {},
      {
        annotations: {
          'argocd.argoproj.io/deletion-approved': new Date(
            Date.parse(state.startedAt) + 1_000,
          ).toISOString(),
        },
      },
    );
    state = await engine.step({ ...request, application: approved }, state);
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'delete ConfigMap confirm/precious',
    ]);
  });
});
