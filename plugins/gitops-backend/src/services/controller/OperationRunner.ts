import type {
  Application,
  ApplicationDiff,
  ClusterCache,
  ClusterConfig,
  ClusterConnection,
  HealthAssessor,
  KubernetesObject,
  ResourceTracking,
} from '@driftless/gitops-engine';
import type {
  FinishedOperationPhase,
  OperationRecord,
} from '../../database/types';
import type { ChildrenReport } from './appOfApps';
import type { RenderedSource } from './renderSources';
import type { OperationStateDocument } from './types';

/**
 * Everything one run of an operation needs, built by the controller while it
 * holds the app's lease: the app, its desired objects rendered at the
 * operation's revision (or the history entry's source and revision for a
 * rollback), and the live state they were compared with.
 */
export interface OperationRunContext {
  application: Application;
  /** The name the app's objects are tracked by (`CompareRequest.appInstanceName`). */
  appInstanceName: string;
  /** Each source with the commit rendered; `syncResult.revision(s)` are these SHAs. */
  sources: RenderedSource[];
  /**
   * The cluster objects to apply: `ApplicationComparator.prepare()`'s output
   * (destination namespace set where missing, tracking stamped), in render
   * order. Argo CD kinds (Application, ApplicationSet, AppProject) are not
   * among them: they are the app's `children`.
   */
  desired: KubernetesObject[];
  /** `ApplicationComparator.compare()` of exactly `desired`. */
  comparison: ApplicationDiff;
  cluster: {
    config: ClusterConfig;
    connection: ClusterConnection;
    /** Live objects; what the sync engine's `LiveObjectReader` reads. */
    cache: ClusterCache;
    /** The comparator's dry-run predictions, told what the sync applied (`ObjectDiffer.rememberApplied`). */
    predictions?: {
      rememberApplied(
        manifest: KubernetesObject,
        applied: KubernetesObject,
      ): void;
    };
  };
  health: HealthAssessor;
  tracking: ResourceTracking;
  /**
   * The app-of-apps children in the manifests, as the comparison found them
   * (registered already when automated sync is on). A sync registers them
   * with `registerChildren`, pruning children no longer in Git when the
   * operation prunes; they are never applied to the cluster.
   */
  children: ChildrenReport;
  registerChildren(options: { prune: boolean }): Promise<ChildrenReport>;
  /** Persists the operation's state (Argo CD's operationState plus the engine's progress); call after every step. */
  saveState(state: OperationStateDocument): Promise<void>;
  /** Whether a user asked to terminate the operation since it started. */
  isTerminationRequested(): Promise<boolean>;
  /**
   * Aborted when this replica loses the app's lease or stops: stop writing
   * to the cluster and return; another replica resumes from the saved state.
   */
  signal: AbortSignal;
}

/** How a run ended. */
export type OperationRunOutcome =
  | {
      phase: FinishedOperationPhase;
      /** The final state: message, syncResult (revision(s), resources), retryCount. */
      state: OperationStateDocument;
    }
  | {
      /** Not finished: the controller saves the state and runs the operation again after `resumeAfterMs` (a retry backoff, a long wait). */
      phase: 'Running';
      state: OperationStateDocument;
      resumeAfterMs: number;
    };

/**
 * The seam between the application controller and the sync engine. The
 * controller creates an operation (a user's sync, a rollback, or an
 * automated sync), claims it under the app's lease, builds the context, and
 * calls `run`. Afterwards it records the outcome: `finishOperation`, a
 * history entry for a successful non-dry-run sync (trimmed by
 * `revisionHistoryLimit`), events, metrics, and a refresh of the app. An
 * operation found unfinished at startup (a crash) is run again with its
 * saved `operation.state`, which the runner resumes from.
 */
export interface OperationRunner {
  run(
    operation: OperationRecord,
    context: OperationRunContext,
  ): Promise<OperationRunOutcome>;
}
