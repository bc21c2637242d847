import { ClusterCache } from '../cache/ClusterCache';
import { eventually } from '../cluster/__testUtils__/testCluster';
import type { KubernetesObject } from '../render/types';
import {
  application,
  configMap,
  job,
  REVISION,
  startSyncHarness,
  type SyncHarness,
} from './__testUtils__/syncHarness';
import { runSync } from './runSync';
import { SyncEngine } from './SyncEngine';
import type { SyncOperationState } from './types';

// kube-sim runs in this process with its controllers; a busy machine is slow.
jest.setTimeout(60_000);

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

/** The suffix Argo CD gives a generateName hook: revision, phase, start time. */
function hookSuffix(state: SyncOperationState, phase: string): string {
  return `${REVISION.slice(0, 7)}-${phase.toLowerCase()}-${Math.floor(
    Date.parse(state.startedAt) / 1000,
  )}`;
}

describe('SyncEngine: hooks', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      namespaces: [
        'hooks',
        'failing',
        'policies',
        'recreate',
        'resume',
        'crash',
        'stop',
      ],
    });
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.connection.writes.length = 0;
    harness.connection.beforeWrite = undefined;
  });

  const jobs = async (namespace: string) =>
    (await harness.list('batch/v1', 'Job', namespace)).filter(
      j => !j.metadata.deletionTimestamp,
    );

  it('runs PreSync, Sync and PostSync hooks in order, each after the one before completed', async () => {
    const app = application('hooks');
    const preSyncStatusAtSync: Array<Promise<KubernetesObject[]>> = [];
    harness.connection.beforeWrite = write => {
      if (write.name === 'settings' && !write.dryRun)
        preSyncStatusAtSync.push(jobs('hooks'));
    };
    const { state } = await harness.sync(app, [
      job({
        generateName: 'migrate-',
        namespace: 'hooks',
        annotations: { [HOOK]: 'PreSync' },
      }),
      configMap('settings', 'hooks'),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'smoke-test',
          namespace: 'hooks',
          annotations: {
            [HOOK]: 'Sync',
            'kube-sim.driftless.dev/exit-code': '0',
            'kube-sim.driftless.dev/run-ms': '30',
          },
        },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'check', image: 'busybox:1.36' }],
        },
      },
      // Helm's post-install is Argo CD's PostSync.
      job({
        name: 'notify',
        namespace: 'hooks',
        annotations: { 'helm.sh/hook': 'post-install' },
      }),
      configMap('not-synced', 'hooks', { [HOOK]: 'Skip' }),
    ]);
    expect(state.phase).toBe('Succeeded');
    const migrate = `migrate-${hookSuffix(state, 'PreSync')}`;
    expect(
      harness.connection.realWrites().filter(w => w.startsWith('apply')),
    ).toEqual([
      `apply Job hooks/${migrate}`,
      'apply ConfigMap hooks/settings',
      'apply Pod hooks/smoke-test',
      'apply Job hooks/notify',
    ]);
    const [atSync] = await Promise.all(preSyncStatusAtSync);
    expect(atSync.find(j => j.metadata.name === migrate)?.status).toMatchObject(
      {
        succeeded: 1,
      },
    );
    expect(
      state.syncResult!.resources.map(r => [
        r.kind,
        r.name,
        r.hookType,
        r.hookPhase,
        r.syncPhase,
      ]),
    ).toEqual([
      ['Job', migrate, 'PreSync', 'Succeeded', 'PreSync'],
      ['ConfigMap', 'settings', undefined, 'Succeeded', 'Sync'],
      ['Pod', 'smoke-test', 'Sync', 'Succeeded', 'Sync'],
      ['Job', 'notify', 'PostSync', 'Succeeded', 'PostSync'],
    ]);
    expect(state.message).toBe('successfully synced (no more tasks)');
    const live = await harness.live('batch/v1', 'Job', 'hooks', migrate);
    // Tracked under its generated name; the hook finalizer is gone once it completed.
    expect(live?.metadata.annotations?.['driftless.dev/tracking-id']).toBe(
      `hooks:batch/Job:hooks/${migrate}`,
    );
    expect(live?.metadata.finalizers ?? []).not.toContain(HOOK_FINALIZER);
    expect(
      await harness.live('v1', 'ConfigMap', 'hooks', 'not-synced'),
    ).toBeUndefined();
  });

  it('fails the sync when a PreSync hook fails, and runs the SyncFail hooks', async () => {
    const app = application('failing');
    const { state } = await harness.sync(app, [
      job(
        {
          name: 'check',
          namespace: 'failing',
          annotations: { [HOOK]: 'PreSync' },
        },
        { exitCode: 3 },
      ),
      configMap('settings', 'failing'),
      job({
        name: 'page-someone',
        namespace: 'failing',
        annotations: { [HOOK]: 'SyncFail' },
      }),
    ]);
    expect(state.phase).toBe('Failed');
    expect(state.message).toMatch(
      /^one or more synchronization tasks completed unsuccessfully, reason: Job failing\/check: .+/,
    );
    expect(harness.connection.realWrites()).not.toContain(
      'apply ConfigMap failing/settings',
    );
    expect(
      state.syncResult!.resources.map(r => [
        r.name,
        r.status,
        r.hookPhase,
        r.syncPhase,
      ]),
    ).toEqual([
      ['check', 'Synced', 'Failed', 'PreSync'],
      ['page-someone', 'Synced', 'Succeeded', 'SyncFail'],
    ]);
    expect(
      await harness.live('batch/v1', 'Job', 'failing', 'page-someone'),
    ).toMatchObject({
      status: { succeeded: 1 },
    });
  });

  it('deletes hooks by their delete policies when the operation ends', async () => {
    const app = application('policies');
    const hooks = (exitCode: number) => [
      job({
        name: 'on-success',
        namespace: 'policies',
        annotations: { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' },
      }),
      job({
        name: 'on-failure',
        namespace: 'policies',
        annotations: { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookFailed' },
      }),
      job({
        name: 'helm-on-success',
        namespace: 'policies',
        annotations: {
          'helm.sh/hook': 'pre-upgrade',
          'helm.sh/hook-delete-policy': 'hook-succeeded',
        },
      }),
      job(
        {
          name: 'verdict',
          namespace: 'policies',
          annotations: {
            [HOOK]: 'PostSync',
            [DELETE_POLICY]: 'HookSucceeded,HookFailed',
          },
        },
        { exitCode },
      ),
    ];
    const succeeded = await harness.sync(app, hooks(0));
    expect(succeeded.state.phase).toBe('Succeeded');
    await eventually(
      async () =>
        (await jobs('policies')).map(j => j.metadata.name).join() ===
        'on-failure',
      'only the HookFailed job to remain after a successful sync',
    );

    const failed = await harness.sync(app, hooks(1));
    expect(failed.state.phase).toBe('Failed');
    await eventually(
      async () =>
        (
          await jobs('policies')
        )
          .map(j => j.metadata.name)
          .sort()
          .join() === 'helm-on-success,on-success',
      'only the HookSucceeded jobs to remain after a failed sync',
    );
  });

  it('deletes the previous hook before creating it again (BeforeHookCreation, the default)', async () => {
    const app = application('recreate');
    const manifests = [
      job({
        name: 'migrate',
        namespace: 'recreate',
        annotations: { [HOOK]: 'PreSync' },
      }),
    ];
    await harness.sync(app, manifests);
    const first = await harness.live('batch/v1', 'Job', 'recreate', 'migrate');
    harness.connection.writes.length = 0;
    const { state, states } = await harness.sync(app, manifests);
    expect(state.phase).toBe('Succeeded');
    expect(states.map(s => s.message)).toContain(
      'waiting for deletion of hook batch/Job/migrate',
    );
    // (The delete may be sent again while the cache has not seen it yet.)
    expect(
      harness.connection.realWrites().filter((w, i, all) => w !== all[i - 1]),
    ).toEqual([
      'delete Job recreate/migrate',
      'apply Job recreate/migrate',
      'patch Job recreate/migrate',
    ]);
    const second = await harness.live('batch/v1', 'Job', 'recreate', 'migrate');
    expect(second?.metadata.uid).not.toBe(first?.metadata.uid);
    expect((await jobs('recreate')).map(j => j.metadata.name)).toEqual([
      'migrate',
    ]);
  });

  it('resumes from a persisted state with a new engine, and creates a generateName hook only once', async () => {
    const app = application('resume');
    const manifests = [
      job(
        {
          generateName: 'migrate-',
          namespace: 'resume',
          annotations: { [HOOK]: 'PreSync' },
        },
        { runMs: 300 },
      ),
      configMap('settings', 'resume'),
    ];
    const request = await harness.request(app, manifests);
    const engine = harness.engine();
    let state = engine.initialState(request.operation);
    // Steps until the hook runs; each state is "persisted" as JSON.
    let persisted = JSON.stringify(state);
    while (!state.syncResult?.resources.some(r => r.hookPhase === 'Running')) {
      state = await engine.step(request, state);
      persisted = JSON.stringify(state);
    }
    // The process stops. A new one, with a new cache and engine, resumes.
    const cache = new ClusterCache({
      connection: harness.connection,
      tracking: harness.tracking,
    });
    try {
      const resumed = await runSync({
        engine: new SyncEngine({
          connection: harness.connection,
          health: harness.health,
          tracking: harness.tracking,
          waveDelayMs: 20,
        }),
        request: { ...request, live: cache },
        state: JSON.parse(persisted),
        stepIntervalMs: 10,
      });
      expect(resumed.phase).toBe('Succeeded');
      expect(resumed.startedAt).toBe(state.startedAt);
    } finally {
      cache.stop();
    }
    expect((await jobs('resume')).map(j => j.metadata.name)).toEqual([
      `migrate-${hookSuffix(state, 'PreSync')}`,
    ]);
    expect(
      harness.connection.realWrites().filter(w => w.startsWith('apply Job')),
    ).toHaveLength(1);
  });

  it('follows a hook created by a step whose state was never saved, instead of creating it again', async () => {
    const app = application('crash');
    const manifests = [
      job(
        {
          generateName: 'migrate-',
          namespace: 'crash',
          annotations: { [HOOK]: 'PreSync' },
        },
        { runMs: 200 },
      ),
      configMap('settings', 'crash'),
    ];
    const request = await harness.request(app, manifests);
    const saved = JSON.stringify(
      harness.engine().initialState(request.operation),
    );
    // This step creates the hook, but the process stops before its state is saved.
    const lost = await harness.engine().step(request, JSON.parse(saved));
    expect(lost.syncResult!.resources).toHaveLength(1);
    const created = (await jobs('crash'))[0];

    const resumed = await runSync({
      engine: harness.engine(),
      request,
      state: JSON.parse(saved),
      stepIntervalMs: 10,
    });
    expect(resumed.phase).toBe('Succeeded');
    const remaining = await jobs('crash');
    expect(remaining.map(j => j.metadata.uid)).toEqual([created.metadata.uid]);
    expect(
      harness.connection.realWrites().filter(w => w.startsWith('apply Job')),
    ).toHaveLength(1);
    expect(harness.connection.realWrites()).not.toContain(
      `delete Job crash/${created.metadata.name}`,
    );
  });

  it('terminates a running operation: deletes the running hook and fails', async () => {
    const app = application('stop');
    let sawRunningHook = false;
    const { state } = await harness.sync(
      app,
      [
        job(
          {
            name: 'slow',
            namespace: 'stop',
            annotations: { [HOOK]: 'PreSync' },
          },
          { runMs: 30_000 },
        ),
        configMap('settings', 'stop'),
      ],
      {
        run: {
          onStateChange: next => {
            if (
              next.syncResult?.resources.some(
                r => r.name === 'slow' && r.hookPhase === 'Running',
              )
            )
              sawRunningHook = true;
          },
          shouldTerminate: () => sawRunningHook,
        },
      },
    );
    expect(state).toMatchObject({
      phase: 'Failed',
      message: 'Operation terminated',
    });
    expect(state.syncResult!.resources).toEqual([
      expect.objectContaining({
        name: 'slow',
        hookPhase: 'Failed',
        message: 'Terminated',
      }),
    ]);
    await eventually(
      async () => (await jobs('stop')).length === 0,
      'the running hook to be deleted',
    );
    expect(harness.connection.realWrites()).not.toContain(
      'apply ConfigMap stop/settings',
    );
  });
});
