import { getField, isRecord } from '../objectFields';
import { HealthStatus, isHealthStatusCode, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';
import { luaToNumber } from '../lua/luaValues';

// Argo Rollouts' Rollout and AnalysisRun. Argo CD ships these as Lua scripts
// (resource_customizations/argoproj.io/{Rollout,AnalysisRun}/health.lua); this
// is our own TypeScript with the same results and messages. Field values are
// read loosely, as Lua reads them: across Rollouts versions
// `status.observedGeneration` was a hash string, then a numeric string.

const WORKLOAD_GENERATION_ANNOTATION =
  'rollout.argoproj.io/workload-generation';

function numberField(
  obj: UnstructuredObject,
  path: string[],
  fallback: number,
): number {
  const value = getField(obj, path);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new Error(
      `Rollout field ${path.join('.')} must be a number, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

function stringField(
  obj: UnstructuredObject,
  path: string[],
): string | undefined {
  const value = getField(obj, path);
  return typeof value === 'string' ? value : undefined;
}

function isGenerationObserved(obj: UnstructuredObject): boolean {
  if (getField(obj, ['status']) === undefined) return false;
  const observed = luaToNumber(getField(obj, ['status', 'observedGeneration']));
  const generation =
    luaToNumber(getField(obj, ['metadata', 'generation'])) ?? 0;
  // Rollouts up to v0.9 put a hash in observedGeneration: nothing to compare.
  if (observed === undefined || observed > generation) return true;
  return observed === generation;
}

function isWorkloadGenerationObserved(obj: UnstructuredObject): boolean {
  const annotations = getField(obj, ['metadata', 'annotations']);
  if (
    getField(obj, ['spec', 'workloadRef']) === undefined ||
    !isRecord(annotations)
  ) {
    return true; // a Rollout of v1.0 or earlier, with no referenced workload
  }
  const workloadGeneration = luaToNumber(
    annotations[WORKLOAD_GENERATION_ANNOTATION],
  );
  const observed = luaToNumber(
    getField(obj, ['status', 'workloadObservedGeneration']),
  );
  return workloadGeneration === observed;
}

/**
 * The stable ReplicaSet hash: `status.stableRS`, or `status.canary.stableRS`
 * before Rollouts v0.8; undefined when `status.canary` exists without one.
 */
function stableReplicaSet(obj: UnstructuredObject): unknown {
  const stable = getField(obj, ['status', 'stableRS']);
  if (stable !== undefined) return stable;
  if (getField(obj, ['status', 'canary']) !== undefined) {
    return getField(obj, ['status', 'canary', 'stableRS']);
  }
  return '';
}

function replicasHealth(obj: UnstructuredObject): HealthStatus | null {
  const desired = numberField(obj, ['spec', 'replicas'], 1);
  const updated = numberField(obj, ['status', 'updatedReplicas'], 0);
  const available = numberField(obj, ['status', 'availableReplicas'], 0);
  if (updated < desired) {
    return healthOf(
      'Progressing',
      'Waiting for roll out to finish: More replicas need to be updated',
    );
  }
  if (available < updated) {
    return healthOf(
      'Progressing',
      'Waiting for roll out to finish: updated replicas are still becoming available',
    );
  }
  return null;
}

const DEGRADING_CONDITIONS: Array<{ type: string; reason?: string }> = [
  { type: 'InvalidSpec' },
  { type: 'Progressing', reason: 'RolloutAborted' },
  { type: 'Progressing', reason: 'ProgressDeadlineExceeded' },
];

export function rolloutHealth(obj: UnstructuredObject): HealthStatus {
  if (!isGenerationObserved(obj) || !isWorkloadGenerationObserved(obj)) {
    return healthOf(
      'Progressing',
      'Waiting for rollout spec update to be observed',
    );
  }

  // Rollouts v1.0 and later record a phase and message that can be shown as they are.
  const phase = getField(obj, ['status', 'phase']);
  if (phase !== undefined) {
    const status = phase === 'Paused' ? 'Suspended' : phase;
    if (!isHealthStatusCode(status)) {
      return healthOf(
        'Unknown',
        `Rollout has a status.phase that is not a health status: ${JSON.stringify(
          phase,
        )}`,
      );
    }
    return healthOf(status, stringField(obj, ['status', 'message']) ?? '');
  }

  const conditions = getField(obj, ['status', 'conditions']);
  for (const condition of Array.isArray(conditions) ? conditions : []) {
    if (!isRecord(condition)) continue;
    const degrading = DEGRADING_CONDITIONS.some(
      d =>
        condition.type === d.type &&
        (d.reason === undefined || condition.reason === d.reason),
    );
    if (degrading) {
      return healthOf(
        'Degraded',
        typeof condition.message === 'string' ? condition.message : '',
      );
    }
  }

  const pauseConditions = getField(obj, ['status', 'pauseConditions']);
  const paused = getField(obj, ['spec', 'paused']);
  if (
    (Array.isArray(pauseConditions) && pauseConditions.length > 0) ||
    (paused !== undefined && paused !== false)
  ) {
    return healthOf('Suspended', 'Rollout is paused');
  }

  const currentPodHash = getField(obj, ['status', 'currentPodHash']);
  if (currentPodHash === undefined) {
    return healthOf(
      'Progressing',
      'Waiting for rollout to finish: status has not been reconciled.',
    );
  }

  const replicas = replicasHealth(obj);
  if (replicas) return replicas;

  const stable = stableReplicaSet(obj);
  if (getField(obj, ['spec', 'strategy', 'blueGreen']) !== undefined) {
    if (
      getField(obj, ['status', 'blueGreen', 'activeSelector']) !==
      currentPodHash
    ) {
      return healthOf('Progressing', 'active service cutover pending');
    }
    // Blue-green records stableRS since v0.8; v0.7 Rollouts have none.
    if (stable !== '' && stable !== currentPodHash) {
      return healthOf('Progressing', 'waiting for analysis to complete');
    }
  } else if (getField(obj, ['spec', 'strategy', 'canary']) !== undefined) {
    const statusReplicas = numberField(obj, ['status', 'replicas'], 0);
    const updated = numberField(obj, ['status', 'updatedReplicas'], 0);
    if (statusReplicas > updated) {
      return healthOf(
        'Progressing',
        'Waiting for roll out to finish: old replicas are pending termination',
      );
    }
    if (stable === '' || stable !== currentPodHash) {
      return healthOf('Progressing', 'Waiting for rollout to finish steps');
    }
  }
  return healthOf('Healthy');
}

/** Per phase: the health, and whether `status.message` replaces the default message. */
const ANALYSIS_RUN_PHASES = new Map<
  string,
  { health: HealthStatus; useStatusMessage: boolean }
>([
  [
    'Pending',
    {
      health: healthOf('Progressing', 'Analysis run is running'),
      useStatusMessage: false,
    },
  ],
  [
    'Running',
    {
      health: healthOf('Progressing', 'Analysis run is running'),
      useStatusMessage: false,
    },
  ],
  [
    'Successful',
    {
      health: healthOf('Healthy', 'Analysis run completed successfully'),
      useStatusMessage: true,
    },
  ],
  [
    'Failed',
    {
      health: healthOf('Degraded', 'Analysis run failed'),
      useStatusMessage: true,
    },
  ],
  [
    'Error',
    {
      health: healthOf('Degraded', 'Analysis run had an error'),
      useStatusMessage: true,
    },
  ],
  [
    'Inconclusive',
    {
      health: healthOf('Unknown', 'Analysis run was inconclusive'),
      useStatusMessage: true,
    },
  ],
]);

/** AnalysisRun; null (no health) for a phase it does not know, as Argo CD's script returns an empty table then. */
export function analysisRunHealth(
  obj: UnstructuredObject,
): HealthStatus | null {
  if (getField(obj, ['status']) === undefined) {
    return healthOf(
      'Progressing',
      'Waiting for analysis run to finish: status has not been reconciled.',
    );
  }
  const phase = stringField(obj, ['status', 'phase']);
  const known =
    phase === undefined ? undefined : ANALYSIS_RUN_PHASES.get(phase);
  if (!known) return null;
  const statusMessage = stringField(obj, ['status', 'message']);
  return known.useStatusMessage && statusMessage !== undefined
    ? healthOf(known.health.status, statusMessage)
    : { ...known.health };
}
