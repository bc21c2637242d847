import { getField, isRecord } from './objectFields';
import { UnstructuredObject } from './types';

/** API group, version and kind of an object, read from `apiVersion` and `kind`. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export function groupVersionKindOf(obj: UnstructuredObject): GroupVersionKind {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion, kind }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
        kind,
      };
}

/** Argo CD's spelling of a GroupVersionKind in error messages: `apps/v1, Kind=Deployment`. */
export function formatGroupVersionKind(gvk: GroupVersionKind): string {
  const groupVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
  return `${groupVersion}, Kind=${gvk.kind}`;
}

export function metadataString(obj: UnstructuredObject, field: string): string {
  const value = getField(obj, ['metadata', field]);
  return typeof value === 'string' ? value : '';
}

export function annotationsOf(obj: UnstructuredObject): Record<string, string> {
  const annotations = getField(obj, ['metadata', 'annotations']);
  if (!isRecord(annotations)) return {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}

export function finalizersOf(obj: UnstructuredObject): string[] {
  const finalizers = getField(obj, ['metadata', 'finalizers']);
  return Array.isArray(finalizers)
    ? finalizers.filter((f): f is string => typeof f === 'string')
    : [];
}
