import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  APPLICATION_SET_OWNER_KEY,
  type ApplicationSetApplicationStatusView,
  type ApplicationSetConditionView,
  type ApplicationSetStatusView,
  type GenerateApplicationSetResponse,
} from '@driftless/backstage-plugin-gitops-common';
import {
  ApplicationSetGenerationError,
  ApplicationSetValidationError,
  RESOURCES_FINALIZER,
  type Application,
  type ApplicationSet,
  type ApplicationsSyncPolicy,
} from '@driftless/gitops-engine';
import { isDeepStrictEqual } from 'node:util';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type {
  ApplicationKey,
  ApplicationRecord,
  ArgoObjectRecord,
} from '../../database/types';
import { LeaseKeeper, type HeldLease } from '../controller/LeaseKeeper';
import { listAllApplications } from '../controller/listAllApplications';
import type {
  ApplicationSetControllerHooks,
  GitPushEvent,
} from '../controller/types';
import { WorkQueue, type WorkOutcome } from '../controller/WorkQueue';
import type {
  ApplicationSetGeneration,
  GenerationOutcome,
} from './ApplicationSetGeneration';
import {
  CONDITION,
  generationFailureReason,
  mergeConditions,
  reconcileConditions,
  REASON,
  resourcesOf,
} from './applicationSetStatus';
import {
  allowsDelete,
  effectiveApplicationsSync,
} from './applicationsSyncPolicy';
import { dryRunApplicationSet } from './dryRunApplicationSet';
import {
  ApplicationSetSpecError,
  evaluateApplicationSet,
  type ApplicationSetEvaluation,
} from './evaluateApplicationSet';
import {
  gitGeneratorSources,
  pushConcernsGenerators,
} from './gitGeneratorSources';
import {
  applicationSetOrigin,
  parseApplicationSetOrigin,
} from './planApplicationChanges';
import { computeRollout, type RolloutAppState } from './progressiveSync';
import type { ApplicationSetSettings } from './readApplicationSetConfig';
import type { GeneratedApplicationsPort } from './types';

/** Why a set is reconciled; requests for one set merge. */
interface SetFlags {
  /** Ask Git again for branch heads (a push, the periodic requeue of Git generators). */
  refreshGit: boolean;
  /** Only the generated apps' status changed: an earlier generation of this set may be reused. */
  statusOnly: boolean;
  /** Someone waits for it (a push): retry while another replica holds the set. */
  explicit: boolean;
  /** Only the periodic requeue asked: skipped when the set was reconciled lately. */
  periodic: boolean;
  requestedAt: number;
}

const mergeFlags = (a: SetFlags, b: SetFlags): SetFlags => ({
  refreshGit: a.refreshGit || b.refreshGit,
  statusOnly: a.statusOnly && b.statusOnly,
  explicit: a.explicit || b.explicit,
  periodic: a.periodic && b.periodic,
  requestedAt: Math.min(a.requestedAt, b.requestedAt),
});

/** How long a replica waits before asking again for a set another replica holds. */
const LEASE_RETRY_MS = 500;
/** Status changes of generated apps are gathered this long before the set looks at them. */
const STATUS_DEBOUNCE_MS = 250;
/** How soon a set is looked at again after its rollout moved, or while its apps are being deleted. */
const SOON_MS = 250;
/** Who RollingSync syncs are initiated by, as in Argo CD. */
const ROLLOUT_INITIATOR = 'applicationset-controller';
/** Conditions of failed syncs and writes are shortened to this, as Argo CD keeps the last message. */
const MAX_LISTED_PROBLEMS = 3;

function formatKey(key: ApplicationKey): string {
  return `${key.namespace}/${key.name}`;
}

function parseKey(id: string): ApplicationKey {
  const slash = id.indexOf('/');
  return { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function summarize(problems: string[]): string {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
  return problems.length > MAX_LISTED_PROBLEMS
    ? `${shown} (and ${problems.length - MAX_LISTED_PROBLEMS} more)`
    : shown;
}

/** The lease that guards work on one set: `applicationset:<namespace>/<name>`. */
export function applicationSetLeaseName(key: ApplicationKey): string {
  return `applicationset:${formatKey(key)}`;
}

export interface ApplicationSetControllerOptions {
  store: GitOpsStore;
  generation: ApplicationSetGeneration;
  applications: GeneratedApplicationsPort;
  settings: ApplicationSetSettings;
  /** Where sets and dry-run sets without a namespace belong (`gitops.controller.namespace`). */
  controlPlaneNamespace: string;
  /** This replica's id in leases. */
  holder: string;
  leaseTtlMs: number;
  /** How long a push waits for a set another replica is working on. */
  refreshWaitMs: number;
  logger: LoggerService;
}

/** The last generation of a set on this replica, reused by passes that only follow app status. */
interface CachedGeneration {
  generation: number;
  at: number;
  outcome: GenerationOutcome;
}

/**
 * Driftless's ApplicationSet controller (Argo CD's
 * `argocd-applicationset-controller`): for every stored ApplicationSet,
 * generates its Applications and creates, updates and deletes them as its
 * `applicationsSync` policy allows, never deleting anything when generation
 * fails; runs RollingSync rollouts; keeps the set's status, conditions and
 * events. Generated apps are stored with origin `applicationset:<ns>/<name>`
 * and reconciled, synced and deleted by the application controller like any
 * other. Work on a set runs only while this replica holds the set's lease.
 */
export class ApplicationSetController implements ApplicationSetControllerHooks {
  private readonly store: GitOpsStore;
  private readonly settings: ApplicationSetSettings;
  private readonly logger: LoggerService;
  private readonly leases: LeaseKeeper;
  private readonly queue: WorkQueue<SetFlags>;
  /** Sets seen at the last scan, with their generation and manifest. */
  private readonly known = new Map<string, ArgoObjectRecord>();
  private readonly generations = new Map<string, CachedGeneration>();
  /** The requeue interval each set asked for at its last reconcile here. */
  private readonly requeueAfter = new Map<string, number>();
  private scanTimer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: ApplicationSetControllerOptions) {
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.leases = new LeaseKeeper({
      store: options.store,
      holder: options.holder,
      ttlMs: options.leaseTtlMs,
      onLost: (name, reason) =>
        this.logger.warn(`Lost lease ${name}: ${reason}; stopping its work`),
    });
    this.queue = new WorkQueue<SetFlags>({
      concurrency: options.settings.concurrency,
      mergeFlags,
      process: (id, flags) => this.process(parseKey(id), flags),
    });
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Queues every stored set, every set whose Applications outlive it (a
   * status left behind, or apps with its origin), and starts the periodic
   * scan that picks up new, changed and removed sets.
   */
  async start(): Promise<void> {
    const orphans = new Set<string>();
    for (const record of await listAllApplications(this.store)) {
      const owner = parseApplicationSetOrigin(record.origin);
      if (owner) orphans.add(formatKey(owner));
    }
    for (const status of await this.store.listApplicationSetStatuses()) {
      orphans.add(formatKey(status));
    }
    await this.scan();
    for (const id of orphans) {
      if (!this.known.has(id)) this.enqueue(parseKey(id), {});
    }
    this.scanTimer = setInterval(() => {
      this.scan().catch(error =>
        this.logger.error(
          `Listing ApplicationSets failed: ${errorMessage(error)}`,
        ),
      );
    }, this.settings.scanIntervalMs);
    this.scanTimer.unref?.();
  }

  /** Stops taking work and lets running work end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.scanTimer);
    this.leases.abortAll('the backend is stopping');
    await this.queue.stop();
  }

  /** Queues sets that are new, changed or gone since the last scan. */
  private scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    if (this.stopped) return;
    const records = await this.store.listArgoObjects({
      kind: 'ApplicationSet',
    });
    const seen = new Set<string>();
    for (const record of records) {
      const id = formatKey(record);
      seen.add(id);
      const before = this.known.get(id);
      this.known.set(id, record);
      if (!before || before.generation !== record.generation) {
        this.enqueue(record, { refreshGit: !before });
      }
    }
    for (const id of [...this.known.keys()]) {
      if (!seen.has(id)) {
        this.known.delete(id);
        this.enqueue(parseKey(id), {});
      }
    }
  }

  private enqueue(
    key: ApplicationKey,
    flags: Partial<Omit<SetFlags, 'requestedAt'>>,
    delayMs = 0,
  ): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const queued = this.queue.add(
      formatKey(key),
      {
        refreshGit: false,
        statusOnly: false,
        explicit: false,
        periodic: false,
        ...flags,
        requestedAt: Date.now(),
      },
      delayMs,
    );
    // Most callers do not wait; a request still queued when the controller
    // stops is rejected, which must not become an unhandled rejection.
    queued.catch(() => undefined);
    return queued;
  }

  // ------------------------------------------------------------ triggers

  handlePush(pushes: GitPushEvent[]): void {
    for (const record of this.known.values()) {
      if (
        pushConcernsGenerators(
          pushes,
          gitGeneratorSources(record.manifest.spec),
        )
      ) {
        this.enqueue(record, { refreshGit: true, explicit: true }).catch(
          () => undefined,
        );
      }
    }
    // The push may change a set itself (its platform repository): look soon,
    // once the application controller has registered the change.
    setTimeout(() => {
      this.scan().catch(() => undefined);
    }, 1_000).unref?.();
  }

  applicationStatusChanged(_key: ApplicationKey, origin: string): void {
    const owner = parseApplicationSetOrigin(origin);
    if (owner) {
      this.enqueue(owner, { statusOnly: true }, STATUS_DEBOUNCE_MS).catch(
        () => undefined,
      );
    }
  }

  generate(
    applicationSet: Record<string, unknown>,
  ): Promise<GenerateApplicationSetResponse> {
    return dryRunApplicationSet(this.evaluationDeps(), applicationSet);
  }

  private evaluationDeps() {
    return {
      store: this.store,
      generation: this.options.generation,
      settings: this.settings,
      destinationProblem: this.options.applications.destinationProblem.bind(
        this.options.applications,
      ),
      controlPlaneNamespace: this.options.controlPlaneNamespace,
    };
  }

  // ------------------------------------------------------------ reconcile

  private async process(
    key: ApplicationKey,
    flags: SetFlags,
  ): Promise<WorkOutcome | void> {
    const id = formatKey(key);
    let result;
    try {
      result = await this.leases.run(applicationSetLeaseName(key), lease =>
        this.reconcileHeld(key, flags, lease),
      );
    } catch (error) {
      this.logger.error(
        `Reconciling ApplicationSet ${id} failed: ${errorMessage(
          error,
        )}; trying again in ${this.settings.errorRequeueAfterMs / 1000} s`,
      );
      this.enqueue(
        key,
        { refreshGit: true },
        this.settings.errorRequeueAfterMs,
      );
      return undefined;
    }
    if (!result.acquired) {
      if (
        flags.explicit &&
        Date.now() - flags.requestedAt < this.options.refreshWaitMs
      ) {
        return { retryAfterMs: LEASE_RETRY_MS };
      }
      // The replica holding it does the work; look again in case it dies.
      this.enqueue(
        key,
        { refreshGit: true, periodic: true },
        this.requeueAfter.get(id) ?? this.settings.errorRequeueAfterMs,
      );
      return undefined;
    }
    const next = result.value;
    if (next !== undefined) {
      this.enqueue(key, next.flags, next.delayMs);
    }
    return undefined;
  }

  /** Reconciles one set under its lease; returns when and how to look again. */
  private async reconcileHeld(
    key: ApplicationKey,
    flags: SetFlags,
    lease: HeldLease,
  ): Promise<
    | { delayMs: number; flags: Partial<Omit<SetFlags, 'requestedAt'>> }
    | undefined
  > {
    const id = formatKey(key);
    const record = await this.store.getArgoObject({
      kind: 'ApplicationSet',
      ...key,
    });
    if (!record) {
      return this.removeApplicationsOfGoneSet(key, lease);
    }
    const previous = await this.store.getApplicationSetStatus(key);
    const previousStatus = previous?.status as
      | Partial<ApplicationSetStatusView>
      | undefined;
    const requeueMs =
      this.requeueAfter.get(id) ?? this.settings.gitRequeueAfterMs;
    if (
      flags.periodic &&
      previous &&
      Date.now() - Date.parse(previous.reconciledAt) < requeueMs / 2
    ) {
      // Another replica (or an event) reconciled it lately.
      return {
        delayMs: requeueMs,
        flags: { refreshGit: true, periodic: true },
      };
    }

    const manifest = record.manifest as unknown as ApplicationSet;
    const now = new Date().toISOString();
    const cached = this.generations.get(id);
    const reuse =
      flags.statusOnly &&
      cached &&
      cached.generation === record.generation &&
      Date.now() - cached.at < requeueMs;

    let evaluation: ApplicationSetEvaluation;
    try {
      evaluation = await evaluateApplicationSet(
        this.evaluationDeps(),
        manifest,
        {
          refreshGit: flags.refreshGit,
          ...(reuse ? { generated: cached!.outcome } : {}),
        },
      );
    } catch (error) {
      if (
        !(error instanceof ApplicationSetGenerationError) &&
        !(error instanceof ApplicationSetValidationError) &&
        !(error instanceof ApplicationSetSpecError)
      ) {
        throw error;
      }
      // Never delete on error: the set's Applications stay as they are.
      this.generations.delete(id);
      await this.saveFailure(record, previousStatus, now, {
        reason: generationFailureReason(error),
        message: error.message,
      });
      return {
        delayMs: this.settings.errorRequeueAfterMs,
        flags: { refreshGit: true },
      };
    }
    if (!reuse) {
      this.generations.set(id, {
        generation: record.generation,
        at: Date.now(),
        outcome: evaluation.generated,
      });
    }
    if (lease.signal.aborted) return undefined;

    const rollout = evaluation.rolling
      ? computeRollout({
          steps: evaluation.strategy!.steps,
          previous: previousStatus?.applicationStatus ?? [],
          desired: evaluation.generated.applications
            .filter(app => evaluation.plan.desired.has(app.metadata.name))
            .map(app => ({
              name: app.metadata.name,
              labels: (app.metadata.labels as Record<string, string>) ?? {},
            })),
          current: await Promise.all(
            evaluation.owned.map(owned =>
              this.rolloutState(owned, evaluation.plan.desired.get(owned.name)),
            ),
          ),
          now,
        })
      : undefined;

    const problems = await this.applyPlan(evaluation, lease);
    if (rollout && !lease.signal.aborted) {
      problems.push(
        ...(await this.startRolloutSyncs(evaluation, rollout.toSync, rollout)),
      );
    }

    const owned = await listAllApplications(this.store, {
      origins: [applicationSetOrigin(key)],
    });
    const failures = [
      ...[...evaluation.invalid.values()].map(message => ({
        reason: REASON.validationError,
        message,
      })),
      ...problems,
    ];
    const outcome =
      failures.length === 0
        ? ({ kind: 'ok' } as const)
        : ({
            kind: 'error',
            reason: failures[failures.length - 1].reason,
            message: summarize(failures.map(failure => failure.message)),
            parametersGenerated: true,
          } as const);
    const conditions = mergeConditions(
      previousStatus?.conditions ?? [],
      [
        ...reconcileConditions(outcome),
        ...(rollout
          ? [{ type: CONDITION.rolloutProgressing, ...rollout.condition }]
          : []),
      ],
      now,
      [CONDITION.rolloutProgressing],
    );
    const status: ApplicationSetStatusView = {
      conditions,
      ...(rollout ? { applicationStatus: rollout.applicationStatus } : {}),
      resources: resourcesOf(owned),
      resourcesCount: owned.length,
      reconciledAt: now,
      observedGeneration: record.generation,
      ...(evaluation.generated.gitRevisions.length > 0
        ? { gitRevisions: evaluation.generated.gitRevisions }
        : {}),
    };
    if (lease.signal.aborted) return undefined;
    await this.store.saveApplicationSetStatus({
      ...key,
      status: { ...status },
      applicationsSync: evaluation.policy,
      reconciledAt: now,
    });
    await this.recordConditionEvents(
      key,
      previousStatus?.conditions,
      conditions,
    );

    const generatorRequeue = evaluation.generated.requeueAfterMs;
    if (generatorRequeue !== undefined) {
      this.requeueAfter.set(id, generatorRequeue);
    } else {
      this.requeueAfter.delete(id);
    }
    const waits: Array<{
      delayMs: number;
      flags: Partial<Omit<SetFlags, 'requestedAt'>>;
    }> = [];
    if (generatorRequeue !== undefined) {
      waits.push({
        delayMs: generatorRequeue,
        flags: { refreshGit: true, periodic: true },
      });
    }
    if (failures.length > 0) {
      waits.push({
        delayMs: this.settings.errorRequeueAfterMs,
        flags: { refreshGit: true },
      });
    }
    if (rollout?.changed) {
      waits.push({ delayMs: SOON_MS, flags: { statusOnly: true } });
    } else if (rollout?.condition.status === 'True') {
      waits.push({
        delayMs: this.settings.rolloutPollMs,
        flags: { statusOnly: true },
      });
    }
    if (owned.some(app => app.manifest.metadata.deletionTimestamp)) {
      waits.push({
        delayMs: this.settings.rolloutPollMs,
        flags: { statusOnly: true },
      });
    }
    waits.sort((a, b) => a.delayMs - b.delayMs);
    return waits[0];
  }

  /** What a rollout reads of a generated app. */
  private async rolloutState(
    record: ApplicationRecord,
    desired: Application | undefined,
  ): Promise<RolloutAppState> {
    const status = record.status?.status as
      | {
          sync?: { status?: string; revision?: string; revisions?: string[] };
          health?: { status?: string };
          conditions?: Array<{ type?: string }>;
          reconciledAt?: string;
        }
      | undefined;
    const operation = await this.store.getLatestOperation(record);
    let revisions: string[] = [];
    if (status?.sync?.revisions && status.sync.revisions.length > 0) {
      revisions = status.sync.revisions;
    } else if (status?.sync?.revision) {
      revisions = [status.sync.revision];
    }
    return {
      name: record.name,
      ...(status?.sync?.status ? { sync: status.sync.status } : {}),
      ...(status?.health?.status ? { health: status.health.status } : {}),
      revisions,
      ...(status?.reconciledAt || record.status?.reconciledAt
        ? { reconciledAt: status?.reconciledAt ?? record.status?.reconciledAt }
        : {}),
      hasError: (status?.conditions ?? []).some(
        condition =>
          condition.type === 'InvalidSpecError' ||
          condition.type === 'UnknownError',
      ),
      ...(operation
        ? {
            operation: {
              phase: operation.phase,
              createdAt: operation.createdAt,
              ...(operation.startedAt
                ? { startedAt: operation.startedAt }
                : {}),
            },
          }
        : {}),
      specChanged: desired
        ? !isDeepStrictEqual(
            JSON.parse(JSON.stringify(desired.spec)),
            JSON.parse(JSON.stringify(record.manifest.spec)),
          )
        : false,
    };
  }

  /** Writes the plan; returns what failed (the rest is still written). */
  private async applyPlan(
    evaluation: ApplicationSetEvaluation,
    lease: HeldLease,
  ): Promise<Array<{ reason: string; message: string }>> {
    const { key, plan } = evaluation;
    const origin = applicationSetOrigin(key);
    const problems: Array<{ reason: string; message: string }> = [];
    for (const conflict of plan.conflicts) {
      problems.push({
        reason: REASON.createApplicationError,
        message: `Application ${key.namespace}/${conflict.name} already exists and is managed by ${conflict.origin}; the ApplicationSet leaves it alone. Rename one of them`,
      });
    }
    for (const application of plan.create) {
      if (lease.signal.aborted) return problems;
      const appKey = {
        namespace: key.namespace,
        name: application.metadata.name,
      };
      try {
        await this.store.upsertApplication({
          application,
          origin,
          mode: 'create',
        });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        problems.push({
          reason: REASON.createApplicationError,
          message: `Application ${formatKey(
            appKey,
          )} was created by someone else meanwhile; the ApplicationSet leaves it alone`,
        });
        continue;
      }
      await this.event(
        key,
        'Normal',
        'ApplicationCreated',
        `Created Application ${application.metadata.name}`,
      );
      this.options.applications.applicationChanged(appKey);
    }
    for (const { record, application } of plan.update) {
      if (lease.signal.aborted) return problems;
      const current = await this.store.getApplication(record);
      if (!current || current.origin !== origin) continue;
      const { specChanged } = await this.store.upsertApplication({
        application,
        origin,
      });
      await this.event(
        key,
        'Normal',
        'ApplicationUpdated',
        `Updated Application ${application.metadata.name}${
          specChanged ? '' : ' (labels, annotations or finalizers)'
        }`,
      );
      this.options.applications.applicationChanged(record);
    }
    for (const record of plan.delete) {
      if (lease.signal.aborted) return problems;
      try {
        const withResources = await this.deleteGenerated(key, record);
        await this.event(
          key,
          'Normal',
          'ApplicationDeleted',
          `Deleted Application ${record.name}${
            withResources
              ? ' and its resources'
              : ', leaving its resources in place'
          }`,
        );
      } catch (error) {
        problems.push({
          reason: REASON.deleteApplicationError,
          message: `Deleting Application ${formatKey(
            record,
          )} failed: ${errorMessage(error)}`,
        });
      }
    }
    return problems;
  }

  /**
   * Deletes an app the set no longer generates through the application
   * controller's deletion path. An app whose destination names no known
   * cluster loses its resources finalizer first (Argo CD's
   * removeFinalizerOnInvalidDestination), so its deletion cannot hang.
   * Returns whether its resources are deleted with it.
   */
  private async deleteGenerated(
    set: ApplicationKey,
    record: ApplicationRecord,
  ): Promise<boolean> {
    let target = record;
    const finalizers = (record.manifest.metadata.finalizers as string[]) ?? [];
    const deletesResources = finalizers.some(finalizer =>
      finalizer.startsWith(RESOURCES_FINALIZER),
    );
    if (deletesResources) {
      const problem = await this.options.applications.destinationProblem(
        record.manifest.spec?.destination ?? {},
      );
      if (problem) {
        target = {
          ...record,
          manifest: {
            ...record.manifest,
            metadata: {
              ...record.manifest.metadata,
              finalizers: finalizers.filter(
                finalizer => !finalizer.startsWith(RESOURCES_FINALIZER),
              ),
            },
          },
        };
        await this.event(
          set,
          'Normal',
          'ApplicationUpdated',
          `Removed the resources finalizer of Application ${record.name} before deleting it, because its destination is invalid: ${problem}`,
        );
      }
    }
    await this.options.applications.deleteOwnedApplication(target);
    return target === record && deletesResources;
  }

  /** Starts the syncs a RollingSync pass asks for. */
  private async startRolloutSyncs(
    evaluation: ApplicationSetEvaluation,
    names: string[],
    rollout: { applicationStatus: ApplicationSetApplicationStatusView[] },
  ): Promise<Array<{ reason: string; message: string }>> {
    const problems: Array<{ reason: string; message: string }> = [];
    for (const name of names) {
      const appKey = { namespace: evaluation.key.namespace, name };
      const application = evaluation.plan.desired.get(name);
      const syncPolicy = application?.spec.syncPolicy;
      try {
        await this.options.applications.requestSync(
          appKey,
          {
            prune: Boolean(syncPolicy?.automated?.prune),
            ...(syncPolicy?.syncOptions
              ? { syncOptions: syncPolicy.syncOptions }
              : {}),
            ...(syncPolicy?.retry ? {} : { retry: { limit: 5 } }),
          },
          { username: ROLLOUT_INITIATOR, automated: true },
        );
        const step = rollout.applicationStatus.find(
          status => status.application === name,
        )?.step;
        await this.event(
          evaluation.key,
          'Normal',
          'RolloutSyncStarted',
          `RollingSync step ${step}: started a sync of Application ${name}`,
        );
      } catch (error) {
        // A sync already running (a user's) is awaited; the next pass looks again.
        if (error instanceof ConflictError) continue;
        if (error instanceof NotFoundError) continue;
        problems.push({
          reason: REASON.syncApplicationError,
          message: `Starting the RollingSync sync of Application ${formatKey(
            appKey,
          )} failed: ${errorMessage(error)}`,
        });
      }
    }
    return problems;
  }

  /** Records a failed generation or validation: the set's Applications stay as they are. */
  private async saveFailure(
    record: ArgoObjectRecord,
    previousStatus: Partial<ApplicationSetStatusView> | undefined,
    now: string,
    failure: { reason: string; message: string },
  ): Promise<void> {
    const key = { namespace: record.namespace, name: record.name };
    const owned = await listAllApplications(this.store, {
      origins: [applicationSetOrigin(key)],
    });
    const conditions = mergeConditions(
      previousStatus?.conditions ?? [],
      reconcileConditions({
        kind: 'error',
        ...failure,
        parametersGenerated: false,
      }),
      now,
    );
    const manifest = record.manifest as unknown as ApplicationSet;
    await this.store.saveApplicationSetStatus({
      ...key,
      status: {
        ...previousStatus,
        conditions,
        resources: resourcesOf(owned),
        resourcesCount: owned.length,
        reconciledAt: now,
        observedGeneration: record.generation,
      },
      applicationsSync: effectiveApplicationsSync(
        manifest.spec?.syncPolicy,
        this.settings,
      ),
      reconciledAt: now,
    });
    const before = previousStatus?.conditions?.find(
      condition => condition.type === CONDITION.errorOccurred,
    );
    if (before?.status !== 'True' || before.message !== failure.message) {
      this.logger.warn(
        `ApplicationSet ${formatKey(key)} cannot be generated; its ${
          owned.length
        } Applications are kept as they are: ${failure.message}`,
      );
    }
    await this.recordConditionEvents(
      key,
      previousStatus?.conditions,
      conditions,
    );
  }

  /** An event when the set's error appears, changes or clears. */
  private async recordConditionEvents(
    key: ApplicationKey,
    previous: ApplicationSetConditionView[] | undefined,
    next: ApplicationSetConditionView[],
  ): Promise<void> {
    const before = previous?.find(c => c.type === CONDITION.errorOccurred);
    const after = next.find(c => c.type === CONDITION.errorOccurred);
    if (after?.status === 'True') {
      if (before?.status !== 'True' || before.message !== after.message) {
        await this.event(key, 'Warning', after.reason, after.message);
      }
    } else if (before?.status === 'True') {
      await this.event(
        key,
        'Normal',
        REASON.upToDate,
        'The ApplicationSet generates its Applications without errors again',
      );
    }
  }

  private async event(
    key: ApplicationKey,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    await this.store.appendApplicationSetEvent({
      ...key,
      type,
      reason,
      message,
    });
  }

  // ------------------------------------------------------------ removed sets

  /**
   * The set is gone: as Kubernetes' garbage collection does for Argo CD, its
   * Applications are deleted (each per its resources finalizer) when the
   * policy it last ran with allows deletes, and orphaned otherwise (Argo CD
   * removes their owner references): they become plain Applications of
   * origin `api`. Its status and events go once no Application is left.
   */
  private async removeApplicationsOfGoneSet(
    key: ApplicationKey,
    lease: HeldLease,
  ): Promise<
    | { delayMs: number; flags: Partial<Omit<SetFlags, 'requestedAt'>> }
    | undefined
  > {
    const id = formatKey(key);
    this.generations.delete(id);
    this.requeueAfter.delete(id);
    const origin = applicationSetOrigin(key);
    const status = await this.store.getApplicationSetStatus(key);
    const policy = (status?.applicationsSync ??
      effectiveApplicationsSync(
        undefined,
        this.settings,
      )) as ApplicationsSyncPolicy;
    const owned = await listAllApplications(this.store, { origins: [origin] });
    if (owned.length === 0) {
      await this.store.deleteApplicationSetState(key);
      return undefined;
    }
    if (lease.signal.aborted) return undefined;
    if (allowsDelete(policy)) {
      for (const record of owned) {
        if (record.manifest.metadata.deletionTimestamp) continue;
        await this.deleteGenerated(key, record);
        this.logger.info(
          `Deleted Application ${formatKey(
            record,
          )}: its ApplicationSet ${id} is gone`,
        );
      }
      // Looked at again until the application controller has deleted them all.
      return { delayMs: SOON_MS * 4, flags: {} };
    }
    for (const record of owned) {
      const { ownerReferences: _owners, ...metadata } = record.manifest
        .metadata as Application['metadata'] & { ownerReferences?: unknown };
      const labels = { ...(metadata.labels as Record<string, string>) };
      const annotations = {
        ...(metadata.annotations as Record<string, string>),
      };
      delete labels[APPLICATION_SET_OWNER_KEY];
      delete annotations[APPLICATION_SET_OWNER_KEY];
      await this.store.upsertApplication({
        application: {
          ...record.manifest,
          metadata: { ...metadata, labels, annotations },
        },
        origin: 'api',
      });
      this.logger.info(
        `Kept Application ${formatKey(
          record,
        )} as an API-managed app: its ApplicationSet ${id} is gone and its policy ${policy} does not delete`,
      );
    }
    await this.store.deleteApplicationSetState(key);
    return undefined;
  }
}
