import * as k8s from '@kubernetes/client-node';
import { startWireSim, waitFor, WireSim } from '../../__testUtils__/wire';
import { fixtureCrds } from '../../fixtureCrds';
import { ANALYSIS_RESULT_ANNOTATION } from './analysisRun';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/**
 * Argo Rollouts as the simulated controller runs them, driven the way Argo
 * CD's actions and `kubectl argo rollouts` drive them: status patches for
 * promote, abort, retry and promote-full, a spec patch for restart.
 */
describe('Argo Rollouts controller', () => {
  let wire: WireSim;
  let custom: k8s.CustomObjectsApi;
  const ns = 'shop';

  beforeAll(async () => {
    wire = await startWireSim({ namespaces: [ns] });
    wire.sim.apply(fixtureCrds(['argo-rollouts']));
    custom = wire.kc.makeApiClient(k8s.CustomObjectsApi);
  });

  afterAll(async () => {
    await wire?.stop();
  });

  const apply = (object: any): Promise<any> =>
    wire.objects.patch(
      { ...object, metadata: { namespace: ns, ...object.metadata } },
      undefined,
      undefined,
      'argocd-controller',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  const rollout = (name: string): Promise<any> =>
    custom.getNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'rollouts',
      name,
    });
  const patchStatus = (name: string, status: Record<string, unknown>) =>
    custom.patchNamespacedCustomObjectStatus(
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'rollouts',
        name,
        body: { status },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  const condition = (object: any, type: string) =>
    (object.status?.conditions ?? []).find((c: any) => c.type === type);
  const replicaSetSizes = async (name: string) => {
    const list = await wire.apps.listNamespacedReplicaSet({
      namespace: ns,
      labelSelector: `app=${name}`,
    });
    return Object.fromEntries(
      list.items.map(rs => [
        rs.metadata!.labels!['rollouts-pod-template-hash'],
        rs.spec!.replicas,
      ]),
    );
  };

  const canaryRollout = (name: string, image: string, steps: unknown[]) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
      strategy: { canary: { steps } },
    },
  });
  const STEPS = [
    { setWeight: 20 },
    { pause: {} },
    { setWeight: 60 },
    { pause: { duration: 10 } },
  ];

  async function healthy(name: string, revision: string) {
    return waitFor(async () => {
      const r = await rollout(name);
      return (
        r.status?.phase === 'Healthy' &&
        r.metadata.annotations?.['rollout.argoproj.io/revision'] === revision &&
        r.status.stableRS === r.status.currentPodHash &&
        r
      );
    }, `${name} to be Healthy at revision ${revision}`);
  }

  async function pausedAt(name: string, step: number) {
    return waitFor(async () => {
      const r = await rollout(name);
      return (
        r.status?.phase === 'Paused' &&
        r.status.currentStepIndex === step &&
        r.status.updatedReplicas === 1 &&
        r
      );
    }, `${name} to pause at step ${step}`);
  }

  it('steps a canary through setWeight and pause, waits for promote, then finishes the timed pause', async () => {
    await apply(canaryRollout('cart', 'cart:1', STEPS));
    const first = await healthy('cart', '1');
    expect(first.status).toMatchObject({
      currentStepIndex: 4,
      replicas: 5,
      availableReplicas: 5,
      HPAReplicas: 5,
      selector: 'app=cart',
      observedGeneration: '1',
    });
    expect(condition(first, 'Completed')).toMatchObject({
      status: 'True',
      reason: 'RolloutCompleted',
    });
    expect(condition(first, 'Healthy')).toMatchObject({
      status: 'True',
      reason: 'RolloutHealthy',
    });
    expect(condition(first, 'Available')).toMatchObject({
      status: 'True',
      reason: 'AvailableReason',
      message: 'Rollout has minimum availability',
    });
    const stable = first.status.stableRS;

    await apply(canaryRollout('cart', 'cart:2', STEPS));
    const paused = await pausedAt('cart', 1);
    expect(paused.status).toMatchObject({
      controllerPause: true,
      message: 'CanaryPauseStep',
      stableRS: stable,
      replicas: 5,
      observedGeneration: '2',
    });
    expect(paused.status.pauseConditions).toEqual([
      { reason: 'CanaryPauseStep', startTime: expect.any(String) },
    ]);
    expect(paused.status.currentPodHash).not.toBe(stable);
    expect(condition(paused, 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'RolloutPaused',
      message: 'Rollout is paused',
    });
    expect(condition(paused, 'Paused')).toMatchObject({
      status: 'True',
      reason: 'RolloutPaused',
    });
    expect(await replicaSetSizes('cart')).toEqual({
      [stable]: 4,
      [paused.status.currentPodHash]: 1,
    });

    // Promote, as `kubectl argo rollouts promote` and Argo CD's resume action do.
    await patchStatus('cart', { pauseConditions: null });
    const promoted = await healthy('cart', '2');
    expect(promoted.status.stableRS).toBe(paused.status.currentPodHash);
    expect(promoted.status.currentStepIndex).toBe(4);
    expect(promoted.status.controllerPause).toBeUndefined();
    expect(condition(promoted, 'Paused')).toBeUndefined();
    expect(await replicaSetSizes('cart')).toEqual({
      [stable]: 0,
      [promoted.status.stableRS]: 5,
    });
  });

  it('aborts a canary back to stable, and retries it from the first step', async () => {
    await apply(canaryRollout('checkout', 'checkout:1', STEPS));
    const first = await healthy('checkout', '1');
    await apply(canaryRollout('checkout', 'checkout:2', STEPS));
    const paused = await pausedAt('checkout', 1);

    await patchStatus('checkout', { abort: true });
    const aborted = await waitFor(async () => {
      const r = await rollout('checkout');
      return (
        r.status?.phase === 'Degraded' &&
        r.status.updatedReplicas === undefined &&
        r
      );
    }, 'the abort to scale the canary down');
    expect(aborted.status).toMatchObject({
      abort: true,
      currentStepIndex: 0,
      stableRS: first.status.stableRS,
      message: 'RolloutAborted: Rollout aborted update to revision 2',
    });
    expect(aborted.status.abortedAt).toBeTruthy();
    expect(condition(aborted, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'RolloutAborted',
      message: 'Rollout aborted update to revision 2',
    });
    expect(await replicaSetSizes('checkout')).toEqual({
      [first.status.stableRS]: 5,
      [paused.status.currentPodHash]: 0,
    });

    // Retry, as Argo CD's retry action does: clear abort.
    await patchStatus('checkout', { abort: null });
    const retried = await pausedAt('checkout', 1);
    expect(retried.status.abort).toBeUndefined();
    expect(retried.status.abortedAt).toBeUndefined();
  });

  it('promotes fully past the remaining steps with status.promoteFull', async () => {
    await apply(canaryRollout('search', 'search:1', STEPS));
    await healthy('search', '1');
    await apply(canaryRollout('search', 'search:2', STEPS));
    await pausedAt('search', 1);
    await patchStatus('search', { promoteFull: true });
    const done = await healthy('search', '2');
    expect(done.status.promoteFull).toBeUndefined();
    expect(done.status.currentStepIndex).toBe(4);
  });

  it('aborts when a step analysis fails, and advances when it succeeds (job provider)', async () => {
    await apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: {
        name: 'error-rate',
        annotations: { [ANALYSIS_RESULT_ANNOTATION]: 'Failed' },
      },
      spec: {
        metrics: [
          {
            name: 'error-rate',
            provider: {
              prometheus: {
                address: 'http://prometheus:9090',
                query: 'rate(errors[1m])',
              },
            },
            successCondition: 'result[0] < 0.01',
          },
        ],
      },
    });
    await apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'smoke' },
      spec: {
        metrics: [
          {
            name: 'smoke',
            provider: {
              job: {
                spec: {
                  backoffLimit: 0,
                  template: {
                    spec: {
                      restartPolicy: 'Never',
                      containers: [
                        {
                          name: 'smoke',
                          image: 'curl:8',
                          command: ['curl', 'http://web'],
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
    const analysisSteps = (template: string) => [
      { setWeight: 40 },
      { analysis: { templates: [{ templateName: template }] } },
    ];

    await apply(
      canaryRollout('payments', 'payments:1', analysisSteps('error-rate')),
    );
    await healthy('payments', '1');
    await apply(
      canaryRollout('payments', 'payments:2', analysisSteps('error-rate')),
    );
    const aborted = await waitFor(async () => {
      const r = await rollout('payments');
      return r.status?.phase === 'Degraded' && r;
    }, 'the failed analysis to abort the rollout');
    const runName = aborted.status.canary.currentStepAnalysisRunStatus.name;
    expect(aborted.status.canary.currentStepAnalysisRunStatus).toMatchObject({
      status: 'Failed',
      message:
        'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    });
    expect(aborted.status.message).toBe(
      'RolloutAborted: Rollout aborted update to revision 2: Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    );
    const run: any = await custom.getNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'analysisruns',
      name: runName,
    });
    expect(run.status).toMatchObject({
      phase: 'Failed',
      runSummary: {
        count: 1,
        failed: 1,
        successful: 0,
        inconclusive: 0,
        error: 0,
      },
      metricResults: [
        {
          name: 'error-rate',
          phase: 'Failed',
          count: 1,
          failed: 1,
          measurements: [{ phase: 'Failed', value: '0' }],
        },
      ],
    });
    expect(run.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Rollout',
      name: 'payments',
      controller: true,
    });

    await apply(canaryRollout('ledger', 'ledger:1', analysisSteps('smoke')));
    await healthy('ledger', '1');
    await apply(canaryRollout('ledger', 'ledger:2', analysisSteps('smoke')));
    const passed = await healthy('ledger', '2');
    expect(passed.status.canary.currentStepAnalysisRunStatus).toMatchObject({
      status: 'Successful',
    });
    const jobs = await wire.kc
      .makeApiClient(k8s.BatchV1Api)
      .listNamespacedJob({ namespace: ns });
    const smoke = jobs.items.find(
      job =>
        job.metadata!.annotations?.['analysisrun.argoproj.io/metric-name'] ===
        'smoke',
    );
    expect(smoke?.status?.succeeded).toBe(1);
  });

  it('runs blue-green: preview first, paused until promoted, then active switches and the old side scales down', async () => {
    for (const name of ['store-active', 'store-preview']) {
      await apply({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { selector: { app: 'store' }, ports: [{ port: 80 }] },
      });
    }
    const blueGreen = (image: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'store' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'store' } },
        template: {
          metadata: { labels: { app: 'store' } },
          spec: { containers: [{ name: 'app', image }] },
        },
        strategy: {
          blueGreen: {
            activeService: 'store-active',
            previewService: 'store-preview',
            autoPromotionEnabled: false,
            scaleDownDelaySeconds: 5,
          },
        },
      },
    });
    const selectorOf = async (name: string) =>
      (await wire.core.readNamespacedService({ namespace: ns, name })).spec!
        .selector!['rollouts-pod-template-hash'];

    await apply(blueGreen('store:1'));
    const first = await healthy('store', '1');
    expect(first.status.blueGreen.activeSelector).toBe(first.status.stableRS);
    expect(first.status.selector).toBe(
      `app=store,rollouts-pod-template-hash=${first.status.stableRS}`,
    );
    expect(await selectorOf('store-active')).toBe(first.status.stableRS);

    await apply(blueGreen('store:2'));
    const paused = await waitFor(async () => {
      const r = await rollout('store');
      return r.status?.phase === 'Paused' && r;
    }, 'the blue-green pause');
    const green = paused.status.currentPodHash;
    expect(paused.status.pauseConditions).toEqual([
      { reason: 'BlueGreenPause', startTime: expect.any(String) },
    ]);
    expect(paused.status.blueGreen).toEqual({
      activeSelector: first.status.stableRS,
      previewSelector: green,
    });
    expect(await selectorOf('store-preview')).toBe(green);
    expect(await selectorOf('store-active')).toBe(first.status.stableRS);

    await patchStatus('store', { pauseConditions: null });
    const promoted = await healthy('store', '2');
    expect(promoted.status.blueGreen.activeSelector).toBe(green);
    expect(await selectorOf('store-active')).toBe(green);
    const service = await wire.core.readNamespacedService({
      namespace: ns,
      name: 'store-active',
    });
    expect(
      service.metadata!.annotations![
        'argo-rollouts.argoproj.io/managed-by-rollouts'
      ],
    ).toBe('store');
    await waitFor(
      async () => (await replicaSetSizes('store'))[first.status.stableRS] === 0,
      'the old ReplicaSet to scale down after the delay',
    );
  });

  it('restarts pods for spec.restartAt and records status.restartedAt', async () => {
    await apply(canaryRollout('notify', 'notify:1', []));
    await healthy('notify', '1');
    const before = (
      await wire.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app=notify',
      })
    ).items
      .map(p => p.metadata!.name)
      .sort();
    await new Promise(resolve => setTimeout(resolve, 1100));
    const restartAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await custom.patchNamespacedCustomObject(
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'rollouts',
        name: 'notify',
        body: { spec: { restartAt } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const restarted = await waitFor(async () => {
      const r = await rollout('notify');
      return r.status?.restartedAt === restartAt && r;
    }, 'the restart to finish');
    expect(restarted.status.restartedAt).toBe(restartAt);
    const after = (
      await wire.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app=notify',
      })
    ).items
      .map(p => p.metadata!.name)
      .sort();
    expect(after).toHaveLength(5);
    expect(after.filter(name => before.includes(name))).toEqual([]);
  });
});
