import {
  applicationSources,
  type Application,
  type KubernetesObject,
} from '@driftless/gitops-engine';
import type { ApplicationStatusDocument } from '../../database/types';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

/** One entry of `status.resources`. */
export interface ResourceStatusEntry {
  group: string;
  version: string;
  kind: string;
  /** '' for cluster-scoped resources. */
  namespace: string;
  name: string;
  /** Absent for hooks and `Skip` resources. */
  status?: SyncStatusCode;
  health?: { status: string; message?: string };
  hook?: boolean;
  requiresPruning?: boolean;
  syncWave?: number;
}

/** One entry of `status.conditions`. */
export interface StatusCondition {
  type: string;
  message: string;
  lastTransitionTime?: string;
}

/** Condition types that are errors (Argo CD's `IsError`): they get a Warning event when they appear. */
export const ERROR_CONDITION_TYPES = new Set([
  'ComparisonError',
  'InvalidSpecError',
  'SyncError',
  'UnknownError',
]);

/** The status document the controller saves (Argo CD's `status` without operationState and history). */
export interface ApplicationStatusBody extends ApplicationStatusDocument {
  sync: {
    status: SyncStatusCode;
    revision?: string;
    revisions?: string[];
    comparedTo: Record<string, unknown>;
  };
  health: { status: string; message?: string };
  resources: ResourceStatusEntry[];
  conditions: StatusCondition[];
  reconciledAt: string;
  observedAt: string;
  sourceType?: string;
  sourceTypes?: string[];
  summary: { images?: string[] };
}

/** `status.sync.comparedTo`: the spec the status describes, so a parent can tell a stale child status. */
export function comparedTo(application: Application): Record<string, unknown> {
  const multi = Boolean(
    application.spec.sources && application.spec.sources.length > 0,
  );
  return {
    ...(multi
      ? { sources: applicationSources(application.spec) }
      : { source: application.spec.source }),
    destination: application.spec.destination,
    ...(application.spec.ignoreDifferences
      ? { ignoreDifferences: application.spec.ignoreDifferences }
      : {}),
  };
}

/**
 * The conditions to save: each keeps the `lastTransitionTime` it had when
 * the same type and message were already there, and gets `now` otherwise.
 */
export function withTransitionTimes(
  previous: StatusCondition[] | undefined,
  next: StatusCondition[],
  now: string,
): StatusCondition[] {
  const seen = new Set<string>();
  const result: StatusCondition[] = [];
  for (const condition of next) {
    const id = `${condition.type}\0${condition.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const before = previous?.find(
      p => p.type === condition.type && p.message === condition.message,
    );
    result.push({
      type: condition.type,
      message: condition.message,
      lastTransitionTime: before?.lastTransitionTime ?? now,
    });
  }
  return result;
}

/** App sync status from its resources: Unknown if any is, else OutOfSync if any counts as such. */
export function combinedSyncStatus(
  resources: ResourceStatusEntry[],
  ignoredExtraneous: ReadonlySet<ResourceStatusEntry> = new Set(),
): SyncStatusCode {
  if (resources.some(resource => resource.status === 'Unknown')) {
    return 'Unknown';
  }
  return resources.some(
    resource =>
      resource.status === 'OutOfSync' && !ignoredExtraneous.has(resource),
  )
    ? 'OutOfSync'
    : 'Synced';
}

/** Stable order (group, kind, namespace, name), so an unchanged app saves an unchanged document. */
export function sortResources(
  resources: ResourceStatusEntry[],
): ResourceStatusEntry[] {
  const key = (r: ResourceStatusEntry) =>
    `${r.group}\0${r.kind}\0${r.namespace}\0${r.name}`;
  return [...resources].sort((a, b) => {
    if (key(a) === key(b)) return 0;
    return key(a) < key(b) ? -1 : 1;
  });
}

/** Container images of live workloads (`status.summary.images`), sorted. */
export function collectImages(objects: Iterable<KubernetesObject>): string[] {
  const images = new Set<string>();
  for (const object of objects) {
    const spec = object.spec as Record<string, any> | undefined;
    for (const podSpec of [
      spec,
      spec?.template?.spec,
      spec?.jobTemplate?.spec?.template?.spec,
    ]) {
      for (const list of [podSpec?.containers, podSpec?.initContainers]) {
        if (!Array.isArray(list)) continue;
        for (const container of list) {
          if (typeof container?.image === 'string') images.add(container.image);
        }
      }
    }
  }
  return [...images].sort();
}

/** The status of an app whose spec cannot be reconciled: sync and health Unknown, the rest kept. */
export function invalidSpecStatus(
  previous: Partial<ApplicationStatusBody> | undefined,
  comparedToSpec: Record<string, unknown>,
  conditions: StatusCondition[],
  now: string,
): ApplicationStatusBody {
  return {
    sync: { status: 'Unknown', comparedTo: comparedToSpec },
    health: { status: 'Unknown' },
    resources: previous?.resources ?? [],
    conditions: withTransitionTimes(previous?.conditions, conditions, now),
    reconciledAt: now,
    observedAt: now,
    summary: previous?.summary ?? {},
  };
}
