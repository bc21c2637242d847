import type { ApplicationSetApplicationStatusView } from '@driftless/backstage-plugin-gitops-common';
import {
  computeRollout,
  maxUpdateOf,
  parseRolloutStrategy,
  stepSelects,
  type RolloutAppState,
  type RolloutInput,
  type RolloutStep,
} from './progressiveSync';

const T0 = '2026-12-20T10:00:00.000Z';
const T1 = '2026-12-20T10:01:00.000Z';
const T2 = '2026-12-20T10:02:00.000Z';
const T3 = '2026-12-20T10:03:00.000Z';

const envSteps: RolloutStep[] = [
  { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] },
  { matchExpressions: [{ key: 'env', operator: 'In', values: ['qa'] }] },
  { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
];

function app(
  name: string,
  state: Partial<RolloutAppState> = {},
): RolloutAppState {
  return {
    name,
    sync: 'OutOfSync',
    health: 'Missing',
    revisions: ['a'.repeat(40)],
    reconciledAt: T1,
    hasError: false,
    specChanged: false,
    ...state,
  };
}

function status(
  application: string,
  value: ApplicationSetApplicationStatusView['status'],
  step: string,
  lastTransitionTime = T0,
): ApplicationSetApplicationStatusView {
  return {
    application,
    status: value,
    message: 'earlier',
    step,
    targetRevisions: ['a'.repeat(40)],
    lastTransitionTime,
  };
}

const desired = [
  { name: 'shop-dev', labels: { env: 'dev' } },
  { name: 'shop-qa', labels: { env: 'qa' } },
  { name: 'shop-prod', labels: { env: 'prod' } },
];

function run(input: Partial<RolloutInput>) {
  return computeRollout({
    steps: envSteps,
    previous: [],
    desired,
    current: desired.map(d => app(d.name)),
    now: T2,
    ...input,
  });
}

const summary = (result: ReturnType<typeof computeRollout>) =>
  Object.fromEntries(
    result.applicationStatus.map(s => [s.application, `${s.step}:${s.status}`]),
  );

describe('computeRollout (RollingSync)', () => {
  it('starts with the first step: new apps wait, step 1 goes Pending and syncs', () => {
    const result = run({});
    expect(summary(result)).toEqual({
      'shop-dev': '1:Pending',
      'shop-qa': '2:Waiting',
      'shop-prod': '3:Waiting',
    });
    expect(result.toSync).toEqual(['shop-dev']);
    expect(result.condition).toEqual({
      status: 'True',
      reason: 'ApplicationSetModified',
      message: 'ApplicationSet is performing rollout of step 1',
    });
    expect(result.changed).toBe(true);
    expect(result.applicationStatus[0]).toMatchObject({
      lastTransitionTime: T2,
      message:
        'Application moved to Pending status, watching for the Application resource to start Progressing',
    });
  });

  it('does not sync a Pending app again once a sync started after it became Pending', () => {
    const result = run({
      previous: [
        status('shop-dev', 'Pending', '1', T1),
        status('shop-qa', 'Waiting', '2'),
        status('shop-prod', 'Waiting', '3'),
      ],
      current: [
        app('shop-dev', {
          reconciledAt: T0,
          operation: {
            phase: 'Running',
            createdAt: '2026-12-20T10:01:00.500Z',
            startedAt: '2026-12-20T10:01:00.500Z',
          },
        }),
        app('shop-qa'),
        app('shop-prod'),
      ],
    });
    expect(summary(result)['shop-dev']).toBe('1:Pending');
    expect(result.toSync).toEqual([]);
  });

  it('moves Pending to Progressing once a sync started after the transition and the app was reconciled since', () => {
    const result = run({
      previous: [status('shop-dev', 'Pending', '1', T1)],
      current: [
        app('shop-dev', {
          reconciledAt: T3,
          sync: 'Synced',
          health: 'Progressing',
          operation: { phase: 'Succeeded', createdAt: T2, startedAt: T2 },
        }),
      ],
      now: T3,
    });
    expect(result.applicationStatus[0]).toMatchObject({
      status: 'Progressing',
      message:
        'Application resource completed a sync successfully, updating status from Pending to Progressing',
      lastTransitionTime: T3,
    });
    expect(result.toSync).toEqual([]);
  });

  it('moves a Pending app whose spec cannot be used to Progressing, so the rollout does not wait on a sync forever', () => {
    const result = run({
      previous: [status('shop-dev', 'Pending', '1', T1)],
      current: [app('shop-dev', { reconciledAt: T2, hasError: true })],
      now: T3,
    });
    expect(result.applicationStatus[0]).toMatchObject({
      status: 'Progressing',
      message:
        'Application resource has error and cannot sync, updating status to Progressing',
    });
  });

  it('opens step 2 only once every app of step 1 is Healthy', () => {
    const previous = [
      status('shop-dev', 'Progressing', '1', T1),
      status('shop-qa', 'Waiting', '2'),
      status('shop-prod', 'Waiting', '3'),
    ];
    const notYet = run({
      previous,
      current: [
        app('shop-dev', { sync: 'Synced', health: 'Progressing' }),
        app('shop-qa'),
        app('shop-prod'),
      ],
    });
    expect(summary(notYet)).toEqual({
      'shop-dev': '1:Progressing',
      'shop-qa': '2:Waiting',
      'shop-prod': '3:Waiting',
    });
    expect(notYet.toSync).toEqual([]);

    const healthy = run({
      previous,
      current: [
        app('shop-dev', { sync: 'Synced', health: 'Healthy' }),
        app('shop-qa'),
        app('shop-prod'),
      ],
    });
    expect(summary(healthy)).toEqual({
      'shop-dev': '1:Healthy',
      'shop-qa': '2:Pending',
      'shop-prod': '3:Waiting',
    });
    expect(healthy.toSync).toEqual(['shop-qa']);
    expect(healthy.condition.message).toBe(
      'ApplicationSet is performing rollout of step 2',
    );
  });

  it('waits for an app of a step that is generated but not created yet', () => {
    const result = run({
      previous: [status('shop-dev', 'Healthy', '1')],
      desired: [...desired, { name: 'shop-dev-2', labels: { env: 'dev' } }],
      current: [
        app('shop-dev', { sync: 'Synced', health: 'Healthy' }),
        app('shop-qa'),
        app('shop-prod'),
      ],
    });
    expect(summary(result)['shop-qa']).toBe('2:Waiting');
    expect(result.toSync).toEqual([]);
  });

  it('marks an app that already runs its target Healthy without syncing it', () => {
    const result = run({
      current: [
        app('shop-dev', { sync: 'Synced', health: 'Healthy' }),
        app('shop-qa', { sync: 'Synced', health: 'Healthy' }),
        app('shop-prod', { sync: 'Synced', health: 'Degraded' }),
      ],
    });
    expect(summary(result)).toEqual({
      'shop-dev': '1:Healthy',
      'shop-qa': '2:Healthy',
      'shop-prod': '3:Progressing',
    });
    expect(result.toSync).toEqual([]);
    expect(result.condition.message).toBe(
      'ApplicationSet is performing rollout of step 3',
    );
  });

  it('sends a Healthy app back to Waiting when its revision or spec changes', () => {
    const previous = [status('shop-dev', 'Healthy', '1')];
    const moved = run({
      previous,
      desired: [desired[0]],
      current: [app('shop-dev', { revisions: ['b'.repeat(40)] })],
    });
    expect(moved.applicationStatus[0]).toMatchObject({
      status: 'Pending',
      targetRevisions: ['b'.repeat(40)],
    });
    expect(moved.toSync).toEqual(['shop-dev']);

    const respecified = computeRollout({
      steps: envSteps,
      previous,
      desired: [desired[0]],
      current: [app('shop-dev', { specChanged: true })],
      now: T2,
    });
    expect(respecified.applicationStatus[0].status).toBe('Pending');
  });

  it('completes when every app is Healthy', () => {
    const result = run({
      previous: desired.map((d, i) => status(d.name, 'Healthy', String(i + 1))),
      current: desired.map(d =>
        app(d.name, { sync: 'Synced', health: 'Healthy' }),
      ),
    });
    expect(result.condition).toEqual({
      status: 'False',
      reason: 'ApplicationSetRolloutComplete',
      message: 'ApplicationSet Rollout has completed',
    });
    expect(result.changed).toBe(false);
  });

  it.each([
    [1, 1],
    [2, 2],
    ['50%', 1],
    ['10%', 1],
    ['0%', 0],
    ['100%', 3],
    [undefined, 3],
  ] as const)(
    'lets maxUpdate %p of a 3-app step sync %p at once',
    (maxUpdate, expected) => {
      const apps = ['a', 'b', 'c'].map(name => ({
        name,
        labels: { env: 'dev' },
      }));
      const result = computeRollout({
        steps: [
          {
            ...envSteps[0],
            ...(maxUpdate !== undefined ? { maxUpdate } : {}),
          },
        ],
        previous: [],
        desired: apps,
        current: apps.map(a => app(a.name)),
        now: T2,
      });
      expect(result.toSync).toHaveLength(expected);
    },
  );

  it('never syncs apps no step selects', () => {
    const result = run({
      desired: [...desired, { name: 'shop-tools', labels: {} }],
      current: [...desired.map(d => app(d.name)), app('shop-tools')],
    });
    expect(summary(result)['shop-tools']).toBe('-1:Waiting');
    expect(result.toSync).toEqual(['shop-dev']);
  });
});

describe('stepSelects', () => {
  it.each([
    [{ env: 'dev' }, 'In', ['dev'], true],
    [{ env: 'qa' }, 'In', ['dev'], false],
    [{}, 'In', ['dev'], false],
    [{ env: 'dev' }, 'NotIn', ['dev'], false],
    [{ env: 'qa' }, 'NotIn', ['dev'], true],
    [{}, 'NotIn', ['dev'], true],
  ] as const)('%o %s %o → %p', (labels, operator, values, expected) => {
    expect(
      stepSelects(
        { matchExpressions: [{ key: 'env', operator, values: [...values] }] },
        labels,
      ),
    ).toBe(expected);
  });

  it('ANDs the expressions of a step', () => {
    const step: RolloutStep = {
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod'] },
        { key: 'region', operator: 'NotIn', values: ['eu'] },
      ],
    };
    expect(stepSelects(step, { env: 'prod', region: 'us' })).toBe(true);
    expect(stepSelects(step, { env: 'prod', region: 'eu' })).toBe(false);
  });
});

describe('maxUpdateOf', () => {
  it('rounds percentages down, at least 1 unless 0%', () => {
    expect(maxUpdateOf('25%', 10)).toBe(2);
    expect(maxUpdateOf('1%', 10)).toBe(1);
    expect(maxUpdateOf('0%', 10)).toBe(0);
    expect(maxUpdateOf(4, 10)).toBe(4);
    expect(maxUpdateOf(undefined, 10)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('parseRolloutStrategy', () => {
  it('reads RollingSync steps', () => {
    expect(
      parseRolloutStrategy({
        type: 'RollingSync',
        rollingSync: {
          steps: [
            {
              matchExpressions: [
                { key: 'env', operator: 'In', values: ['dev'] },
              ],
              maxUpdate: '50%',
            },
            { matchExpressions: [] },
          ],
        },
      }),
    ).toEqual({
      strategy: {
        type: 'RollingSync',
        steps: [
          {
            matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }],
            maxUpdate: '50%',
          },
          { matchExpressions: [] },
        ],
      },
      problems: [],
    });
    expect(parseRolloutStrategy(undefined)).toEqual({ problems: [] });
    expect(parseRolloutStrategy({ type: 'AllAtOnce' }).strategy).toEqual({
      type: 'AllAtOnce',
      steps: [],
    });
  });

  it('names each wrong field', () => {
    expect(
      parseRolloutStrategy({
        type: 'RollingSync',
        rollingSync: {
          steps: [
            {
              matchExpressions: [{ key: 'env', operator: 'Exists' }],
              maxUpdate: '3',
            },
          ],
        },
      }).problems,
    ).toEqual([
      "spec.strategy.rollingSync.steps[0].matchExpressions[0].operator: 'Exists' is not supported; use In or NotIn",
      'spec.strategy.rollingSync.steps[0].maxUpdate: \'3\' must be a whole number of Applications or a percentage such as "25%"',
    ]);
    expect(parseRolloutStrategy({ type: 'Canary' }).problems).toEqual([
      "spec.strategy.type: 'Canary' is unknown; use RollingSync or AllAtOnce",
    ]);
    expect(parseRolloutStrategy({ type: 'RollingSync' }).problems).toEqual([
      'spec.strategy.rollingSync: is required for type RollingSync, with steps',
    ]);
  });
});
