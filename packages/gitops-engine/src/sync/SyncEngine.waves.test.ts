import { runSync } from './runSync';
import {
  application,
  configMap,
  deployment,
  REVISION,
  startSyncHarness,
  type SyncHarness,
} from './__testUtils__/syncHarness';

// kube-sim runs in this process with its controllers; a busy machine is slow.
jest.setTimeout(60_000);

const WAVE = 'argocd.argoproj.io/sync-wave';

describe('SyncEngine: phases, waves and order', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      namespaces: ['waves', 'kinds', 'healthy', 'smoke', 'delayed', 'aborted'],
    });
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.connection.writes.length = 0;
    harness.connection.beforeWrite = undefined;
  });

  it('syncs an app of one wave and records each resource', async () => {
    const app = application('smoke');
    const { state } = await harness.sync(app, [
      configMap('settings', 'smoke'),
      deployment('web', 'smoke'),
    ]);
    expect(state).toMatchObject({
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      retryCount: 0,
      syncResult: { revision: REVISION },
    });
    expect(state.finishedAt).toBeDefined();
    expect(state.syncResult!.resources).toEqual([
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'smoke',
        name: 'settings',
        status: 'Synced',
        message: 'configmap/settings serverside-applied',
        hookPhase: 'Running',
        syncPhase: 'Sync',
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'smoke',
        name: 'web',
        status: 'Synced',
        message: 'deployment.apps/web serverside-applied',
        hookPhase: 'Running',
        syncPhase: 'Sync',
        images: ['nginx:1.27'],
      },
    ]);
    // The dry run of every object, then the real applies, as `driftless`, forcing conflicts.
    expect(
      harness.connection.writes.map(
        w => `${w.verb} ${w.name}${w.dryRun ? ' (dry run)' : ''}`,
      ),
    ).toEqual([
      'apply settings (dry run)',
      'apply web (dry run)',
      'apply settings',
      'apply web',
    ]);
    expect(harness.connection.writes[2].options).toEqual({
      fieldManager: 'driftless',
      dryRun: false,
      fieldValidation: 'Strict',
      force: true,
    });
    const live = await harness.live('v1', 'ConfigMap', 'smoke', 'settings');
    expect(live?.metadata.annotations?.['driftless.dev/tracking-id']).toBe(
      'smoke:/ConfigMap:smoke/settings',
    );
  });

  it('applies wave after wave, each after the one before is healthy', async () => {
    const app = application('waves');
    const { state, states } = await harness.sync(app, [
      configMap('late', 'waves', { [WAVE]: '5' }),
      configMap('early', 'waves', { [WAVE]: '-1' }),
      configMap('middle', 'waves'),
      configMap('also-middle', 'waves', { [WAVE]: '0' }),
      configMap('bad-wave-is-zero', 'waves', { [WAVE]: 'two' }),
    ]);
    expect(state.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap waves/early',
      'apply ConfigMap waves/also-middle',
      'apply ConfigMap waves/bad-wave-is-zero',
      'apply ConfigMap waves/middle',
      'apply ConfigMap waves/late',
    ]);
    // Each wave was its own step, reported while the next one waited.
    expect(states.map(s => s.message)).toEqual(
      expect.arrayContaining([
        'waiting for healthy state of /ConfigMap/early',
        'waiting for healthy state of /ConfigMap/also-middle and 2 more resources',
      ]),
    );
    expect(state.syncResult!.resources.map(r => [r.name, r.hookPhase])).toEqual(
      [
        ['early', 'Succeeded'],
        ['also-middle', 'Succeeded'],
        ['bad-wave-is-zero', 'Succeeded'],
        ['middle', 'Succeeded'],
        // The last wave is not waited for, as in Argo CD.
        ['late', 'Running'],
      ],
    );
  });

  it('orders kinds within a wave, and moves namespaces and CRDs before what needs them', async () => {
    const app = application('kinds');
    const widget = (name: string, annotations: Record<string, string>) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name, namespace: 'kinds', annotations },
      spec: { size: 1 },
    });
    const manifests = [
      widget('w-late', {}),
      deployment('web', 'kinds'),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'kinds' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: 'kinds' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'reader',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'runner' }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'kinds' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
      configMap('settings', 'kinds'),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'token', namespace: 'kinds' },
        stringData: { token: 'not-a-real-token' },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'runner', namespace: 'kinds' },
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: {
            kind: 'Widget',
            plural: 'widgets',
            singular: 'widget',
            listKind: 'WidgetList',
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
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          ],
        },
      },
      // Its CRD (wave 0) is moved to wave -2 with it.
      widget('w-early', { [WAVE]: '-2' }),
      // Its namespace (wave 0) is moved to wave -1 with it.
      configMap('inside', 'kinds-extra', { [WAVE]: '-1' }),
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kinds-extra' },
      },
    ];
    const { state } = await harness.sync(app, manifests);
    expect(state.message).toBe('successfully synced (all tasks run)');
    expect(harness.connection.realWrites()).toEqual([
      'apply CustomResourceDefinition widgets.example.com',
      'apply Widget kinds/w-early',
      'apply Namespace kinds-extra',
      'apply ConfigMap kinds-extra/inside',
      'apply ServiceAccount kinds/runner',
      'apply Secret kinds/token',
      'apply ConfigMap kinds/settings',
      'apply Role kinds/reader',
      'apply RoleBinding kinds/reader',
      'apply Service kinds/web',
      'apply Deployment kinds/web',
      'apply Widget kinds/w-late',
    ]);
    // The custom resources were not dry-run: their kind did not exist yet.
    expect(
      harness.connection.writes.filter(w => w.dryRun).map(w => w.kind),
    ).not.toContain('Widget');
    expect(
      await harness.live('example.com/v1', 'Widget', 'kinds', 'w-late'),
    ).toMatchObject({
      spec: { size: 1 },
    });
  });

  it('waits for a Deployment to become healthy before the next wave', async () => {
    const app = application('healthy');
    const deploymentWhenNextWaveStarted: Array<Promise<unknown>> = [];
    harness.connection.beforeWrite = write => {
      if (write.name === 'after' && !write.dryRun)
        deploymentWhenNextWaveStarted.push(
          harness.live('apps/v1', 'Deployment', 'healthy', 'web'),
        );
    };
    const { state, states } = await harness.sync(app, [
      deployment('web', 'healthy', { readyAfterSeconds: 30 }),
      configMap('after', 'healthy', { [WAVE]: '1' }),
    ]);
    expect(state.phase).toBe('Succeeded');
    expect(states.map(s => s.message)).toContain(
      'waiting for healthy state of apps/Deployment/web',
    );
    const [web] = (await Promise.all(deploymentWhenNextWaveStarted)) as any[];
    expect(web.status).toMatchObject({
      readyReplicas: 1,
      availableReplicas: 1,
    });
    expect(state.syncResult!.resources[0]).toMatchObject({
      name: 'web',
      hookPhase: 'Succeeded',
    });
  });

  it('reads health only once the wave delay has passed', async () => {
    let clock = new Date('2030-01-01T00:00:00Z');
    const engine = harness.engine({ waveDelayMs: 2_000, now: () => clock });
    const request = await harness.request(application('delayed'), [
      configMap('first', 'delayed', { [WAVE]: '-1' }),
      configMap('second', 'delayed'),
    ]);
    const applied = await engine.step(request);
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap delayed/first',
    ]);
    expect(applied.progress?.healthCheckNotBefore).toBe(
      '2030-01-01T00:00:02.000Z',
    );
    expect(engine.nextStepDelayMs(applied)).toBe(2_000);

    clock = new Date('2030-01-01T00:00:01.500Z');
    expect(await engine.step(request, applied)).toEqual(applied);
    expect(harness.connection.realWrites()).toHaveLength(1);

    clock = new Date('2030-01-01T00:00:02Z');
    const next = await engine.step(request, applied);
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap delayed/first',
      'apply ConfigMap delayed/second',
    ]);
    expect(next.phase).toBe('Succeeded');
  });

  it('stops between steps when its signal aborts, and resumes from the state it returned', async () => {
    const request = await harness.request(application('aborted'), [
      configMap('first', 'aborted', { [WAVE]: '-1' }),
      configMap('second', 'aborted'),
    ]);
    const abort = new AbortController();
    const stopped = await runSync({
      engine: harness.engine({ waveDelayMs: 60_000 }),
      request,
      stepIntervalMs: 10,
      onStateChange: state => {
        if (state.syncResult?.resources.length) abort.abort();
      },
      signal: abort.signal,
    });
    expect(stopped.phase).toBe('Running');
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap aborted/first',
    ]);

    // A minute later, the wave delay has passed.
    const finished = await runSync({
      engine: harness.engine({ now: () => new Date(Date.now() + 60_000) }),
      request,
      state: JSON.parse(JSON.stringify(stopped)),
      stepIntervalMs: 10,
    });
    expect(finished.phase).toBe('Succeeded');
    expect(harness.connection.realWrites()).toEqual([
      'apply ConfigMap aborted/first',
      'apply ConfigMap aborted/second',
    ]);
  });
});
