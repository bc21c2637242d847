import { parseApiVersion } from '../cluster/discovery';
import type { ResourceKey } from '../cluster/resourceKey';
import {
  hookDeletePolicies,
  isHook,
  type HookDeletePolicy,
} from '../health/hooks';
import type { KubernetesObject } from '../render/types';
import type {
  OperationPhase,
  ResourceResult,
  ResultCode,
  SyncPhase,
} from './types';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const HELM_HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';

const SYNC_PHASE_ORDER: Record<SyncPhase, number> = {
  PreSync: -1,
  Sync: 0,
  PostSync: 1,
  SyncFail: 2,
};

/**
 * Kinds in the order they are applied within a wave (gitops-engine's list,
 * taken from Helm's install order). Matched by kind alone; every other kind
 * (custom resources) comes after all of these.
 */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
const KIND_WEIGHT = new Map(
  KIND_ORDER.map((kind, index) => [kind, index - KIND_ORDER.length]),
);

/** Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else. */
function parseWave(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `argocd.argoproj.io/sync-wave`, else `helm.sh/hook-weight`, else 0. */
export function syncWaveOf(object: KubernetesObject): number {
  const annotations = object.metadata?.annotations ?? {};
  return (
    parseWave(annotations[SYNC_WAVE_ANNOTATION]) ??
    parseWave(annotations[HELM_HOOK_WEIGHT_ANNOTATION]) ??
    0
  );
}

/** Argo CD's key of a result: `<group>/<kind>/<namespace>/<name>:<phase>`. */
export function resultKeyOf(key: ResourceKey, phase: SyncPhase): string {
  return `${key.group}/${key.kind}/${key.namespace}/${key.name}:${phase}`;
}

export function isNamespace(object: KubernetesObject | undefined): boolean {
  return (
    object?.kind === 'Namespace' &&
    parseApiVersion(String(object.apiVersion ?? '')).group === ''
  );
}

export function isCustomResourceDefinition(
  object: KubernetesObject | undefined,
): boolean {
  return (
    object?.kind === 'CustomResourceDefinition' &&
    parseApiVersion(String(object.apiVersion ?? '')).group ===
      'apiextensions.k8s.io'
  );
}

/** `<spec.group>/<spec.names.kind>` of a CRD: what its custom resources are keyed by. */
export function crdGroupKind(object: KubernetesObject): string | undefined {
  const spec = object.spec as
    | { group?: unknown; names?: { kind?: unknown } }
    | undefined;
  if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string')
    return undefined;
  return `${spec.group}/${spec.names.kind}`;
}

const COMPLETED_PHASES = new Set<OperationPhase>([
  'Succeeded',
  'Failed',
  'Error',
]);

/**
 * One unit of a sync: a resource (or hook) in one phase, with what is known
 * of it this step. `target` absent means the live object is to be pruned.
 */
export class SyncTask {
  phase: SyncPhase;
  waveOverride?: number;
  /** Not dry-run before the sync: its kind is not served yet (its CRD comes with the sync), or its namespace does not exist yet. */
  skipDryRunReason?: string;
  status?: ResultCode;
  operationState?: OperationPhase;
  message = '';

  constructor(
    phase: SyncPhase,
    readonly target: KubernetesObject | undefined,
    public live: KubernetesObject | undefined,
  ) {
    this.phase = phase;
  }

  /** The target when there is one, else the live object. */
  get object(): KubernetesObject {
    return (this.target ?? this.live)!;
  }

  get key(): ResourceKey {
    const object = this.object;
    return {
      group: parseApiVersion(String(object.apiVersion ?? '')).group,
      kind: String(object.kind ?? ''),
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
    };
  }

  get version(): string {
    return parseApiVersion(String(this.object.apiVersion ?? '')).version;
  }

  get resultKey(): string {
    return resultKeyOf(this.key, this.phase);
  }

  get wave(): number {
    return this.waveOverride ?? syncWaveOf(this.object);
  }

  get isPrune(): boolean {
    return this.target === undefined;
  }

  get isHook(): boolean {
    return isHook(this.object);
  }

  get pending(): boolean {
    return this.operationState === undefined;
  }

  get running(): boolean {
    return this.operationState === 'Running';
  }

  get completed(): boolean {
    return (
      this.operationState !== undefined &&
      COMPLETED_PHASES.has(this.operationState)
    );
  }

  get successful(): boolean {
    return this.operationState === 'Succeeded';
  }

  get pruned(): boolean {
    return this.status === 'Pruned';
  }

  hasDeletePolicy(policy: HookDeletePolicy): boolean {
    return this.isHook && hookDeletePolicies(this.object).includes(policy);
  }

  /**
   * A hook that a previous run left behind goes before this one is created:
   * with `BeforeHookCreation`, or when it is being deleted already (no
   * object can be created, or changed, under its name until it is gone).
   */
  get deleteBeforeCreation(): boolean {
    return (
      this.live !== undefined &&
      this.pending &&
      this.isHook &&
      (this.hasDeletePolicy('BeforeHookCreation') ||
        Boolean(this.live.metadata.deletionTimestamp))
    );
  }

  get deleteOnSuccess(): boolean {
    return this.live !== undefined && this.hasDeletePolicy('HookSucceeded');
  }

  get deleteOnFailure(): boolean {
    return this.live !== undefined && this.hasDeletePolicy('HookFailed');
  }

  /** Takes the recorded result of an earlier step. */
  restore(result: ResourceResult): void {
    this.status = result.status;
    this.operationState = result.hookPhase;
    this.message = result.message;
  }

  /** For messages: `apps/Deployment/web`, as Argo CD writes it. */
  describe(): string {
    const { group, kind, name } = this.key;
    return `${group}/${kind}/${name}`;
  }
}

function compareTasks(a: SyncTask, b: SyncTask): number {
  const byPhase = SYNC_PHASE_ORDER[a.phase] - SYNC_PHASE_ORDER[b.phase];
  if (byPhase !== 0) return byPhase;
  const byWave = a.wave - b.wave;
  if (byWave !== 0) return byWave;
  const byKind =
    (KIND_WEIGHT.get(a.object.kind) ?? 0) -
    (KIND_WEIGHT.get(b.object.kind) ?? 0);
  if (byKind !== 0) return byKind;
  const nameA = a.object.metadata?.name ?? '';
  const nameB = b.object.metadata?.name ?? '';
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  // Not in Argo CD's key; only keeps the order the same from step to step.
  const restA = `${a.object.metadata?.namespace ?? ''}/${a.object.apiVersion}`;
  const restB = `${b.object.metadata?.namespace ?? ''}/${b.object.apiVersion}`;
  if (restA === restB) return 0;
  return restA < restB ? -1 : 1;
}

/**
 * Moves each dependency (a Namespace, a CRD) to just before the first task
 * that needs it, in that task's phase and wave (gitops-engine's
 * `adjustDeps`), so a resource in wave -1 does not wait for its namespace in
 * wave 0.
 */
function moveDependenciesFirst(
  tasks: SyncTask[],
  dependencyKey: (object: KubernetesObject) => string | undefined,
  requiredKey: (object: KubernetesObject) => string | undefined,
): void {
  const firstUser = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i];
    if (!task.target) continue;
    const provides = dependencyKey(task.target);
    if (provides !== undefined) {
      const index = firstUser.get(provides);
      if (index === undefined) continue;
      task.waveOverride = tasks[index].wave;
      task.phase = tasks[index].phase;
      tasks.splice(i, 1);
      tasks.splice(index, 0, task);
      for (const [key, first] of firstUser)
        if (first >= index) firstUser.set(key, first + 1);
      continue;
    }
    const needs = requiredKey(task.target);
    if (needs !== undefined && !firstUser.has(needs)) firstUser.set(needs, i);
  }
}

/** Sorts tasks by phase, wave, kind and name, then puts Namespaces and CRDs before what needs them. */
export function sortSyncTasks(tasks: SyncTask[]): void {
  tasks.sort(compareTasks);
  moveDependenciesFirst(
    tasks,
    object => (isNamespace(object) ? object.metadata.name : undefined),
    object => object.metadata?.namespace || undefined,
  );
  moveDependenciesFirst(
    tasks,
    object =>
      isCustomResourceDefinition(object) ? crdGroupKind(object) : undefined,
    object =>
      `${parseApiVersion(String(object.apiVersion ?? '')).group}/${
        object.kind
      }`,
  );
}

/**
 * Prune tasks run in reverse wave order (what was created last goes first):
 * the distinct prune waves are swapped end for end. `PruneLast` tasks then go
 * to a wave after every Sync-phase task.
 */
export function arrangePruneWaves(
  tasks: SyncTask[],
  isPruneLast: (task: SyncTask) => boolean,
): void {
  const byWave = new Map<number, SyncTask[]>();
  for (const task of tasks) {
    if (!task.isPrune) continue;
    const wave = task.wave;
    byWave.set(wave, [...(byWave.get(wave) ?? []), task]);
  }
  const waves = [...byWave.keys()].sort((a, b) => a - b);
  for (let i = 0; i < Math.floor(waves.length / 2); i++) {
    const low = waves[i];
    const high = waves[waves.length - 1 - i];
    for (const task of byWave.get(low)!) task.waveOverride = high;
    for (const task of byWave.get(high)!) task.waveOverride = low;
  }
  let lastSyncWave = 0;
  for (const task of tasks)
    if (task.phase === 'Sync' && task.wave > lastSyncWave)
      lastSyncWave = task.wave;
  for (const task of tasks)
    if (task.isPrune && isPruneLast(task)) task.waveOverride = lastSyncWave + 1;
}

/** Whether the tasks span more than one (phase, wave): then each group waits for the one before. */
export function isMultiStep(tasks: readonly SyncTask[]): boolean {
  if (tasks.length === 0) return false;
  const first = tasks[0];
  const last = tasks[tasks.length - 1];
  return first.wave !== last.wave || first.phase !== last.phase;
}
