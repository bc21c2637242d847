import type { Application, ApplicationSource } from '@driftless/gitops-engine';
import { applicationSources } from '@driftless/gitops-engine';
import { isDeepStrictEqual } from 'node:util';
import type {
  ApplicationOperation,
  OperationPhase,
} from '../../database/types';
import type { BackoffSettings } from './readControllerConfig';

/** One compared resource, as the decision reads it. */
export interface AutomatedSyncResource {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /** Undefined for hooks and `Skip` resources. */
  status?: 'Synced' | 'OutOfSync' | 'Unknown';
  requiresPruning?: boolean;
}

/** The app's last operation, finished or not. */
export interface LastOperation {
  operation: ApplicationOperation;
  phase: OperationPhase;
  message?: string;
  finishedAt?: string;
  /** `syncResult.revision(s)`: what the sync actually rendered. */
  syncedRevisions?: string[];
}

export interface AutomatedSyncInput {
  application: Application;
  /** The app is being deleted. */
  deleting?: boolean;
  syncStatus: 'Synced' | 'OutOfSync' | 'Unknown';
  resources: AutomatedSyncResource[];
  /** The commits the comparison rendered, one per source. */
  revisions: string[];
  /** An operation has not finished yet. */
  operationInProgress: boolean;
  lastOperation?: LastOperation;
  selfHealBackoff: BackoffSettings;
  now: Date;
}

/** What to do about automated sync after a comparison. */
export type AutomatedSyncDecision =
  /** Nothing to do; `reason` says why, for debug logs. */
  | { action: 'none'; reason: string }
  /** Self-heal is backing off: refresh again after `retryAfterMs`. */
  | { action: 'wait'; reason: string; retryAfterMs: number }
  /** Argo CD's SyncError condition: the automated sync will not run at this revision. */
  | { action: 'refuse'; message: string }
  | { action: 'sync'; operation: ApplicationOperation; selfHeal: boolean };

/** Argo CD's default retry for automated syncs whose app sets none. */
const AUTOMATED_SYNC_DEFAULT_RETRY = { limit: 5 };

function describeRevisions(revisions: string[]): string {
  return revisions.length === 1 ? revisions[0] : `[${revisions.join(', ')}]`;
}

/**
 * The self-heal delay before attempt `attempts + 1`: none before the first,
 * then `initial × factor^(n-1)` capped at `max` (Argo CD's
 * `selfHealRemainingBackoff`: 2 s, 6 s, 18 s, ... 300 s by default).
 */
export function selfHealDelayMs(
  attempts: number,
  backoff: BackoffSettings,
): number {
  if (attempts <= 0) {
    return 0;
  }
  return Math.min(
    backoff.maxMs,
    backoff.initialMs * backoff.factor ** Math.min(attempts - 1, 64),
  );
}

function lastSyncedRevisions(last: LastOperation): string[] | undefined {
  if (last.syncedRevisions && last.syncedRevisions.length > 0) {
    return last.syncedRevisions;
  }
  const sync = last.operation.sync;
  if (sync?.revisions && sync.revisions.length > 0) return sync.revisions;
  return sync?.revision ? [sync.revision] : undefined;
}

function operationSources(
  operation: ApplicationOperation,
): ApplicationSource[] | undefined {
  const sync = operation.sync as
    | { source?: ApplicationSource; sources?: ApplicationSource[] }
    | undefined;
  if (sync?.sources && sync.sources.length > 0) return sync.sources;
  return sync?.source ? [sync.source] : undefined;
}

/**
 * Argo CD's automated sync rules (`controller/appcontroller.go` `autoSync`
 * and `alreadyAttemptedSync`), in Argo CD's order:
 *
 * 1. `syncPolicy.automated` set and not `enabled: false`;
 * 2. no operation in progress; 3. the app is not being deleted;
 * 4. the app is OutOfSync (Synced and Unknown never sync automatically);
 * 5. without `prune`, differences that are only resources to prune are left;
 * 6. if the last operation targeted the same revisions and the same source:
 *    when it failed, never retry automatically (SyncError
 *    `Failed last sync attempt to <rev>: <message>`); when it succeeded, sync
 *    only with `selfHeal`, after the self-heal backoff, and only the
 *    resources that are not Synced;
 * 7. with `prune` and without `allowEmpty`, refuse a sync that would prune
 *    every resource (`auto-sync will wipe out all resources`).
 */
export function decideAutomatedSync(
  input: AutomatedSyncInput,
): AutomatedSyncDecision {
  const { application, resources, revisions, lastOperation } = input;
  const policy = application.spec.syncPolicy;
  const automated = policy?.automated;
  if (!automated || automated.enabled === false) {
    return { action: 'none', reason: 'automated sync is off' };
  }
  if (input.operationInProgress) {
    return { action: 'none', reason: 'another operation is in progress' };
  }
  if (input.deleting) {
    return { action: 'none', reason: 'the application is being deleted' };
  }
  if (input.syncStatus !== 'OutOfSync') {
    return {
      action: 'none',
      reason: `the application is ${input.syncStatus}`,
    };
  }
  const prune = automated.prune ?? false;
  const outOfSync = resources.filter(
    resource => resource.status !== undefined && resource.status !== 'Synced',
  );
  if (!prune && outOfSync.every(resource => resource.requiresPruning)) {
    return {
      action: 'none',
      reason: 'only resources to prune differ, and automated prune is disabled',
    };
  }

  const sources = applicationSources(application.spec);
  const multiSource = Boolean(
    application.spec.sources && application.spec.sources.length > 0,
  );
  const desired = describeRevisions(revisions);
  const sync: NonNullable<ApplicationOperation['sync']> = {
    ...(multiSource
      ? { revisions: [...revisions], sources }
      : { revision: revisions[0], source: sources[0] }),
    prune,
    ...(policy?.syncOptions ? { syncOptions: [...policy.syncOptions] } : {}),
  };
  let selfHeal = false;

  if (lastOperation) {
    const attempted = lastSyncedRevisions(lastOperation);
    const sameTarget =
      attempted !== undefined &&
      isDeepStrictEqual(attempted, revisions) &&
      isDeepStrictEqual(operationSources(lastOperation.operation), sources);
    if (sameTarget) {
      if (lastOperation.phase !== 'Succeeded') {
        return {
          action: 'refuse',
          message: `Failed last sync attempt to ${desired}: ${
            lastOperation.message ?? `the sync ended ${lastOperation.phase}`
          }`,
        };
      }
      if (!automated.selfHeal) {
        return {
          action: 'none',
          reason: `the most recent sync was already to ${desired}, and self-heal is off`,
        };
      }
      const attempts = Number(
        lastOperation.operation.sync?.autoHealAttemptsCount ?? 0,
      );
      const finishedAt = lastOperation.finishedAt
        ? Date.parse(lastOperation.finishedAt)
        : undefined;
      const remaining =
        selfHealDelayMs(attempts, input.selfHealBackoff) -
        (finishedAt === undefined ? 0 : input.now.getTime() - finishedAt);
      if (remaining > 0) {
        return {
          action: 'wait',
          reason: `self-heal to ${desired} backs off after ${attempts} attempts`,
          retryAfterMs: remaining,
        };
      }
      selfHeal = true;
      sync.autoHealAttemptsCount = attempts + 1;
      sync.resources = outOfSync.map(resource => ({
        group: resource.group,
        kind: resource.kind,
        name: resource.name,
        ...(resource.namespace ? { namespace: resource.namespace } : {}),
      }));
    }
  }

  if (
    prune &&
    !automated.allowEmpty &&
    resources.length > 0 &&
    resources.every(resource => resource.requiresPruning)
  ) {
    return {
      action: 'refuse',
      message: `Skipping sync attempt to ${desired}: auto-sync will wipe out all resources`,
    };
  }

  return {
    action: 'sync',
    selfHeal,
    operation: {
      sync,
      initiatedBy: { automated: true },
      retry: policy?.retry ?? AUTOMATED_SYNC_DEFAULT_RETRY,
    },
  };
}
