import { formatGroupVersionKind, GroupVersionKind } from '../resourceIdentity';
import { HealthStatus, HealthStatusCode, UnstructuredObject } from '../types';

/**
 * A built-in health check. It returns null when it has nothing to say about the
 * object, and throws when the object cannot be read (the caller reports that as
 * Unknown with the error's message, as Argo CD does).
 */
export type BuiltinHealthCheck = (
  obj: UnstructuredObject,
  gvk: GroupVersionKind,
) => HealthStatus | null;

export function healthOf(status: HealthStatusCode, message = ''): HealthStatus {
  return { status, message };
}

/** Go's `%q` for the names and strings that appear in health messages. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Wraps a check that reads the object through a typed schema, valid for the listed API versions only. */
export function forVersions(
  typeName: string,
  versions: readonly string[],
  check: (obj: UnstructuredObject) => HealthStatus | null,
): BuiltinHealthCheck {
  return (obj, gvk) => {
    if (!versions.includes(gvk.version)) {
      throw new Error(
        `unsupported ${typeName} GVK: ${formatGroupVersionKind(gvk)}`,
      );
    }
    return check(obj);
  };
}
