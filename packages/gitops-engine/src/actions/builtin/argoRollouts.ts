import { getField, isRecord } from '../../health/objectFields';
import { isLuaTruthy, luaOr, luaToNumber } from '../../health/lua/luaValues';
import type { UnstructuredObject } from '../../health/types';
import type { ResourceAction } from '../types';
import {
  BuiltinActionRefusal,
  BuiltinKindActions,
  requireObject,
  restartTimestamp,
} from './builtinAction';

// Argo Rollouts' Rollout and AnalysisRun actions. Argo CD ships them as Lua
// (resource_customizations/argoproj.io/{Rollout,AnalysisRun}/actions); this is
// our own TypeScript that offers, disables and changes what those scripts
// do, field values read loosely as Lua reads them. Two additions make the
// actions those of Argo Rollouts (its CLI and dashboard): `promote`, and
// `promote-full` lifting `spec.paused`. Where a script
// would fail on an object (no status yet), the action is refused with the
// reason. The Rollouts controller acts on `status.abort`,
// `status.promoteFull`, `status.pauseConditions` and
// `status.currentStepIndex`, so most of these changes go to the status
// subresource.

const NO_STATUS =
  'the Argo Rollouts controller has not reported on this Rollout yet';

function rolloutStatus(
  obj: UnstructuredObject,
): Record<string, unknown> | undefined {
  const status = getField(obj, ['status']);
  return isRecord(status) ? status : undefined;
}

/** Whether a pause holds the Rollout: its pause conditions, or before Rollouts v0.6 `spec.paused`. */
function isPaused(obj: UnstructuredObject): boolean {
  const pauseConditions = getField(obj, ['status', 'pauseConditions']);
  if (rolloutStatus(obj) && pauseConditions !== undefined)
    return Array.isArray(pauseConditions) && pauseConditions.length > 0;
  return isLuaTruthy(getField(obj, ['spec', 'paused']));
}

/** The stable ReplicaSet runs the current pod template: nothing left to promote, abort or retry. */
function isFullyPromoted(obj: UnstructuredObject): boolean {
  return (
    getField(obj, ['status', 'currentPodHash']) ===
    getField(obj, ['status', 'stableRS'])
  );
}

/**
 * Rollouts up to v0.9 wrote a hash into `status.observedGeneration`, which
 * reads as no number, or as one above the generation; v0.10 introduced
 * `status.promoteFull`.
 */
function isBeforeRolloutsV010(obj: UnstructuredObject): boolean {
  const observed = luaToNumber(getField(obj, ['status', 'observedGeneration']));
  const generation =
    luaToNumber(getField(obj, ['metadata', 'generation'])) ?? 0;
  return observed === undefined || observed > generation;
}

function canarySteps(obj: UnstructuredObject): unknown[] | undefined {
  const steps = getField(obj, ['spec', 'strategy', 'canary', 'steps']);
  if (steps === undefined) return undefined;
  // Lua's table.getn of a map is 0.
  return Array.isArray(steps) ? steps : [];
}

/**
 * Whether `kubectl argo rollouts promote` would move the Rollout on: it is
 * paused (by a step, a blue-green pre-promotion or a person), or a canary
 * has steps left. An aborted Rollout is retried, not promoted.
 */
function canPromote(obj: UnstructuredObject): boolean {
  const status = rolloutStatus(obj);
  if (!status || isLuaTruthy(status.abort)) return false;
  if (isPaused(obj) || isLuaTruthy(getField(obj, ['spec', 'paused'])))
    return true;
  const steps = canarySteps(obj);
  return (
    steps !== undefined &&
    !isFullyPromoted(obj) &&
    currentStepIndexOf(status) < steps.length
  );
}

/** `status.currentStepIndex`, 0 when unset, as the Rollouts controller reads it. */
function currentStepIndexOf(status: Record<string, unknown>): number {
  const index = luaToNumber(status.currentStepIndex);
  return index === undefined ? 0 : index;
}

function discoverRolloutActions(obj: UnstructuredObject): ResourceAction[] {
  const status = rolloutStatus(obj);
  const fullyPromoted = isFullyPromoted(obj);
  const abort = status?.abort;

  let promoteFullDisabled = true;
  if (status && !fullyPromoted) {
    promoteFullDisabled = isBeforeRolloutsV010(obj)
      ? // Rollouts v0.9 promoted fully only canaries.
        getField(obj, ['spec', 'strategy', 'blueGreen']) !== undefined
      : false;
  }
  const steps = canarySteps(obj);

  return [
    { name: 'restart', disabled: false, displayName: 'Restart Pods' },
    { name: 'resume', disabled: !isPaused(obj) },
    { name: 'abort', disabled: luaOr(fullyPromoted, abort) === true },
    { name: 'retry', disabled: fullyPromoted || !isLuaTruthy(abort) },
    {
      name: 'pause',
      disabled:
        luaOr(fullyPromoted, abort, getField(obj, ['spec', 'paused'])) === true,
    },
    { name: 'promote', disabled: !canPromote(obj) },
    { name: 'promote-full', disabled: promoteFullDisabled },
    {
      name: 'skip-current-step',
      disabled:
        steps === undefined ||
        getField(obj, ['status', 'currentStepIndex']) === steps.length,
    },
  ];
}

export const rolloutActions: BuiltinKindActions = {
  discover: discoverRolloutActions,
  actions: {
    abort: obj => {
      requireObject(obj, ['status'], NO_STATUS).abort = true;
    },
    retry: obj => {
      delete requireObject(obj, ['status'], NO_STATUS).abort;
    },
    pause: obj => {
      requireObject(obj, ['spec'], 'a Rollout needs a spec').paused = true;
    },
    resume: obj => {
      const status = requireObject(obj, ['status'], NO_STATUS);
      const pauseConditions = status.pauseConditions;
      if (Array.isArray(pauseConditions) && pauseConditions.length > 0)
        delete status.pauseConditions;
      const spec = requireObject(obj, ['spec'], 'a Rollout needs a spec');
      if (isLuaTruthy(spec.paused)) spec.paused = false;
    },
    // Argo Rollouts' `promote` (not among Argo CD's actions, whose `resume`
    // covers only the paused case): unpause, and move a canary that no
    // pause holds on to its next step.
    promote: obj => {
      const spec = requireObject(obj, ['spec'], 'a Rollout needs a spec');
      const status = requireObject(obj, ['status'], NO_STATUS);
      if (isLuaTruthy(spec.paused)) spec.paused = false;
      const pauseConditions = Array.isArray(status.pauseConditions)
        ? status.pauseConditions
        : [];
      const steps = canarySteps(obj);
      const nextStep = () =>
        Math.min(currentStepIndexOf(status) + 1, steps?.length ?? 0);
      const inconclusiveStep =
        getField(obj, [
          'status',
          'canary',
          'currentStepAnalysisRunStatus',
          'status',
        ]) === 'Inconclusive';
      if (
        steps !== undefined &&
        steps.length > 0 &&
        inconclusiveStep &&
        pauseConditions.length > 0 &&
        isLuaTruthy(status.controllerPause)
      ) {
        // An inconclusive analysis paused the canary: promoting accepts it.
        delete status.pauseConditions;
        status.controllerPause = false;
        status.currentStepIndex = nextStep();
      } else if (pauseConditions.length > 0) {
        delete status.pauseConditions;
      } else if (steps !== undefined && steps.length > 0) {
        status.currentStepIndex = nextStep();
      }
    },
    'promote-full': obj => {
      const status = rolloutStatus(obj);
      if (!status) return;
      // Argo Rollouts' `promote --full` also lifts a person's pause, which
      // would otherwise hold the Rollout where it is; Argo CD's script
      // does not.
      const spec = getField(obj, ['spec']);
      if (isRecord(spec) && isLuaTruthy(spec.paused)) spec.paused = false;
      if (!isBeforeRolloutsV010(obj)) {
        status.promoteFull = true;
        return;
      }
      // Before v0.10: leave the abort and jump past the last canary step.
      if (getField(obj, ['spec', 'strategy', 'canary']) === undefined) {
        throw new BuiltinActionRefusal(
          'not-applicable',
          'full promotion of a blue-green Rollout needs Argo Rollouts v0.10 or later (status.observedGeneration shows an older controller)',
        );
      }
      delete status.abort;
      const steps = canarySteps(obj);
      if (steps !== undefined) status.currentStepIndex = steps.length;
    },
    restart: (obj, { now }) => {
      requireObject(obj, ['spec'], 'a Rollout needs a spec').restartAt =
        restartTimestamp(now);
    },
    'skip-current-step': obj => {
      const status = rolloutStatus(obj);
      const steps = canarySteps(obj);
      if (!status || steps === undefined) return;
      const index = status.currentStepIndex;
      if (typeof index !== 'number') {
        throw new BuiltinActionRefusal(
          'not-applicable',
          `status.currentStepIndex is ${
            index === undefined || index === null ? 'not set' : 'not a number'
          }: the Rollouts controller has not reported which canary step runs`,
        );
      }
      if (index >= steps.length) return;
      const pauseConditions = status.pauseConditions;
      if (Array.isArray(pauseConditions) && pauseConditions.length > 0)
        delete status.pauseConditions;
      status.currentStepIndex = index + 1;
    },
  },
};

const FINISHED_ANALYSIS_PHASES = new Set([
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
]);

export const analysisRunActions: BuiltinKindActions = {
  discover: obj => {
    const phase = getField(obj, ['status', 'phase']);
    const finished =
      typeof phase === 'string' && FINISHED_ANALYSIS_PHASES.has(phase);
    return [
      {
        name: 'terminate',
        disabled:
          luaOr(getField(obj, ['spec', 'terminate']), finished) === true,
      },
    ];
  },
  actions: {
    terminate: obj => {
      requireObject(obj, ['spec'], 'an AnalysisRun needs a spec').terminate =
        true;
    },
  },
};
