import { randomUUID } from 'node:crypto';
import type { Application } from '../application/types';
import {
  DRIFTLESS_FIELD_MANAGER,
  type ApiResource,
  type ClusterConnection,
  type PropagationPolicy,
} from '../cluster/connection';
import { parseApiVersion } from '../cluster/discovery';
import { cloneJson } from '../diff/json';
import {
  ClusterError,
  ClusterRequestError,
  ResourceNotServedError,
} from '../cluster/errors';
import { formatResourceKey, type ResourceKey } from '../cluster/resourceKey';
import type {
  ApplicationDiff,
  ComparisonCondition,
  ResourceDiff,
} from '../diff/ApplicationComparator';
import {
  DiffSettings,
  IgnoreDifferences,
  IgnoreDifferencesConfigError,
} from '../diff/ignoreDifferences';
import type { HealthAssessor } from '../health/assessor';
import {
  HOOK_FINALIZER,
  hasHookFinalizer,
  hookSyncPhases,
  isHook,
  isSkipped,
} from '../health/hooks';
import type { HealthStatus } from '../health/types';
import { Semaphore } from '../render/semaphore';
import type { KubernetesObject } from '../render/types';
import { ResourceTracking } from '../tracking/ResourceTracking';
import { keepIgnoredFields } from './keepIgnoredFields';
import { mergeSyncOptions, SyncOptions } from './syncOptions';
import {
  arrangePruneWaves,
  crdGroupKind,
  isCustomResourceDefinition,
  isMultiStep,
  isNamespace,
  resultKeyOf,
  sortSyncTasks,
  SyncTask,
} from './syncTasks';
import type {
  Operation,
  OperationPhase,
  ResourceResult,
  ResultCode,
  SyncOperationState,
  SyncPhase,
  SyncProgress,
} from './types';

/**
 * Marks the hooks an attempt creates with `<attempt id>/<phase>`: an attempt
 * that resumes after a crash finds the hook it created but had not recorded,
 * and follows it instead of creating it again.
 */
export const SYNC_ATTEMPT_ANNOTATION = 'driftless.dev/sync-attempt';
/** The Application annotation that approves `Prune=confirm` deletions (an RFC 3339 time at or after the operation's start). */
export const DELETION_APPROVED_ANNOTATION =
  'argocd.argoproj.io/deletion-approved';

/** Where the engine reads live objects: the {@link ClusterCache}, or anything that answers the same. */
export interface LiveObjectReader {
  /** The live object at a key, in this apiVersion; undefined when it does not exist. */
  getObject(
    key: ResourceKey,
    apiVersion?: string,
  ): Promise<KubernetesObject | undefined>;
}

/** Everything one step of a sync needs; the same for every step of an attempt. */
export interface SyncInput {
  application: Application;
  /** Argo CD's `operation`; its `sync` holds what was asked. */
  operation: Operation;
  /**
   * The commit the desired objects were rendered from. A resumed operation
   * must render `state.syncResult.revision` again, not the branch head.
   */
  revision: string;
  revisions?: string[];
  /** The name the app tracks its objects by (`CompareRequest.appInstanceName`). */
  appInstanceName: string;
  /** `ApplicationComparator.prepare()`'s objects: namespaces set, tracking stamped. */
  desired: KubernetesObject[];
  /** `ApplicationComparator.compare()`'s result for the same objects. */
  comparison: Pick<ApplicationDiff, 'resources'> & {
    conditions?: ComparisonCondition[];
  };
  live: LiveObjectReader;
}

export interface SyncEngineOptions {
  connection: ClusterConnection;
  health: HealthAssessor;
  /** Must be the tracking the comparator stamped with; annotation tracking with `driftless.dev/tracking-id` by default. */
  tracking?: ResourceTracking;
  /** System-level ignoreDifferences (argocd-cm), for `RespectIgnoreDifferences=true`. */
  diffSettings?: DiffSettings;
  fieldManager?: string;
  /**
   * After a wave is applied, health is read only after this long, so the
   * objects' controllers have written their status (Argo CD sleeps 2 s,
   * `ARGOCD_SYNC_WAVE_DELAY`). 1000 ms by default; Driftless's health checks
   * also compare `observedGeneration`, and stale reads of its own writes are
   * detected (see {@link SyncProgress.applied}).
   */
  waveDelayMs?: number;
  /** Requests in flight at once across all syncs of this engine (Argo CD's kubectl parallelism, 20). */
  concurrency?: number;
  /** How long to wait for an applied CRD to be Established; 3000 ms. */
  crdEstablishedTimeoutMs?: number;
  /** How long `Force=true` waits for an object to go before creating it again; 30 000 ms. */
  recreateTimeoutMs?: number;
  /** Consecutive steps that may fail on cluster errors (unreachable, 5xx) before the operation ends in Error; 5. */
  maxStepErrors?: number;
  /**
   * Hears of every object a sync server-side applied for real, with what the
   * server returned, e.g. {@link ObjectDiffer.rememberApplied} so the
   * comparison after the sync needs no dry run for it.
   */
  onApplied?: (manifest: KubernetesObject, applied: KubernetesObject) => void;
  /** A project's check of one resource: a message refuses it. */
  validateResource?: (
    object: KubernetesObject,
    resource: ApiResource,
  ) => string | undefined;
  now?: () => Date;
}

type RunState = 'successful' | 'pending' | 'failed';

const FINAL_PHASES = new Set<OperationPhase>(['Succeeded', 'Failed', 'Error']);

/** The bookkeeping of a new attempt. */
export function newSyncProgress(): SyncProgress {
  return { attemptId: randomUUID(), dryRunPassed: false, applied: {} };
}

/** Whether an operation has ended (Succeeded, Failed or Error). */
export function isFinalPhase(phase: OperationPhase): boolean {
  return FINAL_PHASES.has(phase);
}

const RESULT_PHASES: Record<ResultCode, OperationPhase> = {
  Synced: 'Running',
  SyncFailed: 'Failed',
  Pruned: 'Succeeded',
  PruneSkipped: 'Succeeded',
};

const PROPAGATION_POLICIES: Record<string, PropagationPolicy> = {
  foreground: 'Foreground',
  background: 'Background',
  orphan: 'Orphan',
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hookNameSuffix(
  revision: string,
  phase: SyncPhase,
  startedAt: string,
): string {
  const shortRevision = revision.length >= 8 ? revision.slice(0, 7) : revision;
  const seconds = Math.floor(new Date(startedAt).getTime() / 1000);
  return `${shortRevision}-${phase}-${seconds}`.toLowerCase();
}

/** Container images of a workload, best effort (Argo CD's `GetResourceImages`). */
function imagesOf(object: KubernetesObject): string[] | undefined {
  const spec = object.spec as Record<string, any> | undefined;
  const podSpecs = [
    spec,
    spec?.template?.spec,
    spec?.jobTemplate?.spec?.template?.spec,
  ];
  const images = new Set<string>();
  for (const podSpec of podSpecs) {
    for (const list of [podSpec?.containers, podSpec?.initContainers]) {
      if (!Array.isArray(list)) continue;
      for (const container of list)
        if (typeof container?.image === 'string') images.add(container.image);
    }
  }
  return images.size > 0 ? [...images] : undefined;
}

function apiVersionOfKey(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The options of one operation, read from the merged sync options and the request. */
interface EffectiveOptions {
  options: SyncOptions;
  dryRun: boolean;
  prune: boolean;
  force: boolean;
  skipHooks: boolean;
  replace: boolean;
  pruneLast: boolean;
  applyOutOfSyncOnly: boolean;
  validate: boolean;
  skipDryRunOnMissingResource: boolean;
  prunePropagationPolicy: PropagationPolicy;
  defaultPruneOption?: string;
  pruneConfirmed: boolean;
}

function effectiveOptions(
  request: SyncInput,
  state: SyncOperationState,
): EffectiveOptions {
  const sync = request.operation.sync ?? {};
  const options = new SyncOptions(
    mergeSyncOptions(
      request.application.spec.syncPolicy?.syncOptions,
      sync.syncOptions,
    ),
  );
  const propagation = options.value('PrunePropagationPolicy')?.toLowerCase();
  const approved =
    request.application.metadata.annotations?.[DELETION_APPROVED_ANNOTATION];
  const approvedAt = approved ? Date.parse(approved) : NaN;
  return {
    options,
    dryRun: sync.dryRun === true,
    prune: sync.prune === true,
    force:
      sync.syncStrategy?.apply?.force === true ||
      sync.syncStrategy?.hook?.force === true,
    skipHooks:
      (sync.syncStrategy?.apply !== undefined &&
        sync.syncStrategy.hook === undefined) ||
      (sync.resources?.length ?? 0) > 0,
    replace: options.has('Replace=true'),
    pruneLast: options.has('PruneLast=true'),
    applyOutOfSyncOnly: options.has('ApplyOutOfSyncOnly=true'),
    validate: !options.has('Validate=false'),
    skipDryRunOnMissingResource: options.has(
      'SkipDryRunOnMissingResource=true',
    ),
    prunePropagationPolicy:
      (propagation && PROPAGATION_POLICIES[propagation]) || 'Foreground',
    defaultPruneOption: options.value('Prune'),
    pruneConfirmed:
      !Number.isNaN(approvedAt) &&
      approvedAt >= Math.floor(Date.parse(state.startedAt) / 1000) * 1000,
  };
}

function hasTaskOption(
  task: SyncTask,
  option: string,
  where: 'target' | 'live' | 'both' = 'both',
): boolean {
  return (
    (where !== 'live' && SyncOptions.ofObject(task.target).has(option)) ||
    (where !== 'target' && SyncOptions.ofObject(task.live).has(option))
  );
}

/** One step of one operation: builds the tasks, then does what is due. */
class SyncStep {
  private readonly options: EffectiveOptions;
  private readonly progress: SyncProgress;
  private readonly results: ResourceResult[];
  private readonly resultIndex = new Map<string, number>();
  private readonly destinationNamespace: string;
  private readonly comparisonByKey = new Map<string, ResourceDiff>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly request: SyncInput,
    private readonly state: SyncOperationState,
  ) {
    this.options = effectiveOptions(request, state);
    this.progress = state.progress!;
    this.results = state.syncResult!.resources;
    this.results.forEach((result, index) =>
      this.resultIndex.set(resultKeyOf(result, result.syncPhase), index),
    );
    this.destinationNamespace =
      request.application.spec.destination.namespace ?? '';
    for (const resource of request.comparison.resources)
      this.comparisonByKey.set(formatResourceKey(resource), resource);
  }

  // ------------------------------------------------------------ state

  private setPhase(phase: OperationPhase, message: string): void {
    this.state.phase = phase;
    this.state.message = message;
  }

  /** Records a task's result (Argo CD's `setResourceResult`): the latest non-empty message wins. */
  private setResult(
    task: SyncTask,
    status: ResultCode | undefined,
    operationState: OperationPhase | undefined,
    message: string,
  ): void {
    task.status = status;
    task.operationState = operationState;
    if (message) task.message = message;
    const key = task.resultKey;
    const index = this.resultIndex.get(key);
    if (index !== undefined) {
      const existing = this.results[index];
      existing.status = task.status ?? existing.status;
      existing.hookPhase = task.operationState;
      existing.message = task.message;
      return;
    }
    const { group, kind, namespace, name } = task.key;
    const result: ResourceResult = {
      group,
      version: task.version,
      kind,
      namespace,
      name,
      status: task.status ?? 'SyncFailed',
      message: task.message,
      syncPhase: task.phase,
    };
    if (task.isHook) result.hookType = task.phase;
    if (task.operationState) result.hookPhase = task.operationState;
    const images = imagesOf(task.object);
    if (images) result.images = images;
    this.resultIndex.set(key, this.results.length);
    this.results.push(result);
  }

  private setRunningPhase(tasks: SyncTask[], pendingDeletion: boolean): void {
    if (tasks.length === 0) {
      this.setPhase('Running', '');
      return;
    }
    const hooks = tasks.filter(task => task.isHook);
    const resources = tasks.filter(task => !task.isHook);
    let reason = hooks.length > 0 ? 'completion of hook' : 'healthy state of';
    const taskType = resources.length === 0 ? 'hooks' : 'resources';
    if (pendingDeletion)
      reason = hooks.length > 0 ? 'deletion of hook' : 'deletion of';
    let first = hooks[0] ?? resources[0];
    let more = tasks.length - 1;
    if (!this.options.pruneConfirmed) {
      const unconfirmed = tasks.filter(
        task => task.isPrune && this.requiresPruneConfirmation(task),
      );
      if (unconfirmed.length > 0) {
        reason = 'pruning confirmation of';
        first = unconfirmed[0];
        more = unconfirmed.length - 1;
      }
    }
    let message = `waiting for ${reason} ${first.describe()}`;
    if (more > 0) message += ` and ${more} more ${taskType}`;
    this.setPhase('Running', message);
  }

  // ------------------------------------------------------------ live objects

  private async resourceOf(
    object: KubernetesObject,
  ): Promise<ApiResource | undefined> {
    try {
      return await this.engine.connection.findResource(
        object.apiVersion,
        object.kind,
      );
    } catch (error) {
      if (error instanceof ResourceNotServedError) return undefined;
      throw error;
    }
  }

  /** The object as the API server has it now (not from the cache). */
  private async getFromServer(
    object: KubernetesObject,
  ): Promise<KubernetesObject | undefined> {
    const resource = await this.resourceOf(object);
    if (!resource) return undefined;
    return this.engine.requests.run(() =>
      this.engine.connection.get(
        resource,
        object.metadata.name ?? '',
        resource.namespaced ? object.metadata.namespace : undefined,
      ),
    );
  }

  /**
   * The live object of a task. A cache may not have seen this operation's
   * own last write yet (another uid, an older generation, or nothing): the
   * server is asked then, so health is never read from before the write.
   */
  private async readLive(
    task: SyncTask,
  ): Promise<KubernetesObject | undefined> {
    const object = task.object;
    let live: KubernetesObject | undefined;
    try {
      live = await this.request.live.getObject(task.key, object.apiVersion);
    } catch (error) {
      if (!(error instanceof ResourceNotServedError)) throw error;
      return undefined;
    }
    const applied = this.progress.applied[task.resultKey];
    if (
      applied &&
      (!live ||
        (applied.uid !== undefined && live.metadata.uid !== applied.uid) ||
        (applied.generation !== undefined &&
          Number(live.metadata.generation ?? 0) < applied.generation))
    ) {
      live = await this.getFromServer(object);
    }
    return live;
  }

  // ------------------------------------------------------------ tasks

  private requiresPruneConfirmation(task: SyncTask): boolean {
    const option =
      SyncOptions.ofObject(task.live).value('Prune') ??
      this.options.defaultPruneOption;
    return option === 'confirm';
  }

  private isPruningDisabled(task: SyncTask): boolean {
    const option =
      SyncOptions.ofObject(task.live).value('Prune') ??
      this.options.defaultPruneOption;
    return option === 'false';
  }

  private selected(key: ResourceKey): boolean {
    const resources = this.request.operation.sync?.resources ?? [];
    if (resources.length === 0) return true;
    return resources.some(
      resource =>
        resource.name === key.name &&
        resource.kind === key.kind &&
        (resource.group ?? '') === key.group &&
        (!resource.namespace || resource.namespace === key.namespace),
    );
  }

  /** The hook as this operation creates it: named, with the hook finalizer and the attempt mark. */
  private hookTarget(
    object: KubernetesObject,
    phase: SyncPhase,
  ): KubernetesObject {
    const target = cloneJson(object);
    const generated = !target.metadata.name;
    if (generated) {
      target.metadata.name = `${
        target.metadata.generateName ?? ''
      }${hookNameSuffix(
        this.state.syncResult!.revision,
        phase,
        this.state.startedAt,
      )}`;
      delete target.metadata.generateName;
    }
    const finalizers = Array.isArray(target.metadata.finalizers)
      ? (target.metadata.finalizers as string[])
      : [];
    if (!finalizers.includes(HOOK_FINALIZER))
      target.metadata.finalizers = [...finalizers, HOOK_FINALIZER];
    target.metadata.annotations = {
      ...(target.metadata.annotations ?? {}),
      [SYNC_ATTEMPT_ANNOTATION]: `${this.progress.attemptId}/${phase}`,
    };
    return generated
      ? this.engine.tracking.stamp(
          target,
          this.request.appInstanceName,
          this.destinationNamespace,
        )
      : target;
  }

  private respectIgnoreDifferences(
    target: KubernetesObject,
    live: KubernetesObject | undefined,
    ignore: IgnoreDifferences,
  ): KubernetesObject {
    if (!live) return target;
    const group = parseApiVersion(target.apiVersion).group;
    return keepIgnoredFields(
      target,
      live,
      ignore.rulesFor(
        group,
        target.kind,
        target.metadata.name ?? '',
        target.metadata.namespace ?? '',
      ),
    );
  }

  /** Argo CD's `getSyncTasks`: false when a task is invalid (its result says why). */
  private async buildTasks(): Promise<{ tasks: SyncTask[]; valid: boolean }> {
    const tasks: SyncTask[] = [];
    const respectIgnore = this.options.options.has(
      'RespectIgnoreDifferences=true',
    );
    const ignore = respectIgnore
      ? new IgnoreDifferences(
          this.request.application.spec.ignoreDifferences,
          this.engine.diffSettings,
        )
      : undefined;

    const resourceTargets: KubernetesObject[] = [];
    for (const object of this.request.desired) {
      if (isSkipped(object)) continue;
      if (isHook(object)) {
        if (this.options.skipHooks) continue;
        for (const phase of hookSyncPhases(object))
          tasks.push(
            new SyncTask(phase, this.hookTarget(object, phase), undefined),
          );
        continue;
      }
      resourceTargets.push(object);
      const key = {
        group: parseApiVersion(object.apiVersion).group,
        kind: object.kind,
        namespace: object.metadata.namespace ?? '',
        name: object.metadata.name ?? '',
      };
      if (this.selected(key))
        tasks.push(new SyncTask('Sync', object, undefined));
    }
    await Promise.all(
      tasks.map(async task => {
        task.live = await this.readLive(task);
      }),
    );

    for (const resource of this.request.comparison.resources) {
      if (!resource.requiresPruning || resource.hook) continue;
      if (!this.selected(resource)) continue;
      const apiVersion = apiVersionOfKey(resource.group, resource.version);
      let live: KubernetesObject | undefined;
      try {
        live = await this.request.live.getObject(resource, apiVersion);
      } catch (error) {
        if (!(error instanceof ResourceNotServedError)) throw error;
      }
      if (live && !isHook(live))
        tasks.push(new SyncTask('Sync', undefined, live));
    }

    if (
      this.options.options.has('CreateNamespace=true') &&
      this.destinationNamespace &&
      !resourceTargets.some(
        object =>
          isNamespace(object) &&
          object.metadata.name === this.destinationNamespace,
      )
    ) {
      const task = await this.namespaceCreationTask();
      if (task) tasks.push(task);
    }

    if (respectIgnore) {
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i];
        if (!task.target || task.isHook || !task.live) continue;
        const target = this.respectIgnoreDifferences(
          task.target,
          task.live,
          ignore!,
        );
        if (target !== task.target) {
          const replacement = new SyncTask(task.phase, target, task.live);
          tasks[i] = replacement;
        }
      }
    }

    let valid = true;
    const crdKinds = new Set(
      this.request.desired
        .filter(isCustomResourceDefinition)
        .map(crdGroupKind)
        .filter((key): key is string => key !== undefined),
    );
    for (const task of tasks) {
      const object = task.object;
      const resource = await this.resourceOf(object);
      if (!resource) {
        const { group, kind } = task.key;
        const skip =
          this.options.skipDryRunOnMissingResource ||
          hasTaskOption(task, 'SkipDryRunOnMissingResource=true', 'target') ||
          crdKinds.has(`${group}/${kind}`);
        if (skip) {
          task.skipDryRunReason = `the cluster does not serve ${object.apiVersion} ${kind} yet`;
        } else {
          valid = false;
          this.setResult(
            task,
            'SyncFailed',
            undefined,
            new ResourceNotServedError({
              cluster: this.engine.connection.clusterName,
              apiVersion: object.apiVersion,
              kind,
            }).message,
          );
        }
        continue;
      }
      const refusal = this.engine.validateResource?.(object, resource);
      if (refusal) {
        valid = false;
        this.setResult(task, 'SyncFailed', undefined, refusal);
      }
    }

    arrangePruneWaves(
      tasks,
      task =>
        this.options.pruneLast || hasTaskOption(task, 'PruneLast=true', 'live'),
    );
    // Prune waves depend on which objects are left to prune: once one is
    // gone the others would move (Argo CD recomputes them each time). They
    // are kept as first computed, so the order holds from step to step.
    const pruneWaves = (this.progress.pruneWaves ??= {});
    for (const task of tasks) {
      if (!task.isPrune) continue;
      const recorded = pruneWaves[task.resultKey];
      if (recorded === undefined) pruneWaves[task.resultKey] = task.wave;
      else task.waveOverride = recorded;
    }
    sortSyncTasks(tasks);

    for (const task of tasks) {
      const index = this.resultIndex.get(task.resultKey);
      if (index !== undefined) task.restore(this.results[index]);
      else if (task.isHook && task.live) this.adoptHookOfThisAttempt(task);
    }
    return { tasks, valid };
  }

  /**
   * A hook of this attempt that exists but has no result was created by a
   * step whose state was lost (the process stopped before it was saved):
   * follow it rather than deleting and creating it again.
   */
  private adoptHookOfThisAttempt(task: SyncTask): void {
    const mark = task.live?.metadata.annotations?.[SYNC_ATTEMPT_ANNOTATION];
    if (mark === `${this.progress.attemptId}/${task.phase}`) {
      this.setResult(task, 'Synced', 'Running', `${task.key.name} created`);
      this.progress.applied[task.resultKey] = {
        uid: task.live!.metadata.uid as string | undefined,
      };
    }
  }

  /** `CreateNamespace=true`: a PreSync task for the destination namespace when it is missing, or its metadata is managed. */
  private async namespaceCreationTask(): Promise<SyncTask | undefined> {
    const namespace: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.destinationNamespace },
    };
    let live: KubernetesObject | undefined;
    try {
      live = await this.getFromServer(namespace);
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      const task = new SyncTask('PreSync', namespace, undefined);
      this.setResult(
        task,
        'SyncFailed',
        'Error',
        `namespace auto creation failed: ${error.message}`,
      );
      return task;
    }
    const managed =
      this.request.application.spec.syncPolicy?.managedNamespaceMetadata;
    if (live && !managed) return undefined;
    if (managed) {
      if (managed.labels) namespace.metadata.labels = { ...managed.labels };
      namespace.metadata.annotations = {
        ...(managed.annotations ?? {}),
        'argocd.argoproj.io/sync-options': 'ServerSideApply=true',
      };
    }
    return new SyncTask('PreSync', namespace, live);
  }

  /** Tasks the comparison found unchanged are left out (`ApplyOutOfSyncOnly=true`); hooks always run. */
  private outOfSyncOnly(tasks: SyncTask[]): SyncTask[] {
    return tasks.filter(task => {
      if (task.isHook || !task.target || !task.live) return true;
      const diff = this.comparisonByKey.get(formatResourceKey(task.key));
      return !(diff && diff.status === 'Synced');
    });
  }

  /** Objects in a namespace this sync creates cannot be dry-run on the server before it exists. */
  private markUndryableNamespaces(tasks: SyncTask[]): void {
    const missingNamespaces = new Set(
      tasks
        .filter(task => task.target && isNamespace(task.target) && !task.live)
        .map(task => task.target!.metadata.name),
    );
    for (const task of tasks) {
      const namespace = task.target?.metadata.namespace;
      if (
        namespace &&
        missingNamespaces.has(namespace) &&
        !task.skipDryRunReason
      )
        task.skipDryRunReason = `namespace ${namespace} does not exist yet`;
    }
  }

  // ------------------------------------------------------------ health

  private async healthOf(live: KubernetesObject): Promise<HealthStatus | null> {
    return this.engine.health.assessResource(live);
  }

  /** A hook's progress from its health (Argo CD's `getOperationPhase`). */
  private async hookPhaseOf(
    task: SyncTask,
    live: KubernetesObject,
  ): Promise<{ phase: OperationPhase; message: string }> {
    const health = await this.healthOf(live);
    if (!health)
      return { phase: 'Succeeded', message: `${task.key.name} created` };
    switch (health.status) {
      case 'Healthy':
        return { phase: 'Succeeded', message: health.message };
      case 'Progressing':
      case 'Suspended':
        return { phase: 'Running', message: health.message };
      default:
        return { phase: 'Failed', message: health.message };
    }
  }

  private async updateRunningTasks(tasks: SyncTask[]): Promise<void> {
    await Promise.all(
      tasks
        .filter(task => task.running && task.live)
        .map(async task => {
          if (task.isHook) {
            const { phase, message } = await this.hookPhaseOf(task, task.live!);
            this.setResult(task, task.status, phase, message);
            return;
          }
          const health = await this.healthOf(task.live!);
          if (!health)
            this.setResult(task, task.status, 'Succeeded', task.message);
          else if (health.status === 'Healthy')
            this.setResult(task, task.status, 'Succeeded', health.message);
          else if (health.status === 'Degraded')
            this.setResult(task, task.status, 'Failed', health.message);
        }),
    );
  }

  // ------------------------------------------------------------ the step

  async sync(): Promise<void> {
    const conditions = this.request.comparison.conditions ?? [];
    if (this.options.options.has('FailOnSharedResource=true')) {
      const shared = conditions.find(c => c.type === 'SharedResourceWarning');
      if (shared) {
        this.setPhase('Failed', `Shared resource found: ${shared.message}`);
        return;
      }
    }
    const errors = conditions.filter(
      c => c.type === 'ComparisonError' || c.type === 'InvalidSpecError',
    );
    if (errors.length > 0) {
      this.setPhase(
        'Error',
        errors.map(c => `${c.type}: ${c.message}`).join('; '),
      );
      return;
    }

    const built = await this.buildTasks();
    let tasks = built.tasks;
    if (!built.valid) {
      const messages = [
        ...new Set(
          this.results
            .filter(result => result.status === 'SyncFailed' && result.message)
            .map(result => result.message),
        ),
      ].sort();
      this.setPhase(
        'Failed',
        `one or more synchronization tasks are not valid${
          messages.length > 0 ? `: ${messages.join('; ')}` : ''
        }`,
      );
      return;
    }

    if (!this.progress.dryRunPassed || this.options.dryRun)
      this.markUndryableNamespaces(tasks);

    if (!this.progress.dryRunPassed) {
      let dryRunTasks = tasks;
      const namespaceTask = tasks.find(
        task =>
          !task.live &&
          task.target !== undefined &&
          isNamespace(task.target) &&
          task.target.metadata.name === this.destinationNamespace &&
          task.pending,
      );
      if (namespaceTask) {
        // Created before the dry run, which would otherwise fail for every
        // object in it.
        if ((await this.runTasks([namespaceTask], false)) === 'failed') {
          await this.executeSyncFailPhase(
            [],
            [namespaceTask],
            'the namespace failed to apply',
          );
          return;
        }
        dryRunTasks = tasks.filter(task => task !== namespaceTask);
        if (!this.options.dryRun) {
          for (const task of dryRunTasks)
            if (
              task.target?.metadata.namespace === this.destinationNamespace &&
              task.skipDryRunReason?.startsWith('namespace ')
            )
              delete task.skipDryRunReason;
        }
      }
      if (this.options.applyOutOfSyncOnly)
        dryRunTasks = this.outOfSyncOnly(dryRunTasks);
      if ((await this.runTasks(dryRunTasks, true)) === 'failed') {
        this.setPhase(
          'Failed',
          'one or more objects failed to apply (dry run)',
        );
        return;
      }
      this.progress.dryRunPassed = true;
    }

    await this.updateRunningTasks(tasks);

    const multiStep = isMultiStep(tasks);
    const runningTasks = tasks.filter(
      task => (multiStep || task.isHook) && task.running,
    );
    if (runningTasks.length > 0) {
      for (const task of runningTasks) {
        if (task.live) continue;
        const live = await this.getFromServer(task.object);
        if (live) continue;
        this.setResult(
          task,
          'SyncFailed',
          'Error',
          `Resource ${task.describe()} is missing, it might have been deleted`,
        );
      }
      this.setRunningPhase(runningTasks, false);
      return;
    }

    const prunedPendingDeletion = tasks.filter(
      task => task.pruned && task.live?.metadata.deletionTimestamp,
    );
    if (prunedPendingDeletion.length > 0) {
      this.setRunningPhase(prunedPendingDeletion, true);
      return;
    }

    for (const task of tasks.filter(t => t.isHook && t.completed)) {
      await this.removeHookFinalizer(task).catch(error =>
        this.setResult(
          task,
          task.status,
          'Error',
          `Failed to remove hook finalizer: ${errorMessage(error)}`,
        ),
      );
    }

    const deleteOnSuccess = tasks.filter(
      task => task.isHook && task.live && !task.running && task.deleteOnSuccess,
    );
    const deleteOnFailure = tasks.filter(
      task => task.isHook && task.live && !task.running && task.deleteOnFailure,
    );

    const syncFailTasks = tasks.filter(task => task.phase === 'SyncFail');
    tasks = tasks.filter(task => task.phase !== 'SyncFail');
    const syncFailedTasks = tasks.filter(
      task =>
        task.status === 'SyncFailed' || (task.completed && !task.successful),
    );

    if (tasks.some(task => task.completed && !task.successful)) {
      await this.deleteHooks(deleteOnFailure);
      await this.executeSyncFailPhase(
        syncFailTasks,
        syncFailedTasks,
        'one or more synchronization tasks completed unsuccessfully',
      );
      return;
    }

    tasks = tasks.filter(task => task.pending);
    if (this.options.applyOutOfSyncOnly) tasks = this.outOfSyncOnly(tasks);

    if (tasks.length === 0) {
      await this.deleteHooks(deleteOnSuccess);
      this.setPhase('Succeeded', 'successfully synced (no more tasks)');
      return;
    }

    const phase = tasks[0].phase;
    const wave = tasks[0].wave;
    const last = tasks[tasks.length - 1];
    const finalWave = phase === last.phase && wave === last.wave;
    const waveTasks = tasks.filter(
      task => task.phase === phase && task.wave === wave,
    );
    const remaining = tasks.length - waveTasks.length;

    this.setPhase('Running', 'one or more tasks are running');
    const runState = await this.runTasks(waveTasks, false);
    if (
      runState === 'successful' &&
      !finalWave &&
      !this.options.dryRun &&
      this.engine.waveDelayMs > 0
    ) {
      this.progress.healthCheckNotBefore = new Date(
        this.engine.now().getTime() + this.engine.waveDelayMs,
      ).toISOString();
    }

    switch (runState) {
      case 'failed': {
        const failedTasks = waveTasks.filter(
          task => task.status === 'SyncFailed',
        );
        let runningHooks = waveTasks.filter(task => task.running);
        if (runningHooks.length > 0) {
          if (syncFailTasks.length > 0) {
            const completed = await this.executeSyncFailPhase(
              syncFailTasks,
              failedTasks,
              'one or more objects failed to apply',
            );
            if (!completed) runningHooks = [...runningHooks, ...syncFailTasks];
          }
          this.setRunningPhase(runningHooks, false);
        } else {
          const completed = await this.executeSyncFailPhase(
            syncFailTasks,
            failedTasks,
            'one or more objects failed to apply',
          );
          if (completed) await this.deleteHooks(deleteOnFailure);
        }
        return;
      }
      case 'successful':
        if (remaining === 0 && !waveTasks.some(task => task.isHook)) {
          // The last wave is not waited for, as in Argo CD: applying it ends the sync.
          await this.deleteHooks(deleteOnSuccess);
          this.setPhase('Succeeded', 'successfully synced (all tasks run)');
        } else {
          this.setRunningPhase(waveTasks, false);
        }
        return;
      default:
        // Pending: hooks being deleted before they are created again, or
        // prunes waiting for confirmation.
        this.setRunningPhase(
          waveTasks.filter(
            task => task.deleteBeforeCreation || (task.isPrune && task.pending),
          ),
          true,
        );
    }
  }

  /** Runs the SyncFail hooks; true once the operation has failed (they are done, or there are none). */
  private async executeSyncFailPhase(
    syncFailTasks: SyncTask[],
    failedTasks: SyncTask[],
    message: string,
  ): Promise<boolean> {
    // A refused write's message names the object; a failed hook's or
    // degraded resource's (its health message) does not, so it is added.
    const withReasons = (tasks: SyncTask[], text: string) => {
      const reasons = [
        ...new Set(
          tasks
            .filter(task => task.message)
            .map(task =>
              task.status === 'SyncFailed'
                ? task.message
                : `${task.key.kind} ${
                    task.key.namespace ? `${task.key.namespace}/` : ''
                  }${task.key.name}: ${task.message}`,
            ),
        ),
      ];
      return reasons.length > 0
        ? `${text}, reason: ${reasons.join(',')}`
        : text;
    };
    let failure = withReasons(failedTasks, message);
    if (syncFailTasks.length === 0) {
      this.setPhase('Failed', failure);
      return true;
    }
    if (syncFailTasks.every(task => task.completed)) {
      const failedHooks = syncFailTasks.filter(task => !task.successful);
      if (failedHooks.length > 0)
        failure = `${failure}\n${withReasons(
          failedHooks,
          'one or more SyncFail hooks failed',
        )}`;
      this.setPhase('Failed', failure);
      return true;
    }
    const toStart = syncFailTasks.filter(
      task => !task.completed && !task.running,
    );
    await this.runTasks(toStart, false);
    this.setRunningPhase(
      syncFailTasks.filter(task => !task.completed),
      false,
    );
    return false;
  }

  /** Argo CD's `Terminate`: stops the running hooks and fails the operation. */
  async terminate(): Promise<void> {
    const { tasks } = await this.buildTasks();
    for (const task of tasks.filter(t => t.isHook && t.completed)) {
      await this.removeHookFinalizer(task).catch(error =>
        this.setResult(
          task,
          task.status,
          'Error',
          `Failed to remove hook finalizer: ${errorMessage(error)}`,
        ),
      );
    }
    let terminated = true;
    for (const task of tasks) {
      if (!task.isHook || !task.running) continue;
      const live = task.live ?? (await this.getFromServer(task.object));
      task.live = live;
      if (!live) {
        this.setResult(task, task.status, 'Succeeded', 'Terminated');
        continue;
      }
      const { phase, message } = await this.hookPhaseOf(task, live);
      try {
        await this.removeHookFinalizer(task);
      } catch (error) {
        this.setResult(
          task,
          task.status,
          'Error',
          `Failed to remove hook finalizer: ${errorMessage(error)}`,
        );
        terminated = false;
        continue;
      }
      if (phase === 'Running' || task.deleteOnFailure) {
        try {
          await this.deleteObject(live, this.options.prunePropagationPolicy);
        } catch (error) {
          this.setResult(
            task,
            task.status,
            'Failed',
            `Failed to delete: ${errorMessage(error)}`,
          );
          terminated = false;
          continue;
        }
      }
      if (isFinalPhase(phase))
        this.setResult(task, task.status, phase, message);
      else this.setResult(task, task.status, 'Failed', 'Terminated');
    }
    if (terminated) this.setPhase('Failed', 'Operation terminated');
    else this.setPhase('Error', 'Operation termination had errors');
  }

  // ------------------------------------------------------------ running tasks

  /** Argo CD's `runTasks`: prune, delete hooks due for re-creation, then apply by kind. */
  private async runTasks(
    tasks: SyncTask[],
    dryRunPass: boolean,
  ): Promise<RunState> {
    const dryRun = dryRunPass || this.options.dryRun;
    let state: RunState = 'successful';
    const pruneTasks = tasks.filter(task => task.isPrune);
    const createTasks = tasks.filter(task => !task.isPrune);

    if (!dryRun) {
      const existingHooks = tasks.filter(
        task => task.isHook && task.pending && task.live,
      );
      await Promise.all(
        existingHooks.map(async task => {
          try {
            await this.removeHookFinalizer(task);
          } catch (error) {
            state = 'failed';
            this.setResult(
              task,
              task.status,
              'Error',
              `failed to remove hook finalizer: ${errorMessage(error)}`,
            );
          }
        }),
      );
      if (state !== 'successful') return state;
    }

    if (
      !this.options.pruneConfirmed &&
      pruneTasks.some(task => this.requiresPruneConfirmation(task))
    )
      return 'pending';
    // In parallel; the results are recorded in task order, so they read the same every time.
    const pruned = await Promise.all(
      pruneTasks.map(task => this.pruneObject(task, dryRun)),
    );
    pruneTasks.forEach((task, i) => {
      const { status, message } = pruned[i];
      if (status === 'SyncFailed') state = 'failed';
      if (!dryRun || this.options.dryRun || status === 'SyncFailed')
        this.setResult(task, status, RESULT_PHASES[status], message);
    });
    if (state !== 'successful') return state;

    const toDelete = createTasks.filter(task => task.deleteBeforeCreation);
    if (toDelete.length > 0 && !dryRun) {
      await Promise.all(
        toDelete.map(async task => {
          if (task.live!.metadata.deletionTimestamp) {
            if (state === 'successful') state = 'pending';
            return;
          }
          try {
            if (
              await this.deleteObject(
                task.live!,
                this.options.prunePropagationPolicy,
              )
            ) {
              if (state === 'successful') state = 'pending';
            } else {
              task.live = undefined;
            }
          } catch (error) {
            state = 'failed';
            this.setResult(
              task,
              task.status,
              'Error',
              `failed to delete resource: ${errorMessage(error)}`,
            );
          }
        }),
      );
      if (state !== 'successful') return state;
    }

    // One kind at a time, in order; the objects of a kind in parallel.
    let group: SyncTask[] = [];
    const flush = async () => {
      if (group.length === 0) return;
      const current = group;
      group = [];
      if ((await this.applyGroup(current, dryRun, dryRunPass)) === 'failed')
        state = 'failed';
    };
    for (const task of createTasks) {
      if (group.length > 0 && group[0].object.kind !== task.object.kind)
        await flush();
      group.push(task);
    }
    await flush();
    return state;
  }

  private async applyGroup(
    tasks: SyncTask[],
    dryRun: boolean,
    dryRunPass: boolean,
  ): Promise<RunState> {
    let state: RunState = 'successful';
    // In parallel; the results are recorded in task order, so they read the same every time.
    const outcomes = await Promise.all(
      tasks.map(async task => {
        // A hook that is deleted before it is created again may differ from
        // the live one in immutable fields: the server would refuse the dry run.
        const skipReason =
          task.skipDryRunReason ??
          (task.deleteBeforeCreation
            ? 'the live hook is deleted before it is created again'
            : undefined);
        if (dryRun && skipReason) {
          // The whole-sync dry run still reports the object, as it would be applied.
          return this.options.dryRun
            ? ({
                status: 'Synced',
                message: `not dry-run on the server: ${skipReason}`,
              } as const)
            : undefined;
        }
        return this.applyObject(task, dryRun);
      }),
    );
    tasks.forEach((task, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      const { status, message } = outcome;
      if (status === 'SyncFailed') state = 'failed';
      if (!dryRunPass || this.options.dryRun || status === 'SyncFailed') {
        let phase = RESULT_PHASES[status];
        // Nothing was created by a dry run: validated is all it can be.
        if (this.options.dryRun && phase === 'Running') phase = 'Succeeded';
        this.setResult(task, status, phase, message);
      }
    });
    return state;
  }

  private verbFor(task: SyncTask): string {
    const { group, kind, name } = task.key;
    return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
  }

  /** Argo CD's `applyObject`: server-side apply, or replace (PUT, create when missing) with `Replace=true`. */
  private async applyObject(
    task: SyncTask,
    dryRun: boolean,
  ): Promise<{ status: ResultCode; message: string }> {
    const target = task.target!;
    const connection = this.engine.connection;
    const replace = this.options.replace || hasTaskOption(task, 'Replace=true');
    const force = this.options.force || hasTaskOption(task, 'Force=true');
    const validate =
      this.options.validate && !hasTaskOption(task, 'Validate=false', 'target');
    const write = {
      fieldManager: this.engine.fieldManager,
      dryRun,
      fieldValidation: validate ? ('Strict' as const) : ('Ignore' as const),
    };
    const suffix = dryRun ? ' (server dry run)' : '';
    const name = this.verbFor(task);
    try {
      let result: KubernetesObject;
      let verb: string;
      if (replace && task.live) {
        const keepObject =
          isCustomResourceDefinition(target) || isNamespace(target);
        if (force && !keepObject && !dryRun) {
          result = await this.recreate(task, () =>
            this.engine.requests.run(() => connection.create(target, write)),
          );
          verb = 'replaced';
        } else {
          // Without a resourceVersion the connection reads the current one
          // (the cached live object may be older).
          result = await this.engine.requests.run(() =>
            connection.replace(target, write),
          );
          verb = keepObject ? 'updated' : 'replaced';
        }
      } else if (replace) {
        result = await this.engine.requests.run(() =>
          connection.create(target, write),
        );
        verb = 'created';
      } else {
        const apply = () =>
          this.engine.requests.run(() =>
            connection.apply(target, { ...write, force: true }),
          );
        try {
          result = await apply();
        } catch (error) {
          // Force=true: an object the server refuses to change (an immutable
          // field) is deleted and created again, as `kubectl apply --force`.
          if (
            !force ||
            !(error instanceof ClusterRequestError) ||
            (error.code !== 422 && error.code !== 409) ||
            !task.live
          )
            throw error;
          if (dryRun) {
            return {
              status: 'Synced',
              message: `${name} would be deleted and created again (Force=true), as the server refuses to change it: ${error.serverMessage}`,
            };
          }
          result = await this.recreate(task, apply);
        }
        verb = 'serverside-applied';
        if (!dryRun) this.engine.onApplied?.(target, result);
      }
      if (!dryRun) {
        this.progress.applied[task.resultKey] = {
          uid: result.metadata.uid as string | undefined,
          generation:
            typeof result.metadata.generation === 'number'
              ? result.metadata.generation
              : undefined,
        };
        if (isCustomResourceDefinition(target))
          await this.awaitEstablished(target);
      }
      return { status: 'Synced', message: `${name} ${verb}${suffix}` };
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      return { status: 'SyncFailed', message: error.message };
    }
  }

  /** Deletes the live object, waits until it is gone, then writes it again. */
  private async recreate(
    task: SyncTask,
    write: () => Promise<KubernetesObject>,
  ): Promise<KubernetesObject> {
    // Foreground: what the old object owns (a Job's pods) goes before the new one comes.
    await this.deleteObject(task.live!, 'Foreground');
    const deadline = Date.now() + this.engine.recreateTimeoutMs;
    while (await this.getFromServer(task.target!)) {
      if (Date.now() > deadline) {
        throw new ClusterError(
          `${task.describe()} was deleted to be created again (Force=true), but it was still there after ${
            this.engine.recreateTimeoutMs
          } ms; the next sync creates it once it is gone`,
          this.engine.connection.clusterName,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return write();
  }

  /** Waits (a while) for an applied CRD to be Established, so its custom resources can be applied next. */
  private async awaitEstablished(crd: KubernetesObject): Promise<void> {
    const deadline = Date.now() + this.engine.crdEstablishedTimeoutMs;
    for (;;) {
      const live = await this.getFromServer(crd);
      const conditions = (
        live?.status as
          | { conditions?: Array<{ type?: string; status?: string }> }
          | undefined
      )?.conditions;
      if (
        conditions?.some(
          c => c.type === 'Established' && c.status === 'True',
        ) ||
        Date.now() >= deadline
      )
        break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    // Its kind is served now (or soon): the next lookup must not miss it.
    await this.engine.connection.discover({ refresh: true });
  }

  /** Argo CD's `pruneObject`. */
  private async pruneObject(
    task: SyncTask,
    dryRun: boolean,
  ): Promise<{ status: ResultCode; message: string }> {
    if (!this.options.prune)
      return { status: 'PruneSkipped', message: 'ignored (requires pruning)' };
    if (this.isPruningDisabled(task))
      return { status: 'PruneSkipped', message: 'ignored (no prune)' };
    if (dryRun) return { status: 'Pruned', message: 'pruned (dry run)' };
    if (!task.live!.metadata.deletionTimestamp) {
      try {
        await this.deleteObject(
          task.live!,
          this.options.prunePropagationPolicy,
        );
      } catch (error) {
        if (!(error instanceof ClusterError)) throw error;
        return { status: 'SyncFailed', message: error.message };
      }
    }
    return { status: 'Pruned', message: 'pruned' };
  }

  /** Deletes a live object (only that one: the uid is a precondition); false when it was already gone. */
  private async deleteObject(
    live: KubernetesObject,
    propagationPolicy: PropagationPolicy,
  ): Promise<boolean> {
    const resource = await this.resourceOf(live);
    if (!resource) return false;
    try {
      return await this.engine.requests.run(() =>
        this.engine.connection.delete(
          resource,
          live.metadata.name ?? '',
          live.metadata.namespace,
          {
            propagationPolicy,
            preconditions: live.metadata.uid
              ? { uid: String(live.metadata.uid) }
              : undefined,
          },
        ),
      );
    } catch (error) {
      // Another object of that name has taken its place: this one is gone.
      if (
        error instanceof ClusterRequestError &&
        error.code === 409 &&
        /[Pp]recondition/.test(error.serverMessage)
      )
        return false;
      throw error;
    }
  }

  private async deleteHooks(tasks: SyncTask[]): Promise<void> {
    await Promise.all(
      tasks.map(async task => {
        try {
          await this.deleteObject(
            task.live!,
            this.options.prunePropagationPolicy,
          );
        } catch (error) {
          if (!(error instanceof ClusterError)) throw error;
          this.setResult(
            task,
            task.status,
            'Error',
            `failed to delete resource: ${error.message}`,
          );
        }
      }),
    );
  }

  /**
   * Takes the hook finalizer off a live hook (read again and retried when
   * the object changed meanwhile), so the hook can be deleted.
   */
  private async removeHookFinalizer(task: SyncTask): Promise<void> {
    let live = task.live;
    for (let attempt = 1; live && hasHookFinalizer(live); attempt++) {
      const resource = await this.resourceOf(live);
      if (!resource) return;
      const finalizers = (live.metadata.finalizers as string[]).filter(
        f => f !== HOOK_FINALIZER,
      );
      try {
        const current = live;
        task.live = await this.engine.requests.run(() =>
          this.engine.connection.patch(
            resource,
            current.metadata.name ?? '',
            current.metadata.namespace,
            {
              metadata: {
                finalizers: finalizers.length > 0 ? finalizers : null,
                resourceVersion: current.metadata.resourceVersion,
              },
            },
            { type: 'merge', fieldManager: this.engine.fieldManager },
          ),
        );
        return;
      } catch (error) {
        if (error instanceof ClusterRequestError && error.code === 404) return;
        if (
          !(error instanceof ClusterRequestError) ||
          error.code !== 409 ||
          attempt >= 5
        )
          throw error;
        live = await this.getFromServer(live);
        task.live = live;
      }
    }
  }
}

/**
 * Argo CD's sync engine (`gitops-engine/pkg/sync/sync_context.go`) as a
 * state machine: each {@link SyncEngine.step} rebuilds the tasks from the
 * desired objects, the comparison, the live objects and the results recorded
 * so far, does the next thing (the dry run, one wave, SyncFail hooks, the
 * termination), and returns the new state. The caller persists every state,
 * so a sync interrupted at any point resumes from the last one. Phases
 * PreSync → Sync → PostSync, waves within each, kind order within a wave;
 * a wave starts only when the one before is healthy (hooks: complete).
 */
export class SyncEngine {
  readonly connection: ClusterConnection;
  readonly health: HealthAssessor;
  readonly tracking: ResourceTracking;
  readonly diffSettings: DiffSettings;
  readonly fieldManager: string;
  readonly waveDelayMs: number;
  readonly crdEstablishedTimeoutMs: number;
  readonly recreateTimeoutMs: number;
  readonly maxStepErrors: number;
  readonly validateResource?: SyncEngineOptions['validateResource'];
  readonly onApplied?: SyncEngineOptions['onApplied'];
  readonly now: () => Date;
  /** @internal */
  readonly requests: Semaphore;

  constructor(options: SyncEngineOptions) {
    this.connection = options.connection;
    this.health = options.health;
    this.tracking = options.tracking ?? new ResourceTracking();
    this.diffSettings = options.diffSettings ?? DiffSettings.defaults;
    this.fieldManager = options.fieldManager ?? DRIFTLESS_FIELD_MANAGER;
    this.waveDelayMs = options.waveDelayMs ?? 1_000;
    this.crdEstablishedTimeoutMs = options.crdEstablishedTimeoutMs ?? 3_000;
    this.recreateTimeoutMs = options.recreateTimeoutMs ?? 30_000;
    this.maxStepErrors = options.maxStepErrors ?? 5;
    this.validateResource = options.validateResource;
    this.onApplied = options.onApplied;
    this.now = options.now ?? (() => new Date());
    this.requests = new Semaphore(options.concurrency ?? 20);
  }

  /**
   * A new operation's state (Argo CD's `NewOperationState`): Running, started
   * now, with the attempt id its hooks are marked with. Persist it before the
   * first step, so a step that stops half-way is recognised on resume.
   */
  initialState(operation: Operation): SyncOperationState {
    return {
      operation,
      phase: 'Running',
      message: '',
      startedAt: this.now().toISOString(),
      retryCount: 0,
      progress: newSyncProgress(),
    };
  }

  /**
   * Runs the next step of the operation and returns its new state (the one
   * given is not changed). A final state, or one waiting for a retry, comes
   * back as it is; so does one whose wave delay has not passed (see
   * {@link SyncEngine.nextStepDelayMs}). A state in phase Terminating is
   * terminated: running hooks are stopped and the operation Failed.
   */
  async step(
    request: SyncInput,
    previous?: SyncOperationState,
  ): Promise<SyncOperationState> {
    const state: SyncOperationState = previous
      ? structuredClone(previous)
      : this.initialState(request.operation);
    if (isFinalPhase(state.phase)) return state;
    if (state.phase === 'Running' && state.finishedAt !== undefined)
      return state;
    if (state.phase === 'Running' && this.nextStepDelayMs(state) > 0)
      return state;
    state.syncResult ??= {
      revision: request.revision,
      revisions: request.revisions,
      resources: [],
    };
    const managedNamespaceMetadata =
      request.application.spec.syncPolicy?.managedNamespaceMetadata;
    if (managedNamespaceMetadata)
      state.syncResult.managedNamespaceMetadata = managedNamespaceMetadata;
    state.progress ??= newSyncProgress();
    const step = new SyncStep(this, request, state);
    try {
      if (state.phase === 'Terminating') await step.terminate();
      else await step.sync();
      delete state.progress.stepErrors;
    } catch (error) {
      if (error instanceof IgnoreDifferencesConfigError) {
        // RespectIgnoreDifferences=true needs rules that can be read.
        state.phase = 'Error';
        state.message = error.message;
        state.finishedAt = this.now().toISOString();
        return state;
      }
      if (!(error instanceof ClusterError)) throw error;
      // A cluster that cannot be reached for a moment does not end the
      // operation; the step runs again, and everything it does is idempotent.
      const failures = (state.progress.stepErrors ?? 0) + 1;
      state.progress.stepErrors = failures;
      if (failures >= this.maxStepErrors) {
        state.phase = 'Error';
        state.message = `${error.message} (${failures} steps in a row failed)`;
      } else {
        state.message = `${error.message}; trying again (${failures} of ${this.maxStepErrors})`;
      }
    }
    if (isFinalPhase(state.phase)) {
      state.finishedAt = this.now().toISOString();
      delete state.progress.healthCheckNotBefore;
    }
    return state;
  }

  /** How long until the state's next step can do anything (the wave delay); 0 when it can run now. */
  nextStepDelayMs(state: SyncOperationState): number {
    const notBefore = state.progress?.healthCheckNotBefore;
    if (!notBefore) return 0;
    return Math.max(0, new Date(notBefore).getTime() - this.now().getTime());
  }
}
