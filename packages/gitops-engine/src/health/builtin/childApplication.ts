import { getField, isRecord } from '../objectFields';
import { HealthStatus, isHealthStatusCode, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

/** Drops empty values so that `{}` and an absent field, or `[]` and an absent list, compare equal. */
function withoutEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withoutEmptyValues);
    return items.length === 0 ? undefined : items;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, withoutEmptyValues(item)] as const)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value === null || value === '' ? undefined : value;
}

function sameContent(a: unknown, b: unknown): boolean {
  return (
    JSON.stringify(withoutEmptyValues(a)) ===
    JSON.stringify(withoutEmptyValues(b))
  );
}

/**
 * Whether the child's controller has compared the spec it has now: until it
 * has, its health describes the previous spec (Argo CD issues #4577, #27917).
 */
function isSpecCompared(obj: UnstructuredObject): boolean {
  const comparedTo = getField(obj, ['status', 'sync', 'comparedTo']);
  if (!isRecord(comparedTo)) return true;
  return ['source', 'sources', 'destination'].every(field =>
    sameContent(getField(obj, ['spec', field]), comparedTo[field]),
  );
}

/**
 * A child `argoproj.io/Application` of an app of apps: the health its own
 * reconciliation reports in `status.health`. Argo CD has no built-in check for
 * it since 1.8 and documents a Lua customization that does the same; Driftless
 * applies this one unless a customization for `argoproj.io/Application` exists.
 * Unlike that customization it waits until the child has compared its current
 * spec, so a parent does not see a stale Healthy right after a change.
 */
export function childApplicationHealth(obj: UnstructuredObject): HealthStatus {
  const status = getField(obj, ['status', 'health', 'status']);
  if (status === undefined) {
    return healthOf(
      'Progressing',
      'Waiting for the application to report its health',
    );
  }
  if (!isSpecCompared(obj)) {
    return healthOf(
      'Progressing',
      'Waiting for the application to compare its current spec',
    );
  }
  if (!isHealthStatusCode(status)) {
    return healthOf(
      'Unknown',
      `The application reports a health status that is not valid: ${JSON.stringify(
        status,
      )}`,
    );
  }
  const message = getField(obj, ['status', 'health', 'message']);
  return healthOf(status, typeof message === 'string' ? message : '');
}
