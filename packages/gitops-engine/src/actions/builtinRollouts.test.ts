import type { UnstructuredObject } from '../health/types';
import { DefaultResourceActionRunner } from './runner';
import type { ResourceActionPatch } from './types';

// The Rollout actions Driftless adds to Argo CD's scripts so that they do
// what Argo Rollouts' CLI and dashboard do (`kubectl argo rollouts promote`,
// `promote --full`). Argo CD's own cases are in conformance.test.ts.

const runner = new DefaultResourceActionRunner({
  now: () => new Date('2024-05-01T12:00:00Z'),
});

function canary(
  status: Record<string, unknown>,
  spec = {},
): UnstructuredObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop', generation: 3 },
    spec: {
      replicas: 5,
      strategy: {
        canary: {
          steps: [
            { setWeight: 20 },
            { pause: {} },
            { setWeight: 50 },
            { analysis: { templates: [{ templateName: 'success-rate' }] } },
          ],
        },
      },
      ...spec,
    },
    status: {
      observedGeneration: '3',
      stableRS: 'old',
      currentPodHash: 'new',
      ...status,
    },
  };
}

function blueGreen(status: Record<string, unknown>): UnstructuredObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'catalog', namespace: 'shop', generation: 2 },
    spec: {
      strategy: {
        blueGreen: { activeService: 'catalog', previewService: 'preview' },
      },
    },
    status: { observedGeneration: '2', ...status },
  };
}

async function requests(obj: UnstructuredObject, action: string) {
  const [change] = (await runner.runAction(obj, action, {}))
    .changes as ResourceActionPatch[];
  return change.requests;
}

async function isOffered(obj: UnstructuredObject, action: string) {
  const found = (await runner.discoverActions(obj)).find(
    candidate => candidate.name === action,
  );
  if (!found) throw new Error(`${action} is not offered`);
  return !found.disabled;
}

const PAUSED_AT_STEP = [
  { reason: 'CanaryPauseStep', startTime: '2024-05-01T11:00:00Z' },
];

describe('Rollout promote (Argo Rollouts `kubectl argo rollouts promote`)', () => {
  it('clears the pause conditions of a canary paused at a step, keeping the step', async () => {
    expect(
      await requests(
        canary({ currentStepIndex: 1, pauseConditions: PAUSED_AT_STEP }),
        'promote',
      ),
    ).toEqual([
      {
        subresource: 'status',
        mergePatch: { status: { pauseConditions: null } },
      },
    ]);
  });

  it('moves a canary no pause holds to its next step', async () => {
    expect(await requests(canary({ currentStepIndex: 3 }), 'promote')).toEqual([
      {
        subresource: 'status',
        mergePatch: { status: { currentStepIndex: 4 } },
      },
    ]);
  });

  it('starts from step 0 when the controller has not written currentStepIndex', async () => {
    expect(await requests(canary({}), 'promote')).toEqual([
      {
        subresource: 'status',
        mergePatch: { status: { currentStepIndex: 1 } },
      },
    ]);
  });

  it('accepts an inconclusive step analysis: next step, controller pause lifted', async () => {
    const obj = canary({
      currentStepIndex: 3,
      controllerPause: true,
      pauseConditions: [{ reason: 'AnalysisRunInconclusive' }],
      canary: {
        currentStepAnalysisRunStatus: { name: 'r', status: 'Inconclusive' },
      },
    });
    expect(await requests(obj, 'promote')).toEqual([
      {
        subresource: 'status',
        mergePatch: {
          status: {
            pauseConditions: null,
            controllerPause: false,
            currentStepIndex: 4,
          },
        },
      },
    ]);
  });

  it("lifts a person's pause (spec.paused) and the pause conditions together", async () => {
    const obj = canary(
      { currentStepIndex: 1, pauseConditions: PAUSED_AT_STEP },
      { paused: true },
    );
    expect(await requests(obj, 'promote')).toEqual([
      {
        subresource: 'status',
        mergePatch: { status: { pauseConditions: null } },
      },
      { subresource: 'main', mergePatch: { spec: { paused: false } } },
    ]);
  });

  it('promotes a blue-green Rollout waiting for promotion', async () => {
    const obj = blueGreen({
      stableRS: 'blue',
      currentPodHash: 'green',
      pauseConditions: [{ reason: 'BlueGreenPause' }],
    });
    expect(await isOffered(obj, 'promote')).toBe(true);
    expect(await requests(obj, 'promote')).toEqual([
      {
        subresource: 'status',
        mergePatch: { status: { pauseConditions: null } },
      },
    ]);
  });

  it('is offered while there is something to promote, and not once fully promoted or aborted', async () => {
    expect(await isOffered(canary({ currentStepIndex: 1 }), 'promote')).toBe(
      true,
    );
    expect(
      await isOffered(
        canary({ currentStepIndex: 4, stableRS: 'new' }),
        'promote',
      ),
    ).toBe(false);
    expect(
      await isOffered(canary({ currentStepIndex: 2, abort: true }), 'promote'),
    ).toBe(false);
    expect(
      await isOffered(
        blueGreen({ stableRS: 'blue', currentPodHash: 'blue' }),
        'promote',
      ),
    ).toBe(false);
    expect(
      await isOffered(
        { ...canary({}), status: undefined } as UnstructuredObject,
        'promote',
      ),
    ).toBe(false);
  });
});

describe('Rollout promote-full (Argo Rollouts `promote --full`)', () => {
  it("sets status.promoteFull and lifts a person's pause", async () => {
    const obj = canary({ currentStepIndex: 1 }, { paused: true });
    expect(await requests(obj, 'promote-full')).toEqual([
      { subresource: 'status', mergePatch: { status: { promoteFull: true } } },
      { subresource: 'main', mergePatch: { spec: { paused: false } } },
    ]);
  });

  it('leaves spec alone when no person paused the Rollout', async () => {
    expect(
      await requests(canary({ currentStepIndex: 1 }), 'promote-full'),
    ).toEqual([
      { subresource: 'status', mergePatch: { status: { promoteFull: true } } },
    ]);
  });
});
