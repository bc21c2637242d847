import { deepEqual } from '../diff/json';
import { isRecord } from '../health/objectFields';
import type { MergePatch, ResourcePatchRequest } from './types';

const isAbsent = (value: unknown) => value === undefined || value === null;

/**
 * The JSON merge patch (RFC 7386) that turns `original` into `modified`:
 * changed and added fields with their new value, removed fields as null,
 * objects patched field by field, lists replaced whole. Null in either
 * object counts as absent, as the API server stores it.
 */
export function createMergePatch(
  original: Record<string, unknown>,
  modified: Record<string, unknown>,
): MergePatch {
  const patch: MergePatch = {};
  for (const [key, before] of Object.entries(original)) {
    if (!isAbsent(before) && isAbsent(modified[key])) patch[key] = null;
  }
  for (const [key, after] of Object.entries(modified)) {
    if (isAbsent(after)) continue;
    const before = original[key];
    if (isRecord(before) && isRecord(after)) {
      const nested = createMergePatch(before, after);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (!deepEqual(before, after)) {
      patch[key] = after;
    }
  }
  return patch;
}

/**
 * A merge patch as Argo CD sends it: the `status` part to the status
 * subresource first (a CRD with a status subresource ignores status in a
 * patch of the object), then the rest to the object. Empty for an empty patch.
 */
export function splitStatusPatch(
  mergePatch: MergePatch,
): ResourcePatchRequest[] {
  const { status, ...rest } = mergePatch;
  const requests: ResourcePatchRequest[] = [];
  if (status !== undefined)
    requests.push({ subresource: 'status', mergePatch: { status } });
  if (Object.keys(rest).length > 0)
    requests.push({ subresource: 'main', mergePatch: rest });
  return requests;
}
