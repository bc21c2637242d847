import type { AppendEventInput, ApplicationKey } from '../../database/types';
import {
  ERROR_CONDITION_TYPES,
  type ApplicationStatusBody,
  type StatusCondition,
} from './statusDocument';

type EventDraft = Omit<AppendEventInput, 'namespace' | 'name'>;

/**
 * The events a new status deserves, as Argo CD's controller records them:
 * `ResourceUpdated` when the sync or health status changes, and a Warning
 * named after each error condition (ComparisonError, InvalidSpecError,
 * SyncError) that was not there before.
 */
export function statusChangeEvents(
  previous: Partial<ApplicationStatusBody> | undefined,
  next: ApplicationStatusBody,
): EventDraft[] {
  const events: EventDraft[] = [];
  const previousSync = previous?.sync?.status ?? 'Unknown';
  if (!previous || previousSync !== next.sync.status) {
    events.push({
      type: 'Normal',
      reason: 'ResourceUpdated',
      message: `Updated sync status: ${previousSync} -> ${next.sync.status}`,
    });
  }
  const previousHealth = previous?.health?.status ?? 'Unknown';
  if (!previous || previousHealth !== next.health.status) {
    events.push({
      type: 'Normal',
      reason: 'ResourceUpdated',
      message: `Updated health status: ${previousHealth} -> ${next.health.status}`,
    });
  }
  const known = new Set(
    (previous?.conditions ?? []).map(
      (condition: StatusCondition) => `${condition.type}\0${condition.message}`,
    ),
  );
  for (const condition of next.conditions) {
    if (
      ERROR_CONDITION_TYPES.has(condition.type) &&
      !known.has(`${condition.type}\0${condition.message}`)
    ) {
      events.push({
        type: 'Warning',
        reason: condition.type,
        message: condition.message,
      });
    }
  }
  return events;
}

/** Whether what the portal shows of an app changed (for signals and parents). */
export function summaryChanged(
  previous: Partial<ApplicationStatusBody> | undefined,
  next: ApplicationStatusBody,
): boolean {
  return (
    previous?.sync?.status !== next.sync.status ||
    previous?.health?.status !== next.health.status ||
    previous?.health?.message !== next.health.message ||
    previous?.sync?.revision !== next.sync.revision ||
    JSON.stringify(previous?.sync?.revisions) !==
      JSON.stringify(next.sync.revisions) ||
    JSON.stringify(previous?.sync?.comparedTo) !==
      JSON.stringify(next.sync.comparedTo)
  );
}

export function withKey(key: ApplicationKey, events: EventDraft[]) {
  return events.map(event => ({ ...key, ...event }));
}
