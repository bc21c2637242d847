import type { RetryStrategy } from '../application/types';

/** The phases of a sync, in the order they run; `SyncFail` runs only when the sync fails. */
export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/** Argo CD's operation phases. Running and Terminating are in progress, the others final. */
export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Failed'
  | 'Error'
  | 'Succeeded';

/** What happened to one resource. */
export type ResultCode = 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';

/** `argocd.argoproj.io/hook` values; a result's `hookType` is the phase the hook ran in. */
export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';

/** One resource named for a selective sync (`operation.sync.resources`). */
export interface SyncOperationResource {
  group?: string;
  kind: string;
  name: string;
  /** Any namespace when empty. */
  namespace?: string;
}

/** Argo CD's `operation.sync`. */
export interface SyncOperation {
  /** The revision asked for (a branch, tag or SHA); the state records the commit rendered. */
  revision?: string;
  revisions?: string[];
  /** Delete tracked resources that are no longer desired. */
  prune?: boolean;
  /** Change nothing; the result says what would happen. */
  dryRun?: boolean;
  /** `Name=value` options; merged over the Application's `syncPolicy.syncOptions`, key by key. */
  syncOptions?: string[];
  /** Selective sync: only these resources, no hooks, nothing else pruned. */
  resources?: SyncOperationResource[];
  /** `apply` skips hooks; `force` deletes and re-creates objects the server refuses to change. */
  syncStrategy?: {
    apply?: { force?: boolean };
    hook?: { force?: boolean };
  };
  /** Self-heal attempts so far (Argo CD's `autoHealAttemptsCount`), kept for the controller. */
  autoHealAttemptsCount?: number;
}

/** Argo CD's `operation`: what was asked, by whom, and how to retry it. */
export interface Operation {
  sync?: SyncOperation;
  initiatedBy?: { username?: string; automated?: boolean };
  info?: Array<{ name: string; value: string }>;
  /** Retries after a failed attempt; none when unset. */
  retry?: RetryStrategy & { refresh?: boolean };
}

/** One resource's result (Argo CD's `ResourceResult`). */
export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  /** '' for cluster-scoped resources. */
  namespace: string;
  name: string;
  status: ResultCode;
  message: string;
  /** Set for hooks: the phase the hook ran in. */
  hookType?: HookType;
  /**
   * The state of the work on the resource: for hooks whether the hook has
   * finished, for other resources whether they are healthy yet (Argo CD
   * keeps it for both).
   */
  hookPhase?: OperationPhase;
  syncPhase: SyncPhase;
  /** Container images of workloads, best effort. */
  images?: string[];
}

/** Argo CD's `syncResult`. */
export interface SyncOperationResult {
  /** The commit synced (resolved, not a branch name). */
  revision: string;
  revisions?: string[];
  /** In the order the engine first touched them. */
  resources: ResourceResult[];
  managedNamespaceMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/**
 * Driftless's own bookkeeping for resuming an operation: not part of Argo
 * CD's shape, but serializable and persisted with it.
 */
export interface SyncProgress {
  /** Identifies this attempt; stamped on the hooks it creates, so a resumed attempt adopts them instead of creating them again. */
  attemptId: string;
  /** The dry run of every manifest passed (it runs once per attempt, before anything changes). */
  dryRunPassed: boolean;
  /** After a wave, health is read only from this time on (RFC 3339), so controllers can catch up. */
  healthCheckNotBefore?: string;
  /** What each write returned, by result key: a live object older than this is a stale read. */
  applied: Record<string, { uid?: string; generation?: number }>;
  /** The wave of each prune task, by result key, as first computed (they are reversed, so they would move as objects go). */
  pruneWaves?: Record<string, number>;
  /** Steps in a row that failed on a cluster error; the operation ends in Error after too many. */
  stepErrors?: number;
}

/** Argo CD's `status.operationState`, plus {@link SyncProgress}. */
export interface SyncOperationState {
  operation: Operation;
  phase: OperationPhase;
  message: string;
  /** RFC 3339. */
  startedAt: string;
  /** Set once the phase is final, and while a retry waits (phase Running). */
  finishedAt?: string;
  retryCount: number;
  syncResult?: SyncOperationResult;
  progress?: SyncProgress;
}
