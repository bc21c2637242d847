import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { APPLICATIONS_SIGNAL_CHANNEL } from '@driftless/backstage-plugin-gitops-common';
import {
  ApplicationValidationError,
  BACKGROUND_RESOURCES_FINALIZER,
  ClusterRequestError,
  applicationSources,
  maskSecretPair,
  parseApplication,
  type Application,
  type ApplicationDestination,
  type ApplicationSource,
  type ClusterCacheEvent,
  type DiffSettings,
  DefaultResourceActionRunner,
  ResourceActionError,
  type GitSource,
  type HealthAssessor,
  type KubernetesObject,
  type Renderer,
  type ResourceActionCreate,
  type ResourceActionRunner,
  type ResourceTracking,
} from '@driftless/gitops-engine';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type {
  ApplicationKey,
  ApplicationOperation,
  ApplicationRecord,
  OperationRecord,
} from '../../database/types';
import type { RegisteredCluster } from '../clusters/ClusterRegistry';
import { applicationsAffectedByPush } from '../webhooks/applicationsAffectedByPush';
import type { GitPushEvent } from '../webhooks/types';
import {
  ChildRegistrar,
  deletesResourcesWithApp,
  isRegisteredKind,
  RESOURCES_FINALIZER,
} from './appOfApps';
import { ClusterCaches, matchDestination } from './ClusterCaches';
import type { ControllerMetrics } from './ControllerMetrics';
import { decideAutomatedSync, type LastOperation } from './decideAutomatedSync';
import { deletionStep } from './deletionStep';
import { applicationLeaseName, LeaseKeeper } from './LeaseKeeper';
import { listAllApplications } from './listAllApplications';
import type { OperationRunContext, OperationRunner } from './OperationRunner';
import type {
  ControllerSettings,
  PlatformSource,
} from './readControllerConfig';
import {
  compareApplication,
  instanceNameOf,
  reconcileApplication,
  ReconcileProblem,
  type ComparedApplication,
  type ReconcileDependencies,
} from './reconcileApplication';
import { renderSources } from './renderSources';
import { describeResource, listResourceEvents } from './resourceEvents';
import { buildManagedResources, buildResourceTree } from './resourceViews';
import type { ApplicationStatusBody } from './statusDocument';
import { statusChangeEvents, summaryChanged, withKey } from './statusEvents';
import type {
  ApplicationSetControllerHooks,
  GenerateApplicationSetResponse,
  GitOpsController,
  Initiator,
  ManagedResource,
  OperationStateDocument,
  ResourceActionView,
  ResourceEventView,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  SyncRequest,
} from './types';
import { WorkQueue, type WorkOutcome } from './WorkQueue';

/** Why a reconcile is requested; requests for one app merge. */
interface RefreshFlags {
  /** Ask Git again for branch heads. */
  git: boolean;
  /** Skip render caches. */
  hard: boolean;
  /** Someone waits for it (API, webhook): retry while another replica holds the app. */
  explicit: boolean;
  /** Only the periodic refresh asked: skipped when another replica reconciled the app lately. */
  periodic: boolean;
  requestedAt: number;
}

const mergeFlags = (a: RefreshFlags, b: RefreshFlags): RefreshFlags => ({
  git: a.git || b.git,
  hard: a.hard || b.hard,
  explicit: a.explicit || b.explicit,
  periodic: a.periodic && b.periodic,
  requestedAt: Math.min(a.requestedAt, b.requestedAt),
});

const APP_PREFIX = 'app:';
const SOURCE_PREFIX = 'source:';
/** How long a replica waits before asking again for an app another replica holds. */
const LEASE_RETRY_MS = 500;
/** How often a cascading delete asked through the API looks whether it is done. */
const DELETION_POLL_MS = 100;
/** Comparisons kept for the resource tree and managed-resources views. */
const COMPARISONS_KEPT = 200;

function appQueueKey(key: ApplicationKey): string {
  return `${APP_PREFIX}${key.namespace}/${key.name}`;
}

function parseAppQueueKey(queueKey: string): ApplicationKey {
  const rest = queueKey.slice(APP_PREFIX.length);
  const slash = rest.indexOf('/');
  return { namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

function formatKey(key: ApplicationKey): string {
  return `${key.namespace}/${key.name}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `revisions` when set, else `[revision]`, else undefined. */
function revisionsOf(
  target: { revision?: string; revisions?: string[] } | undefined,
): string[] | undefined {
  if (target?.revisions && target.revisions.length > 0) return target.revisions;
  return target?.revision ? [target.revision] : undefined;
}

function isAutomated(application: Application): boolean {
  const automated = application.spec.syncPolicy?.automated;
  return Boolean(automated) && automated?.enabled !== false;
}

function toLastOperation(record: OperationRecord): LastOperation {
  const state = record.state as OperationStateDocument;
  const result = state.syncResult;
  const syncedRevisions = revisionsOf(result);
  return {
    operation: record.operation,
    phase: record.phase,
    message: typeof state.message === 'string' ? state.message : undefined,
    finishedAt: record.finishedAt,
    ...(syncedRevisions ? { syncedRevisions } : {}),
  };
}

export interface ApplicationControllerOptions {
  store: GitOpsStore;
  clusters: { list(): Promise<RegisteredCluster[]> };
  git: GitSource;
  renderer: Renderer;
  health: HealthAssessor;
  tracking: ResourceTracking;
  diffSettings?: DiffSettings;
  settings: ControllerSettings;
  /** `gitops.applications`: the platform repositories. */
  sources?: PlatformSource[];
  logger: LoggerService;
  /** This replica's id in leases and operations; host, pid and a random suffix by default. */
  holder?: string;
  /** Runs sync operations; without one, operations wait for a replica that has one. */
  operationRunner?: OperationRunner;
  signals?: SignalsService;
  metrics?: ControllerMetrics;
  /** Resource actions; built-in and argocd-cm Lua actions from `resourceCustomizations` by default. */
  actions?: ResourceActionRunner;
  /** argocd-cm keys for the default action runner. */
  resourceCustomizations?: Record<string, string>;
  /** Connections for each cluster; tests and benchmarks may tune them. */
  connect?: ConstructorParameters<typeof ClusterCaches>[0]['connect'];
}

/**
 * Driftless's application controller (Argo CD's `argocd-application-
 * controller` inside a Backstage backend): keeps every stored Application
 * compared with Git and its cluster, records its status, events and
 * metrics, decides automated syncs, and hands sync operations to the
 * {@link OperationRunner}. Work on an app runs only while this replica holds
 * the app's lease, so replicas sharing a database never work on one app at
 * once.
 */
export class ApplicationController implements GitOpsController {
  readonly holder: string;
  private readonly store: GitOpsStore;
  private readonly settings: ControllerSettings;
  private readonly logger: LoggerService;
  private readonly caches: ClusterCaches;
  private readonly leases: LeaseKeeper;
  private readonly children: ChildRegistrar;
  private readonly deps: ReconcileDependencies;
  private readonly refreshQueue: WorkQueue<RefreshFlags>;
  private readonly operationQueue: WorkQueue<Record<string, never>>;
  private readonly sources: PlatformSource[];
  private readonly actions: ResourceActionRunner;
  /** Tracking instance name → app, to refresh apps when their objects change. */
  private readonly instances = new Map<string, ApplicationKey>();
  private readonly comparisons = new Map<string, ComparedApplication>();
  /** Apps this replica reconciled since it started: their live objects are watched here. */
  private readonly reconciledHere = new Set<string>();
  private readonly sourceErrors = new Map<number, string>();
  private scanTimer?: NodeJS.Timeout;
  private applicationSets?: ApplicationSetControllerHooks;
  private warnedNoRunner = false;
  private stopped = false;

  constructor(private readonly options: ApplicationControllerOptions) {
    this.holder =
      options.holder ??
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.sources = options.sources ?? [];
    this.actions =
      options.actions ??
      new DefaultResourceActionRunner({
        customizations: options.resourceCustomizations,
      });
    this.caches = new ClusterCaches({
      clusters: options.clusters,
      tracking: options.tracking,
      diffSettings: options.diffSettings,
      connect: options.connect,
      onChange: (_cluster, event) => this.onClusterChange(event),
      onError: (cluster, error) =>
        this.logger.debug(
          `Watching cluster '${cluster}' failed and is retried: ${error.message}`,
        ),
    });
    this.leases = new LeaseKeeper({
      store: options.store,
      holder: this.holder,
      ttlMs: options.settings.leaseTtlMs,
      onLost: (name, reason) =>
        this.logger.warn(`Lost lease ${name}: ${reason}; stopping its work`),
    });
    this.children = new ChildRegistrar({
      store: options.store,
      defaultNamespace: options.settings.namespace,
      deleteApplication: record => this.pruneApplication(record),
    });
    this.deps = {
      git: options.git,
      renderer: options.renderer,
      clusters: this.caches,
      health: options.health,
      children: this.children,
      controlPlaneNamespace: options.settings.namespace,
      projectExists: async project =>
        Boolean(
          await options.store.getArgoObject({ kind: 'AppProject', ...project }),
        ),
    };
    this.refreshQueue = new WorkQueue<RefreshFlags>({
      concurrency: options.settings.concurrency,
      mergeFlags,
      process: (key, flags) => this.processRefresh(key, flags),
    });
    this.operationQueue = new WorkQueue<Record<string, never>>({
      concurrency: Math.max(1, Math.ceil(options.settings.concurrency / 2)),
      mergeFlags: a => a,
      process: key => this.processOperation(parseAppQueueKey(key)),
    });
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Hooks the ApplicationSet controller in: it starts and stops with this
   * controller, hears about pushes and about status changes of the apps it
   * generated, and serves dry runs.
   */
  attachApplicationSets(applicationSets: ApplicationSetControllerHooks): void {
    this.applicationSets = applicationSets;
  }

  /**
   * Resumes unfinished operations whose app this replica can lease, queues
   * the platform repositories and every stored app, and starts the periodic
   * scan that picks up apps other replicas created.
   */
  async start(): Promise<void> {
    if (!this.options.operationRunner) {
      this.logger.warn(
        'The GitOps controller has no sync engine (OperationRunner): sync operations are recorded and wait for a replica that has one',
      );
      this.warnedNoRunner = true;
    }
    for (const operation of await this.store.listUnfinishedOperations()) {
      this.queueOperation(operation);
    }
    for (const source of this.sources) {
      this.queueSource(source, {
        git: true,
        hard: false,
        explicit: false,
        periodic: false,
      });
    }
    await this.scan(Math.min(this.settings.reconciliationJitterMs, 5_000));
    if (this.settings.reconciliationPeriodMs > 0) {
      this.scanTimer = setInterval(() => {
        this.scan(this.settings.reconciliationJitterMs).catch(error =>
          this.logger.error(
            `Listing applications for the periodic refresh failed: ${errorMessage(
              error,
            )}`,
          ),
        );
      }, this.settings.reconciliationPeriodMs);
      this.scanTimer.unref?.();
    }
    await this.applicationSets?.start();
  }

  /** Stops taking work, lets running work end (a sync's lease is aborted), and closes cluster connections. */
  async stop(): Promise<void> {
    await this.applicationSets?.stop();
    this.stopped = true;
    clearInterval(this.scanTimer);
    this.leases.abortAll('the backend is stopping');
    await Promise.all([this.refreshQueue.stop(), this.operationQueue.stop()]);
    this.caches.stop();
  }

  /** Queues every app and operation this replica does not know about yet. */
  private async scan(spreadMs: number): Promise<void> {
    if (this.stopped) return;
    for (const record of await listAllApplications(this.store)) {
      if (!this.refreshQueue.has(appQueueKey(record))) {
        this.queueRefresh(
          record,
          { git: false, hard: false, explicit: false, periodic: true },
          Math.random() * spreadMs,
        );
      }
    }
    for (const operation of await this.store.listUnfinishedOperations()) {
      if (!this.operationQueue.has(appQueueKey(operation))) {
        this.queueOperation(operation);
      }
    }
  }

  private queueRefresh(
    key: ApplicationKey,
    flags: Omit<RefreshFlags, 'requestedAt'>,
    delayMs = 0,
  ): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.refreshQueue.add(
      appQueueKey(key),
      { ...flags, requestedAt: Date.now() },
      delayMs,
    );
  }

  private queueSource(
    source: PlatformSource,
    flags: Omit<RefreshFlags, 'requestedAt'>,
    delayMs = 0,
  ): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.refreshQueue.add(
      `${SOURCE_PREFIX}${source.index}`,
      { ...flags, requestedAt: Date.now() },
      delayMs,
    );
  }

  private queueOperation(key: ApplicationKey, delayMs = 0): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.operationQueue.add(appQueueKey(key), {}, delayMs);
  }

  private periodicDelay(): number {
    return (
      this.settings.reconciliationPeriodMs +
      Math.random() * this.settings.reconciliationJitterMs
    );
  }

  private schedulePeriodic(key: ApplicationKey): void {
    if (this.settings.reconciliationPeriodMs > 0) {
      this.queueRefresh(
        key,
        { git: false, hard: false, explicit: false, periodic: true },
        this.periodicDelay(),
      );
    }
  }

  private onClusterChange(event: ClusterCacheEvent): void {
    for (const instance of event.apps) {
      const key = this.instances.get(instance);
      if (key) {
        this.queueRefresh(
          key,
          { git: false, hard: false, explicit: false, periodic: false },
          this.settings.clusterEventDebounceMs,
        );
      }
    }
  }

  // ------------------------------------------------------------ refresh

  private async processRefresh(
    queueKey: string,
    flags: RefreshFlags,
  ): Promise<WorkOutcome | void> {
    if (queueKey.startsWith(SOURCE_PREFIX)) {
      const index = Number(queueKey.slice(SOURCE_PREFIX.length));
      const source = this.sources.find(candidate => candidate.index === index);
      if (source) await this.processSource(source, flags);
      return undefined;
    }
    const key = parseAppQueueKey(queueKey);
    let result;
    try {
      result = await this.leases.run(applicationLeaseName(key), () =>
        this.reconcileHeld(key, flags),
      );
    } catch (error) {
      // Periodic and event-driven refreshes have nobody waiting to see this.
      this.logger.error(
        `Refreshing application ${formatKey(key)} failed: ${errorMessage(
          error,
        )}`,
      );
      this.schedulePeriodic(key);
      throw error;
    }
    if (!result.acquired) {
      // Another replica works on the app; it reports its metrics now.
      this.options.metrics?.forgetApplication(key);
      if (
        flags.explicit &&
        Date.now() - flags.requestedAt < this.settings.refreshWaitMs
      ) {
        return { retryAfterMs: LEASE_RETRY_MS };
      }
      this.schedulePeriodic(key);
      return undefined;
    }
    if (result.value) this.schedulePeriodic(key);
    return undefined;
  }

  /** Reconciles one app under its lease; false when the app no longer exists. */
  private async reconcileHeld(
    key: ApplicationKey,
    flags: RefreshFlags,
  ): Promise<boolean> {
    const started = Date.now();
    const record = await this.store.getApplication(key);
    if (!record) {
      this.forget(key);
      return false;
    }
    if (record.manifest.metadata.deletionTimestamp) {
      await this.deleteHeld(record);
      return false;
    }
    const previous = record.status?.status as
      | Partial<ApplicationStatusBody>
      | undefined;
    if (
      flags.periodic &&
      record.status &&
      this.reconciledHere.has(formatKey(key))
    ) {
      const age = started - Date.parse(record.status.reconciledAt);
      if (age < this.settings.reconciliationPeriodMs / 2) {
        // Another replica (or an event) reconciled it lately.
        return true;
      }
    }

    this.reconciledHere.add(formatKey(key));
    const { status, application, compared } = await reconcileApplication(
      record,
      this.deps,
      { refreshGit: flags.git, hardRefresh: flags.hard, now: new Date() },
    );
    if (compared) {
      this.remember(key, compared);
      for (const child of compared.children.changedApplications) {
        this.queueRefresh(child, {
          git: false,
          hard: false,
          explicit: false,
          periodic: false,
        });
      }
    }

    if (application && compared) {
      await this.decideSync(record, application, compared, status);
    }

    await this.store.saveApplicationStatus({ ...key, status });
    for (const event of withKey(key, statusChangeEvents(previous, status))) {
      await this.store.appendEvent(event);
    }
    if (summaryChanged(previous, status)) {
      await this.publish(key, status);
      if (record.origin.startsWith('applicationset:')) {
        this.applicationSets?.applicationStatusChanged(key, record.origin);
      }
      const parent = /^app:([^/]+)\/(.+)$/.exec(record.origin);
      if (parent) {
        this.queueRefresh(
          { namespace: parent[1], name: parent[2] },
          { git: false, hard: false, explicit: false, periodic: false },
          this.settings.clusterEventDebounceMs,
        );
      }
    }

    const destServer =
      compared?.cluster.cluster.server ?? (await this.destServerOf(record));
    this.options.metrics?.recordReconcile((Date.now() - started) / 1000, {
      namespace: key.namespace,
      destServer,
    });
    this.options.metrics?.setApplication({
      ...key,
      project: record.project,
      syncStatus: status.sync.status,
      healthStatus: status.health.status,
      destServer,
      repo:
        (record.manifest.spec &&
          applicationSources(record.manifest.spec)[0]?.repoURL) ??
        '',
      autosyncEnabled: application ? isAutomated(application) : false,
    });
    return true;
  }

  /** Argo CD's automated sync after a comparison; adds a SyncError condition when it refuses. */
  private async decideSync(
    record: ApplicationRecord,
    application: Application,
    compared: ComparedApplication,
    status: ApplicationStatusBody,
  ): Promise<void> {
    if (!isAutomated(application)) {
      return;
    }
    const key = { namespace: record.namespace, name: record.name };
    const current = await this.store.getCurrentOperation(key);
    const last = current ?? (await this.store.getLatestOperation(key));
    const decision = decideAutomatedSync({
      application,
      syncStatus: status.sync.status,
      resources: status.resources.filter(resource => !resource.hook),
      revisions: compared.rendered.sources.map(source => source.sha),
      operationInProgress: Boolean(current),
      lastOperation: last ? toLastOperation(last) : undefined,
      selfHealBackoff: this.settings.selfHealBackoff,
      now: new Date(),
    });
    switch (decision.action) {
      case 'refuse':
        status.conditions.push({
          type: 'SyncError',
          message: decision.message,
          lastTransitionTime:
            (
              record.status?.status as Partial<ApplicationStatusBody>
            )?.conditions?.find(
              condition =>
                condition.type === 'SyncError' &&
                condition.message === decision.message,
            )?.lastTransitionTime ?? status.reconciledAt,
        });
        return;
      case 'wait':
        this.queueRefresh(
          key,
          { git: false, hard: false, explicit: false, periodic: false },
          decision.retryAfterMs,
        );
        return;
      case 'sync':
        try {
          const operation = await this.store.createOperation({
            ...key,
            operation: decision.operation,
          });
          await this.store.appendEvent({
            ...key,
            type: 'Normal',
            reason: 'OperationStarted',
            message: `Initiated automated sync to ${describeTarget(
              decision.operation,
            )}${decision.selfHeal ? ' (self-heal)' : ''}`,
          });
          this.queueOperation(operation);
        } catch (error) {
          // A user's sync started meanwhile: it wins.
          if (!(error instanceof ConflictError)) throw error;
        }
        return;
      default:
        return;
    }
  }

  /** The destination's server URL (Argo CD's `dest_server` label), or what the spec names when it names no known cluster. */
  private async destServerOf(record: ApplicationRecord): Promise<string> {
    const destination = record.manifest.spec?.destination;
    if (!destination) return '';
    const resolved = await this.caches
      .resolve(destination)
      .catch(() => undefined);
    if (resolved && 'handle' in resolved) return resolved.handle.cluster.server;
    return destination.server ?? destination.name ?? '';
  }

  private remember(key: ApplicationKey, compared: ComparedApplication): void {
    const id = formatKey(key);
    this.comparisons.delete(id);
    this.comparisons.set(id, compared);
    if (this.comparisons.size > COMPARISONS_KEPT) {
      this.comparisons.delete(this.comparisons.keys().next().value!);
    }
    this.instances.set(compared.appInstanceName, key);
  }

  private forget(key: ApplicationKey): void {
    this.comparisons.delete(formatKey(key));
    this.reconciledHere.delete(formatKey(key));
    this.instances.delete(instanceNameOf(key, this.settings.namespace));
    this.options.metrics?.forgetApplication(key);
  }

  private async publish(
    key: ApplicationKey,
    status: ApplicationStatusBody,
  ): Promise<void> {
    if (!this.options.signals) return;
    try {
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: APPLICATIONS_SIGNAL_CHANNEL,
        message: {
          key: formatKey(key),
          namespace: key.namespace,
          name: key.name,
          sync: status.sync.status,
          health: status.health.status,
          ...(status.sync.revision ? { revision: status.sync.revision } : {}),
        },
      });
    } catch (error) {
      this.logger.debug(
        `Publishing the status of ${formatKey(key)} failed: ${errorMessage(
          error,
        )}`,
      );
    }
  }

  // ------------------------------------------------------------ platform repositories

  private async processSource(
    source: PlatformSource,
    flags: RefreshFlags,
  ): Promise<void> {
    await this.leases.run(`source:${source.origin}`, async lease => {
      let objects;
      try {
        ({ objects } = await renderSources(this.deps, {
          sources: [
            {
              repoURL: source.repoURL,
              targetRevision: source.targetRevision,
              path: source.path,
              ...(source.directory ? { directory: source.directory } : {}),
            },
          ],
          appName: `gitops-applications-${source.index}`,
          refreshGit: flags.git,
          bypassCache: flags.hard,
        }));
      } catch (error) {
        // Nothing registered from it is touched while Git cannot be read.
        const message = errorMessage(error);
        if (this.sourceErrors.get(source.index) !== message) {
          this.logger.error(
            `gitops.applications[${source.index}] (${source.repoURL}, ${source.path}) cannot be read; what it registered is kept: ${message}`,
          );
          this.sourceErrors.set(source.index, message);
        }
        return;
      }
      if (this.sourceErrors.delete(source.index)) {
        this.logger.info(
          `gitops.applications[${source.index}] (${source.repoURL}) can be read again`,
        );
      }
      if (lease.signal.aborted) return;
      const ignored = objects.filter(object => !isRegisteredKind(object));
      if (ignored.length > 0) {
        this.logger.debug(
          `gitops.applications[${source.index}] holds ${ignored.length} objects that are not Applications, ApplicationSets or AppProjects; they are ignored`,
        );
      }
      const report = await this.children.reconcile({
        origin: source.origin,
        objects: objects.filter(isRegisteredKind),
        register: true,
        prune: true,
      });
      for (const condition of report.conditions) {
        this.logger.warn(
          `gitops.applications[${source.index}]: ${condition.message}`,
        );
      }
      for (const key of report.changedApplications) {
        this.queueRefresh(key, {
          git: false,
          hard: false,
          explicit: false,
          periodic: false,
        });
      }
    });
    if (this.settings.reconciliationPeriodMs > 0) {
      this.queueSource(
        source,
        { git: false, hard: false, explicit: false, periodic: true },
        this.periodicDelay(),
      );
    }
  }

  /**
   * Deletes an app its owner (an app of apps, an ApplicationSet) no longer
   * has: with its resources when it carries Argo CD's resources finalizer
   * (the deletion then runs in reconciles), else only its record.
   */
  async deleteOwnedApplication(record: ApplicationRecord): Promise<void> {
    if (deletesResourcesWithApp(record.manifest)) {
      await this.markDeleting(record);
    } else {
      await this.deleteRecord(record);
    }
  }

  /** Why a destination names no known cluster; undefined when it does. */
  async destinationProblem(
    destination: ApplicationDestination,
  ): Promise<string | undefined> {
    const match = matchDestination(
      await this.caches.listClusters(),
      destination,
    );
    return 'problem' in match ? match.problem : undefined;
  }

  /** A child Git no longer has: deleted, with its resources when its finalizer says so (Argo CD's resources finalizer). */
  private async pruneApplication(record: ApplicationRecord): Promise<void> {
    try {
      await this.deleteOwnedApplication(record);
      this.logger.info(
        `Pruned application ${formatKey(record)}, which its ${
          record.origin
        } no longer has`,
      );
    } catch (error) {
      // Tried again at the parent's next reconcile.
      this.logger.warn(
        `Pruning application ${formatKey(record)} failed: ${errorMessage(
          error,
        )}`,
      );
    }
  }

  // ------------------------------------------------------------ operations

  private async processOperation(
    key: ApplicationKey,
  ): Promise<WorkOutcome | void> {
    const result = await this.leases.run(applicationLeaseName(key), lease =>
      this.runOperationHeld(key, lease.signal),
    );
    if (!result.acquired) {
      // The replica holding the app runs it; look again in case it dies.
      this.queueOperation(key, this.settings.leaseTtlMs);
      return undefined;
    }
    if (result.value !== undefined) {
      this.queueOperation(key, result.value);
    }
    return undefined;
  }

  /** Runs the app's unfinished operation; returns a delay when it must run again later. */
  private async runOperationHeld(
    key: ApplicationKey,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const current = await this.store.getCurrentOperation(key);
    if (!current) return undefined;
    const record = await this.store.getApplication(key);
    if (!record) return undefined;
    const runner = this.options.operationRunner;
    const operation =
      current.holder === this.holder
        ? current
        : await this.store.claimOperation({
            id: current.id,
            holder: this.holder,
          });

    if (!runner) {
      if (operation.terminationRequested) {
        await this.finish(record, operation, 'Failed', {
          ...(operation.state as OperationStateDocument),
          message: 'Operation terminated',
        });
      } else if (!this.warnedNoRunner) {
        this.warnedNoRunner = true;
        this.logger.warn(
          `Operation ${operation.id} of ${formatKey(
            key,
          )} waits: this replica has no sync engine`,
        );
      }
      return undefined;
    }

    let context: OperationRunContext;
    try {
      context = await this.operationContext(record, operation, signal);
    } catch (error) {
      if (!(error instanceof ReconcileProblem)) throw error;
      await this.finish(record, operation, 'Error', {
        ...(operation.state as OperationStateDocument),
        message: error.message,
      });
      return undefined;
    }
    const outcome = await runner.run(operation, context);
    if (signal.aborted) {
      // Another replica holds the app now and resumes from the saved state.
      return undefined;
    }
    if (outcome.phase === 'Running') {
      await this.store.saveOperationState({
        id: operation.id,
        holder: this.holder,
        state: outcome.state,
      });
      return outcome.resumeAfterMs;
    }
    await this.finish(record, operation, outcome.phase, outcome.state);
    return undefined;
  }

  private async operationContext(
    record: ApplicationRecord,
    operation: OperationRecord,
    signal: AbortSignal,
  ): Promise<OperationRunContext> {
    let application: Application;
    try {
      application = parseApplication(
        record.manifest,
        `Application ${formatKey(record)}`,
      );
    } catch (error) {
      if (error instanceof ApplicationValidationError) {
        throw new ReconcileProblem('InvalidSpecError', error.message);
      }
      throw error;
    }
    const sync = operation.operation.sync as
      | (ApplicationOperation['sync'] & {
          source?: ApplicationSource;
          sources?: ApplicationSource[];
        })
      | undefined;
    const state = operation.state as OperationStateDocument;
    // A resumed operation renders exactly the commits it started with.
    const revisions =
      state.syncResult?.revisions ??
      (state.syncResult?.revision ? [state.syncResult.revision] : undefined) ??
      sync?.revisions ??
      (sync?.revision ? [sync.revision] : undefined);
    const sources = sync?.sources ?? (sync?.source ? [sync.source] : undefined);
    const compared = await compareApplication(application, this.deps, {
      appNamespace: record.namespace,
      refreshGit: false,
      hardRefresh: false,
      sources,
      revisions,
      previousResources: (
        record.status?.status as Partial<ApplicationStatusBody>
      )?.resources,
      registerChildren: false,
      pruneChildren: false,
    });
    const registered = compared.rendered.objects.filter(isRegisteredKind);
    return {
      application,
      appInstanceName: compared.appInstanceName,
      sources: compared.rendered.sources,
      desired: compared.desired,
      comparison: compared.comparison,
      cluster: {
        config: compared.cluster.cluster,
        connection: compared.cluster.connection,
        cache: compared.cluster.cache,
        predictions: compared.cluster.comparator.differ,
      },
      health: this.options.health,
      tracking: this.options.tracking,
      children: compared.children,
      registerChildren: async ({ prune }) => {
        const report = await this.children.reconcile({
          origin: `app:${formatKey(record)}`,
          objects: registered,
          register: true,
          prune,
        });
        for (const child of report.changedApplications) {
          this.queueRefresh(child, {
            git: false,
            hard: false,
            explicit: false,
            periodic: false,
          }).catch(() => undefined);
        }
        return report;
      },
      saveState: async documentState => {
        await this.store.saveOperationState({
          id: operation.id,
          holder: this.holder,
          state: documentState,
        });
      },
      isTerminationRequested: async () =>
        Boolean(
          (await this.store.getOperation(operation.id))?.terminationRequested,
        ),
      signal,
    };
  }

  /** Ends an operation: its record, a history entry for a real successful sync, an event, metrics, a refresh. */
  private async finish(
    record: ApplicationRecord,
    operation: OperationRecord,
    phase: 'Succeeded' | 'Failed' | 'Error',
    state: OperationStateDocument,
  ): Promise<void> {
    const key = { namespace: record.namespace, name: record.name };
    const finished = await this.store.finishOperation({
      id: operation.id,
      holder: this.holder,
      phase,
      state,
    });
    const sync = operation.operation.sync;
    const result = state.syncResult;
    if (phase === 'Succeeded' && !sync?.dryRun && result) {
      const limit = (record.manifest.spec as { revisionHistoryLimit?: number })
        ?.revisionHistoryLimit;
      await this.store.appendHistory({
        ...key,
        revision: result.revision,
        ...(result.revisions ? { revisions: result.revisions } : {}),
        ...(result.sources
          ? { sources: result.sources }
          : {
              source:
                result.source ??
                (sync as { source?: Record<string, unknown> })?.source,
            }),
        deployStartedAt: operation.startedAt,
        deployedAt: finished.finishedAt,
        initiatedBy: operation.operation.initiatedBy ?? {},
        phase,
        resources: (result.resources ?? []).map(resource => ({
          group: resource.group,
          kind: resource.kind,
          namespace: resource.namespace,
          name: resource.name,
          status: resource.status,
        })),
        ...(limit !== undefined ? { limit } : {}),
      });
    }
    await this.store.appendEvent({
      ...key,
      type: phase === 'Succeeded' ? 'Normal' : 'Warning',
      reason: 'OperationCompleted',
      message: `Sync operation to ${
        result?.revision ?? describeTarget(operation.operation)
      } ${phase === 'Succeeded' ? 'succeeded' : `ended ${phase}`}${
        state.message ? `: ${state.message}` : ''
      }`,
      ...(operation.operation.initiatedBy?.username
        ? { actor: operation.operation.initiatedBy.username }
        : {}),
    });
    this.options.metrics?.recordSync({
      ...key,
      project: record.project,
      destServer: await this.destServerOf(record),
      phase,
      dryRun: Boolean(sync?.dryRun),
    });
    this.queueRefresh(key, {
      git: false,
      hard: false,
      explicit: false,
      periodic: false,
    });
  }

  // ------------------------------------------------------------ GitOpsController

  private async requireApplication(
    key: ApplicationKey,
  ): Promise<ApplicationRecord> {
    const record = await this.store.getApplication(key);
    if (!record) {
      throw new NotFoundError(`Application ${formatKey(key)} does not exist`);
    }
    return record;
  }

  private parseForOperation(record: ApplicationRecord): Application {
    try {
      return parseApplication(
        record.manifest,
        `Application ${formatKey(record)}`,
      );
    } catch (error) {
      if (error instanceof ApplicationValidationError) {
        throw new InputError(`${error.message}; fix the spec before syncing`);
      }
      throw error;
    }
  }

  async refresh(
    key: ApplicationKey,
    options: { hard: boolean },
  ): Promise<void> {
    await this.requireApplication(key);
    await this.queueRefresh(key, {
      git: true,
      hard: options.hard,
      explicit: true,
      periodic: false,
    });
  }

  applicationChanged(key: ApplicationKey): void {
    this.queueRefresh(key, {
      git: false,
      hard: false,
      explicit: false,
      periodic: false,
    }).catch(() => undefined);
  }

  async requestSync(
    key: ApplicationKey,
    request: SyncRequest,
    initiator: Initiator,
  ): Promise<OperationRecord> {
    const record = await this.requireApplication(key);
    const application = this.parseForOperation(record);
    const sources = applicationSources(application.spec);
    const multi = Boolean(application.spec.sources?.length);
    const operation: ApplicationOperation = {
      sync: {
        ...(request.revision && multi
          ? { revisions: sources.map(() => request.revision!) }
          : {}),
        ...(request.revision && !multi ? { revision: request.revision } : {}),
        ...(multi ? { sources } : { source: sources[0] }),
        ...(request.prune !== undefined ? { prune: request.prune } : {}),
        ...(request.dryRun !== undefined ? { dryRun: request.dryRun } : {}),
        ...(request.syncOptions ? { syncOptions: request.syncOptions } : {}),
        ...(request.resources ? { resources: request.resources } : {}),
        ...(request.strategy ? { syncStrategy: request.strategy } : {}),
      },
      initiatedBy: initiatorOf(initiator),
      ...(request.retry ?? application.spec.syncPolicy?.retry
        ? { retry: request.retry ?? application.spec.syncPolicy?.retry }
        : {}),
    };
    return this.startOperation(record, operation, initiator);
  }

  async rollback(
    key: ApplicationKey,
    historyId: number,
    options: { prune?: boolean; dryRun?: boolean },
    initiator: Initiator,
  ): Promise<OperationRecord> {
    const record = await this.requireApplication(key);
    const application = this.parseForOperation(record);
    if (isAutomated(application)) {
      throw new NotAllowedError(
        `Rollback cannot be initiated while automated sync is enabled for application ${formatKey(
          key,
        )}: disable automated sync (spec.syncPolicy.automated) first`,
      );
    }
    const entry = await this.store.getHistoryEntry({ ...key, id: historyId });
    if (!entry) {
      throw new NotFoundError(
        `Application ${formatKey(key)} has no history entry ${historyId}`,
      );
    }
    const operation: ApplicationOperation = {
      sync: {
        ...(entry.revisions ? { revisions: entry.revisions } : {}),
        ...(entry.revision ? { revision: entry.revision } : {}),
        ...(entry.sources ? { sources: entry.sources } : {}),
        ...(entry.source ? { source: entry.source } : {}),
        ...(options.prune !== undefined ? { prune: options.prune } : {}),
        ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
      },
      initiatedBy: initiatorOf(initiator),
    };
    return this.startOperation(
      record,
      operation,
      initiator,
      `rollback to history entry ${historyId}`,
    );
  }

  private async startOperation(
    record: ApplicationRecord,
    operation: ApplicationOperation,
    initiator: Initiator,
    what = 'sync',
  ): Promise<OperationRecord> {
    const key = { namespace: record.namespace, name: record.name };
    const created = await this.store.createOperation({ ...key, operation });
    await this.store.appendEvent({
      ...key,
      type: 'Normal',
      reason: 'OperationStarted',
      message: `Initiated ${what} to ${describeTarget(operation)}${
        initiator.username ? ` by ${initiator.username}` : ''
      }`,
      ...(initiator.username ? { actor: initiator.username } : {}),
    });
    this.queueOperation(key).catch(() => undefined);
    return created;
  }

  async terminateOperation(
    key: ApplicationKey,
    initiator: Initiator,
  ): Promise<void> {
    await this.requireApplication(key);
    const operation = await this.store.requestOperationTermination(key);
    if (!operation) {
      throw new NotFoundError(
        `No operation is in progress for application ${formatKey(key)}`,
      );
    }
    await this.store.appendEvent({
      ...key,
      type: 'Normal',
      reason: 'OperationTerminating',
      message: `Termination of operation ${operation.id} requested${
        initiator.username ? ` by ${initiator.username}` : ''
      }`,
      ...(initiator.username ? { actor: initiator.username } : {}),
    });
    this.queueOperation(key).catch(() => undefined);
  }

  async deleteApplication(
    key: ApplicationKey,
    options: {
      cascade: boolean;
      propagationPolicy?: 'foreground' | 'background' | 'orphan';
    },
    initiator: Initiator,
  ): Promise<void> {
    const record = await this.requireApplication(key);
    const current = await this.store.getCurrentOperation(key);
    if (current) {
      throw new ConflictError(
        `Application ${formatKey(key)} has an operation in progress (${
          current.id
        }); terminate it before deleting the application`,
      );
    }
    const by = initiator.username ? ` for ${initiator.username}` : '';
    if (!options.cascade || options.propagationPolicy === 'orphan') {
      await this.deleteRecord(record);
      this.logger.info(
        `Deleted application ${formatKey(key)}${by}, leaving its resources`,
      );
      return;
    }
    await this.markDeleting(record, options.propagationPolicy === 'background');
    this.logger.info(
      `Deleting application ${formatKey(key)} and its resources${by}`,
    );
    // Argo CD answers at once and deletes in the background; this waits a
    // while so that callers usually see the app gone.
    const deadline = Date.now() + this.settings.refreshWaitMs;
    while (Date.now() < deadline && (await this.store.getApplication(key))) {
      await this.queueRefresh(key, {
        git: false,
        hard: false,
        explicit: true,
        periodic: false,
      });
      // Yields to I/O: a loop of promises that settle at once would starve it.
      await new Promise(resolve => setTimeout(resolve, DELETION_POLL_MS));
    }
  }

  /**
   * Starts a cascading deletion, as Argo CD's API does: the resources
   * finalizer (`/background` for background propagation) and
   * `metadata.deletionTimestamp` on the stored manifest; reconciles then
   * delete the resources wave by wave and finally the app.
   */
  private async markDeleting(
    record: ApplicationRecord,
    background = false,
  ): Promise<void> {
    const metadata = record.manifest.metadata;
    const finalizers = (
      (metadata.finalizers as string[] | undefined) ?? []
    ).filter(finalizer => !finalizer.startsWith(RESOURCES_FINALIZER));
    const existing = (metadata.finalizers as string[] | undefined)?.find(
      finalizer => finalizer.startsWith(RESOURCES_FINALIZER),
    );
    finalizers.push(
      existing ??
        (background ? BACKGROUND_RESOURCES_FINALIZER : RESOURCES_FINALIZER),
    );
    if (!metadata.deletionTimestamp || !existing) {
      await this.store.upsertApplication({
        application: {
          ...record.manifest,
          metadata: {
            ...metadata,
            finalizers,
            deletionTimestamp:
              (metadata.deletionTimestamp as string | undefined) ??
              new Date().toISOString(),
          },
        },
        origin: record.origin,
      });
    }
    this.queueRefresh(record, {
      git: false,
      hard: false,
      explicit: false,
      periodic: false,
    }).catch(() => undefined);
  }

  /** Deletes an app's record; false when that failed (it is tried again at the next pass). */
  private async tryDeleteRecord(record: ApplicationRecord): Promise<boolean> {
    try {
      await this.deleteRecord(record);
      return true;
    } catch (error) {
      this.logger.warn(
        `Deleting application ${formatKey(record)} failed: ${errorMessage(
          error,
        )}`,
      );
      return false;
    }
  }

  /** Deletes an app's record (not its resources) under its lease, waiting a while for another replica's work. */
  private async deleteRecord(record: ApplicationRecord): Promise<void> {
    const key = { namespace: record.namespace, name: record.name };
    const deadline = Date.now() + this.settings.refreshWaitMs;
    for (;;) {
      const result = await this.leases.run(applicationLeaseName(key), () =>
        this.store.deleteApplication(key),
      );
      if (result.acquired) break;
      if (Date.now() > deadline) {
        throw new ConflictError(
          `Application ${formatKey(
            key,
          )} is being worked on by another replica; try again`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, LEASE_RETRY_MS));
    }
    this.forget(key);
  }

  /**
   * One pass of an app's cascading deletion, under its lease: its app-of-apps
   * children first (deleted the way their own finalizers say), then its
   * cluster resources; the app's record goes once nothing is left.
   */
  private async deleteHeld(record: ApplicationRecord): Promise<void> {
    const key = { namespace: record.namespace, name: record.name };
    const origin = `app:${formatKey(record)}`;
    let childrenLeft = 0;
    for (const child of await listAllApplications(this.store, {
      origins: [origin],
    })) {
      if (child.manifest.metadata.deletionTimestamp) {
        childrenLeft++;
      } else if (deletesResourcesWithApp(child.manifest)) {
        await this.markDeleting(child);
        childrenLeft++;
      } else if (!(await this.tryDeleteRecord(child))) {
        childrenLeft++;
      }
    }
    for (const kind of ['AppProject', 'ApplicationSet'] as const) {
      for (const object of await this.store.listArgoObjects({
        kind,
        origins: [origin],
      })) {
        await this.store.deleteArgoObject(object);
      }
    }

    const application = record.manifest;
    const destination = application.spec?.destination;
    let done = true;
    let problem: string | undefined;
    if (destination) {
      const resolved = await this.caches.resolve(destination);
      if ('problem' in resolved) {
        done = false;
        problem = `Cannot delete the application's resources: ${resolved.problem}`;
      } else {
        try {
          const step = await deletionStep({
            application,
            handle: resolved.handle,
            appInstanceName: instanceNameOf(record, this.settings.namespace),
            previousResources:
              (record.status?.status as Partial<ApplicationStatusBody>)
                ?.resources ?? [],
            deletionRequestedAt: application.metadata.deletionTimestamp as
              | string
              | undefined,
          });
          done = step.done;
        } catch (error) {
          done = false;
          problem = errorMessage(error);
        }
      }
    }
    if (done && childrenLeft === 0) {
      await this.store.deleteApplication(key);
      this.forget(key);
      return;
    }
    if (problem) {
      const previous = record.status?.status as
        | Partial<ApplicationStatusBody>
        | undefined;
      const now = new Date().toISOString();
      await this.store.saveApplicationStatus({
        ...key,
        status: {
          ...previous,
          conditions: [
            ...(previous?.conditions ?? []).filter(
              condition => condition.type !== 'DeletionError',
            ),
            {
              type: 'DeletionError',
              message: problem,
              lastTransitionTime: now,
            },
          ],
          reconciledAt: now,
        },
      });
    }
    this.queueRefresh(
      key,
      { git: false, hard: false, explicit: false, periodic: false },
      problem ? 5_000 : 250,
    ).catch(() => undefined);
  }

  async handlePush(pushes: GitPushEvent[]): Promise<ApplicationKey[]> {
    const records = (await listAllApplications(this.store)).filter(
      record =>
        typeof record.manifest.spec === 'object' &&
        record.manifest.spec !== null,
    );
    const affected = applicationsAffectedByPush(
      pushes,
      records.map(record => ({
        metadata: record.manifest.metadata,
        spec: record.manifest.spec,
        key: { namespace: record.namespace, name: record.name },
      })),
    );
    const flags = { git: true, hard: false, explicit: true, periodic: false };
    for (const { key } of affected) {
      this.queueRefresh(key, flags).catch(() => undefined);
    }
    const sources = applicationsAffectedByPush(
      pushes,
      this.sources.map(source => ({
        metadata: {},
        spec: {
          source: {
            repoURL: source.repoURL,
            targetRevision: source.targetRevision,
            path: source.path,
          },
        },
        source,
      })),
    );
    for (const { source } of sources) {
      this.queueSource(source, flags).catch(() => undefined);
    }
    this.applicationSets?.handlePush(pushes);
    return affected.map(({ key }) => key);
  }

  async generateApplicationSet(
    applicationSet: Record<string, unknown>,
  ): Promise<GenerateApplicationSetResponse> {
    if (!this.applicationSets) {
      throw new ServiceUnavailableError(
        'the ApplicationSet controller is not running in this backend (gitops.applicationSets.enabled is false), so ApplicationSets cannot be generated here',
      );
    }
    return this.applicationSets.generate(applicationSet);
  }

  // ------------------------------------------------------------ views

  /** The app's last comparison on this replica, or a fresh one (read-only: nothing is registered or saved). */
  private async comparisonOf(
    key: ApplicationKey,
  ): Promise<ComparedApplication> {
    const cached = this.comparisons.get(formatKey(key));
    const record = await this.requireApplication(key);
    if (cached) return cached;
    let application: Application;
    try {
      application = parseApplication(
        record.manifest,
        `Application ${formatKey(key)}`,
      );
    } catch (error) {
      if (error instanceof ApplicationValidationError) {
        throw new InputError(error.message);
      }
      throw error;
    }
    try {
      const compared = await compareApplication(application, this.deps, {
        appNamespace: record.namespace,
        refreshGit: false,
        hardRefresh: false,
        previousResources: (
          record.status?.status as Partial<ApplicationStatusBody>
        )?.resources,
        registerChildren: false,
        pruneChildren: false,
      });
      this.remember(key, compared);
      return compared;
    } catch (error) {
      if (error instanceof ReconcileProblem) {
        throw new ConflictError(
          `Application ${formatKey(key)} cannot be compared: ${error.message}`,
        );
      }
      throw error;
    }
  }

  async getManagedResources(key: ApplicationKey): Promise<ManagedResource[]> {
    return buildManagedResources(await this.comparisonOf(key));
  }

  async getResourceTree(key: ApplicationKey): Promise<ResourceTree> {
    return buildResourceTree(await this.comparisonOf(key), this.options.health);
  }

  /** A live object of the app's resource tree (its resources and what they own); NotFoundError otherwise. */
  private async liveResourceOf(
    key: ApplicationKey,
    ref: ResourceObjectRef,
  ): Promise<{ live: KubernetesObject; compared: ComparedApplication }> {
    const compared = await this.comparisonOf(key);
    const tree = await buildResourceTree(compared, this.options.health);
    const node = tree.nodes.find(
      candidate =>
        candidate.group === (ref.group ?? '') &&
        candidate.kind === ref.kind &&
        candidate.name === ref.name &&
        (candidate.namespace ?? '') === (ref.namespace ?? ''),
    );
    const where = `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${
      ref.namespace ? `${ref.namespace}/` : ''
    }${ref.name}`;
    if (
      !node ||
      (node.group === 'argoproj.io' && node.kind === 'Application')
    ) {
      throw new NotFoundError(
        `${where} is not a live resource of application ${formatKey(key)}`,
      );
    }
    const resource = await compared.cluster.connection.findResource(
      node.group ? `${node.group}/${node.version}` : node.version,
      node.kind,
    );
    const live = await compared.cluster.connection.get(
      resource,
      node.name,
      node.namespace,
    );
    if (!live) {
      throw new NotFoundError(`${where} no longer exists`);
    }
    return { live, compared };
  }

  async getLiveResource(
    key: ApplicationKey,
    resource: ResourceRef,
  ): Promise<Record<string, unknown>> {
    const { live } = await this.liveResourceOf(key, resource);
    return maskSecretPair(undefined, live).live as Record<string, unknown>;
  }

  async getResourceEvents(
    key: ApplicationKey,
    resource: ResourceObjectRef,
  ): Promise<ResourceEventView[]> {
    const { live, compared } = await this.liveResourceOf(key, resource);
    if (resource.uid && resource.uid !== live.metadata.uid) {
      throw new NotFoundError(
        `${describeResource(live)} of application ${formatKey(
          key,
        )} is now another object (uid ${live.metadata.uid}, not ${
          resource.uid
        }): it was deleted and created again; reload the resource tree`,
      );
    }
    return listResourceEvents(compared.cluster.connection, live);
  }

  async listResourceActions(
    key: ApplicationKey,
    resource: ResourceRef,
  ): Promise<ResourceActionView[]> {
    const { live } = await this.liveResourceOf(key, resource);
    try {
      const actions = await this.actions.discoverActions(live);
      return actions.map(action => ({
        name: action.name,
        disabled: action.disabled,
        ...(action.displayName ? { displayName: action.displayName } : {}),
        ...(action.iconClass ? { iconClass: action.iconClass } : {}),
        ...(action.params
          ? { params: action.params.map(param => ({ name: param.name })) }
          : {}),
      }));
    } catch (error) {
      throw toApiError(error);
    }
  }

  async runResourceAction(
    key: ApplicationKey,
    resource: ResourceRef,
    action: string,
    params: Array<{ name: string; value: string }>,
    initiator: Initiator,
  ): Promise<void> {
    const { live, compared } = await this.liveResourceOf(key, resource);
    const { connection } = compared.cluster;
    let result;
    try {
      result = await this.actions.runAction(
        live,
        action,
        Object.fromEntries(params.map(param => [param.name, param.value])),
      );
    } catch (error) {
      throw toApiError(error);
    }
    // Argo CD dry-runs every object an action creates before creating any.
    const creates = result.changes.filter(
      (change): change is ResourceActionCreate => change.operation === 'create',
    );
    for (const dryRun of [true, false]) {
      for (const change of creates) {
        await connection.create(change.resource as KubernetesObject, {
          dryRun,
        });
      }
    }
    for (const change of result.changes) {
      if (change.operation !== 'patch') continue;
      const target = await connection.findResource(
        change.target.apiVersion,
        change.target.kind,
      );
      for (const request of change.requests) {
        try {
          await connection.patch(
            target,
            change.target.name,
            change.target.namespace,
            request.mergePatch,
            {
              type: 'merge',
              ...(request.subresource === 'status'
                ? { subresource: 'status' as const }
                : {}),
            },
          );
        } catch (error) {
          if (
            request.subresource === 'status' &&
            error instanceof ClusterRequestError &&
            error.code === 404
          ) {
            // The kind has no status subresource: the whole change goes to the object.
            await connection.patch(
              target,
              change.target.name,
              change.target.namespace,
              change.mergePatch,
              { type: 'merge' },
            );
            break;
          }
          throw error;
        }
      }
    }
    await this.store.appendEvent({
      ...key,
      type: 'Normal',
      reason: 'ResourceActionRan',
      message: `Ran action ${action} on ${
        resource.group ? `${resource.group}/` : ''
      }${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${
        resource.name
      }${initiator.username ? ` for ${initiator.username}` : ''}`,
      ...(initiator.username ? { actor: initiator.username } : {}),
    });
    this.queueRefresh(key, {
      git: false,
      hard: false,
      explicit: false,
      periodic: false,
    }).catch(() => undefined);
  }
}

/** An action's failure as the API error its reason calls for. */
function toApiError(error: unknown): Error {
  if (!(error instanceof ResourceActionError)) return error as Error;
  switch (error.reason) {
    case 'unknown-action':
      return new NotFoundError(error.message);
    case 'invalid-parameters':
      return new InputError(error.message);
    case 'not-applicable':
      return new ConflictError(error.message);
    default:
      return error;
  }
}

function initiatorOf(initiator: Initiator): {
  username?: string;
  automated?: boolean;
} {
  return {
    ...(initiator.username ? { username: initiator.username } : {}),
    ...(initiator.automated ? { automated: true } : {}),
  };
}

/** `abc1234` / the targetRevision, for event messages. */
function describeTarget(operation: ApplicationOperation): string {
  const revisions = revisionsOf(operation.sync) ?? [];
  if (revisions.length === 0) return 'the target revision';
  return revisions
    .map(revision =>
      /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision,
    )
    .join(', ');
}
