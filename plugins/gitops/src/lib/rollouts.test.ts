import {
  BLUE_HASH,
  CANARY_HASH,
  GREEN_HASH,
  OLD_HASH,
  STABLE_HASH,
  blueGreenAwaiting,
  blueGreenPromoted,
  blueGreenRollout,
  blueGreenTree,
  canaryAborted,
  canaryAnalysing,
  canaryHealthy,
  canaryPausedAtStep2,
  canaryRollout,
  canaryTimedPause,
  canaryTree,
  failedAnalysisRun,
  managedRollout,
  stepAnalysisRun,
} from '../__testUtils__/rolloutFixtures';
import {
  analysisRunRefsOf,
  describeRolloutAction,
  disabledActionReason,
  formatSeconds,
  liveRollouts,
  parseRolloutDuration,
  secondsUntil,
  toAnalysisRunModel,
  toRolloutModel,
} from './rollouts';

describe('durations', () => {
  it.each([
    [30, 30],
    ['30', 30],
    ['10m', 600],
    ['1h30m', 5400],
    ['1.5s', 1.5],
    ['500ms', 0.5],
  ])('reads %p as %p seconds', (value, seconds) => {
    expect(parseRolloutDuration(value)).toBe(seconds);
  });

  it.each([[''], ['ten minutes'], ['10x'], ['5m junk'], [undefined], [{}]])(
    'cannot read %p',
    value => {
      expect(parseRolloutDuration(value)).toBeUndefined();
    },
  );

  it('formats seconds the way Rollouts writes durations', () => {
    expect(formatSeconds(600)).toBe('10m');
    expect(formatSeconds(5400)).toBe('1h30m');
    expect(formatSeconds(45)).toBe('45s');
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(-5)).toBe('0s');
  });

  it('counts the seconds left, never below zero', () => {
    const now = new Date('2026-11-23T10:04:00Z');
    expect(secondsUntil('2026-11-23T10:10:00Z', now)).toBe(360);
    expect(secondsUntil('2026-11-23T10:00:00Z', now)).toBe(0);
  });
});

describe('canary steps and weights', () => {
  it('marks steps done, current and pending, with setWeight values and the current pause holding', () => {
    const model = toRolloutModel(canaryPausedAtStep2);
    const canary = model.canary!;
    expect(model.strategy).toBe('canary');
    expect(canary.currentStepIndex).toBe(1);
    expect(canary.steps.map(s => [s.label, s.state])).toEqual([
      ['Set weight 20%', 'done'],
      ['Pause until promoted', 'current'],
      ['Set weight 50%', 'pending'],
      ['Analysis: shop-checkout-success-rate', 'pending'],
      ['Set weight 80%', 'pending'],
      ['Pause 10m', 'pending'],
    ]);
    expect(canary.steps[1].holding).toBe(true);
    expect(canary.steps[1].pauseEndsAt).toBeUndefined();
    expect(canary.setWeight).toBe(20);
    expect(model.pauseReasons).toEqual(['CanaryPauseStep']);
    expect(model.phase).toBe('Paused');
  });

  it('takes the last setWeight at or before the current step', () => {
    expect(toRolloutModel(canaryAnalysing).canary!.setWeight).toBe(50);
    expect(
      toRolloutModel(canaryRollout({ currentStepIndex: 2 })).canary!.setWeight,
    ).toBe(50);
    expect(
      toRolloutModel(canaryRollout({ currentStepIndex: 0 })).canary!.setWeight,
    ).toBe(20);
  });

  it('reads an unset currentStepIndex as 0, as the Rollouts controller does', () => {
    const model = toRolloutModel(canaryRollout({}));
    expect(model.canary!.currentStepIndex).toBe(0);
    expect(model.canary!.complete).toBe(false);
    expect(model.canary!.steps[0].state).toBe('current');
  });

  it('is complete, at the maximum weight, past the last step', () => {
    const canary = toRolloutModel(canaryHealthy).canary!;
    expect(canary.complete).toBe(true);
    expect(canary.steps.every(step => step.state === 'done')).toBe(true);
    expect(canary.setWeight).toBe(100);
    expect(canary.actualWeight).toBe(100);
  });

  it('sets weight 0 once aborted', () => {
    const model = toRolloutModel(canaryAborted, { tree: canaryTree });
    expect(model.aborted).toBe(true);
    expect(model.canary!.setWeight).toBe(0);
    expect(model.phase).toBe('Degraded');
  });

  it("computes the actual weight from the canary's available pods without a traffic router", () => {
    // 2 of 3 canary pods ready, 8 available in all: 25%.
    const canary = toRolloutModel(canaryAnalysing, { tree: canaryTree })
      .canary!;
    expect(canary.trafficRouting).toBe(false);
    expect(canary.actualWeight).toBe(25);
  });

  it('takes the weight the traffic router reports when there is one', () => {
    const rollout = canaryRollout(
      {
        currentStepIndex: 2,
        canary: {
          weights: {
            canary: { weight: 40, podTemplateHash: CANARY_HASH },
            stable: { weight: 60, podTemplateHash: STABLE_HASH },
          },
        },
      },
      {
        strategy: {
          canary: {
            steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }],
            stableService: 'checkout-stable',
            canaryService: 'checkout-canary',
            trafficRouting: { nginx: { stableIngress: 'checkout' } },
          },
        },
      },
    );
    const canary = toRolloutModel(rollout).canary!;
    expect(canary.trafficRouting).toBe(true);
    expect(canary.setWeight).toBe(50);
    expect(canary.actualWeight).toBe(40);
    expect(canary.stableService).toBe('checkout-stable');
    expect(canary.canaryService).toBe('checkout-canary');
  });

  it('gives the end of a running timed pause from its pause condition', () => {
    const step = toRolloutModel(canaryTimedPause).canary!.steps[5];
    expect(step.state).toBe('current');
    expect(step.pauseSeconds).toBe(600);
    expect(step.holding).toBe(true);
    expect(step.pauseEndsAt).toBe('2026-11-23T10:10:00.000Z');
    expect(
      secondsUntil(step.pauseEndsAt!, new Date('2026-11-23T10:07:30Z')),
    ).toBe(150);
  });

  it('gives no end for a timed pause step the controller has not paused on yet', () => {
    const rollout = canaryRollout({ currentStepIndex: 5 });
    const step = toRolloutModel(rollout).canary!.steps[5];
    expect(step.holding).toBeUndefined();
    expect(step.pauseEndsAt).toBeUndefined();
  });
});

describe('analysis', () => {
  it("reads each metric's measurements and verdict", () => {
    const run = toAnalysisRunModel(stepAnalysisRun);
    expect(run).toMatchObject({
      name: `shop-checkout-${CANARY_HASH}-2-3`,
      phase: 'Running',
      kind: 'Step',
      stepIndex: 3,
      podTemplateHash: CANARY_HASH,
      revision: '2',
    });
    expect(run.metrics).toEqual([
      {
        name: 'success-rate',
        phase: 'Running',
        successCondition: 'result[0] >= 0.99',
        count: 3,
        failureLimit: 1,
        provider: 'prometheus',
        taken: 2,
        successful: 1,
        failed: 0,
        inconclusive: 0,
        errors: 0,
        measurements: [
          {
            phase: 'Successful',
            value: '[0.996]',
            startedAt: '2026-11-23T10:10:00Z',
            finishedAt: '2026-11-23T10:10:01Z',
          },
          { phase: 'Running', startedAt: '2026-11-23T10:10:06Z' },
        ],
      },
    ]);
  });

  it('gives a failed run its message and failed measurement', () => {
    const run = toAnalysisRunModel(failedAnalysisRun);
    expect(run.phase).toBe('Failed');
    expect(run.message).toMatch(/failureLimit/);
    expect(run.metrics[0]).toMatchObject({ phase: 'Failed', failed: 1 });
    expect(run.metrics[0].measurements[0].value).toBe('[0.912]');
  });

  it('reads an unknown phase as Pending and a run without status as Pending', () => {
    expect(
      toAnalysisRunModel({
        metadata: { name: 'x' },
        status: { phase: 'Weird' },
      }).phase,
    ).toBe('Pending');
    const fresh = toAnalysisRunModel({
      metadata: { name: 'x' },
      spec: { metrics: [{ name: 'm' }] },
    });
    expect(fresh.phase).toBe('Pending');
    expect(fresh.metrics[0]).toMatchObject({ phase: 'Pending', taken: 0 });
  });

  it('puts the live AnalysisRun on its step, or the status summary when it is not loaded', () => {
    const withRun = toRolloutModel(canaryAnalysing, {
      tree: canaryTree,
      analysisRuns: [stepAnalysisRun],
    });
    const step = withRun.canary!.steps[3];
    expect(step.state).toBe('current');
    expect(step.analysisRun).toMatchObject({
      name: `shop-checkout-${CANARY_HASH}-2-3`,
      metrics: [expect.objectContaining({ name: 'success-rate' })],
    });
    expect(withRun.analysisRuns).toHaveLength(1);

    const summaryOnly = toRolloutModel(canaryAnalysing);
    expect(summaryOnly.canary!.steps[3].analysisRun).toEqual({
      name: `shop-checkout-${CANARY_HASH}-2-3`,
      phase: 'Running',
    });
    expect(summaryOnly.analysisRuns).toEqual([
      { name: `shop-checkout-${CANARY_HASH}-2-3`, phase: 'Running' },
    ]);
  });

  it("ignores an earlier version's run of the same step", () => {
    const older = {
      ...stepAnalysisRun,
      metadata: {
        ...stepAnalysisRun.metadata,
        name: 'shop-checkout-old-1-3',
        labels: {
          ...stepAnalysisRun.metadata.labels,
          'rollouts-pod-template-hash': OLD_HASH,
        },
      },
    };
    const model = toRolloutModel(canaryRollout({ currentStepIndex: 4 }), {
      analysisRuns: [older],
    });
    expect(model.canary!.steps[3].analysisRun).toBeUndefined();
    expect(model.analysisRuns.map(run => run.name)).toEqual([
      'shop-checkout-old-1-3',
    ]);
  });

  it("finds only the Rollout's own AnalysisRuns in the tree", () => {
    expect(analysisRunRefsOf(canaryAnalysing, canaryTree)).toEqual([
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'AnalysisRun',
        namespace: 'shop-checkout',
        name: `shop-checkout-${CANARY_HASH}-2-3`,
      },
    ]);
  });
});

describe('revisions', () => {
  it('lists stable and canary first, then older ones newest first, with pods and revision numbers', () => {
    const { revisions } = toRolloutModel(canaryAnalysing, { tree: canaryTree });
    expect(
      revisions.map(r => [
        r.podTemplateHash,
        r.revision,
        r.roles,
        `${r.podsReady}/${r.podsTotal}`,
      ]),
    ).toEqual([
      [CANARY_HASH, 2, ['canary'], '2/3'],
      [STABLE_HASH, 1, ['stable'], '5/5'],
      [OLD_HASH, 0, [], '0/0'],
    ]);
    expect(revisions[0].images).toEqual([
      'ghcr.io/driftless-demo/shop-checkout:3.3.0',
    ]);
  });

  it('has no revisions without a tree', () => {
    expect(toRolloutModel(canaryAnalysing).revisions).toEqual([]);
  });
});

describe('blue-green', () => {
  it('waits for promotion with the new version behind the preview Service', () => {
    const model = toRolloutModel(blueGreenAwaiting, { tree: blueGreenTree });
    expect(model.strategy).toBe('blueGreen');
    expect(model.blueGreen).toEqual({
      activeService: 'shop-catalog',
      previewService: 'shop-catalog-preview',
      activeHash: BLUE_HASH,
      previewHash: GREEN_HASH,
      promotion: 'awaiting-promotion',
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 120,
      previewReplicaCount: 1,
    });
    expect(model.revisions.map(r => [r.podTemplateHash, r.roles])).toEqual([
      [GREEN_HASH, ['preview']],
      [BLUE_HASH, ['stable', 'active']],
    ]);
  });

  it('gives the auto-promotion time when it is on', () => {
    const rollout = blueGreenRollout(
      {},
      { autoPromotionEnabled: true, autoPromotionSeconds: 300 },
    );
    expect(toRolloutModel(rollout).blueGreen).toMatchObject({
      promotion: 'awaiting-promotion',
      autoPromoteAt: '2026-11-23T10:05:00.000Z',
    });
  });

  it('is promoted once the active Service selects the current version', () => {
    const model = toRolloutModel(blueGreenPromoted, { tree: blueGreenTree });
    expect(model.blueGreen!.promotion).toBe('promoted');
    expect(model.fullyPromoted).toBe(true);
    expect(model.revisions[0].roles).toEqual(['stable', 'active']);
    expect(model.blueGreen!.scaleDownDelaySeconds).toBe(120);
  });

  it('tells pre- and post-promotion analysis and a starting preview apart', () => {
    const pre = blueGreenRollout({
      pauseConditions: undefined,
      blueGreen: {
        activeSelector: BLUE_HASH,
        previewSelector: GREEN_HASH,
        prePromotionAnalysisRunStatus: { name: 'pre', status: 'Running' },
      },
    });
    expect(toRolloutModel(pre).blueGreen!.promotion).toBe(
      'pre-promotion-analysis',
    );
    const post = blueGreenRollout({
      pauseConditions: undefined,
      blueGreen: {
        activeSelector: GREEN_HASH,
        previewSelector: GREEN_HASH,
        postPromotionAnalysisRunStatus: { name: 'post', status: 'Running' },
      },
    });
    expect(toRolloutModel(post).blueGreen!.promotion).toBe(
      'post-promotion-analysis',
    );
    const starting = blueGreenRollout({
      pauseConditions: undefined,
      blueGreen: { activeSelector: BLUE_HASH, previewSelector: BLUE_HASH },
    });
    expect(toRolloutModel(starting).blueGreen!.promotion).toBe('progressing');
    expect(
      toRolloutModel(blueGreenRollout({ abort: true })).blueGreen!.promotion,
    ).toBe('aborted');
  });

  it('defaults the scale-down delay to 30 seconds', () => {
    const rollout = blueGreenRollout({}, { scaleDownDelaySeconds: undefined });
    expect(toRolloutModel(rollout).blueGreen!.scaleDownDelaySeconds).toBe(30);
  });
});

describe('reading managed resources', () => {
  it('takes the live Rollouts only', () => {
    const resources = [
      managedRollout(canaryPausedAtStep2),
      { group: 'argoproj.io', kind: 'Rollout', name: 'not-yet-created' },
      { group: 'apps', kind: 'Deployment', name: 'web', liveState: '{}' },
      { group: 'argoproj.io', kind: 'Rollout', name: 'bad', liveState: '{' },
    ];
    expect(liveRollouts(resources).map(r => r.metadata.name)).toEqual([
      'shop-checkout',
    ]);
  });
});

describe('action descriptions', () => {
  it('names the pause ended and the next step for a promote', () => {
    expect(
      describeRolloutAction('promote', toRolloutModel(canaryPausedAtStep2)),
    ).toBe(
      'Ends the pause of shop-checkout at step 2 of 6 (Pause until promoted); the rollout goes on with step 3 of 6 (Set weight 50%).',
    );
  });

  it('says a promote during an analysis skips it', () => {
    expect(
      describeRolloutAction('promote', toRolloutModel(canaryAnalysing)),
    ).toMatch(
      /^Skips step 4 of 6 \(Analysis: shop-checkout-success-rate\) of shop-checkout and goes on with step 5 of 6 \(Set weight 80%\), without waiting for the analysis\.$/,
    );
  });

  it('names the Services and the scale-down delay for a blue-green promote', () => {
    expect(
      describeRolloutAction('promote', toRolloutModel(blueGreenAwaiting)),
    ).toBe(
      'Switches the active Service shop-catalog to revision 3 (ghcr.io/driftless-demo/shop-catalog:5.1.0), now behind shop-catalog-preview. The old version keeps running for 2m, then scales down.',
    );
  });

  it('names the stable version an abort returns to', () => {
    expect(
      describeRolloutAction('abort', toRolloutModel(canaryAnalysing)),
    ).toContain(
      `sends all traffic back to the stable version (${STABLE_HASH})`,
    );
  });

  it('explains disabled actions in the Rollout’s terms', () => {
    expect(disabledActionReason('retry', toRolloutModel(canaryAnalysing))).toBe(
      'Only an aborted rollout can be retried',
    );
    expect(disabledActionReason('promote', toRolloutModel(canaryAborted))).toBe(
      'The rollout was aborted: retry it first',
    );
    expect(
      disabledActionReason(
        'promote',
        toRolloutModel({ metadata: { name: 'x' }, spec: {} }),
      ),
    ).toMatch(/has not reported/);
  });
});
