import { isRecord } from '../health/objectFields';

/**
 * Lua has one empty table for `{}` and `[]`, and the sandbox reads it back as
 * `[]`. An action that passes an empty object through (`resources: {}`,
 * `emptyDir: {}`) would otherwise turn it into a list the API server
 * rejects. Where the object the action ran on held an object and the result
 * holds an empty list, this puts the empty object back, through every map and
 * list present in both (Argo CD's `cleanReturnedObj`). Fields the action
 * added are left as returned. Changes `returned` in place and returns it.
 */
export function restoreEmptyObjects(
  returned: Record<string, unknown>,
  original: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, before] of Object.entries(original)) {
    if (!(key in returned)) continue;
    const after = returned[key];
    if (isRecord(after) && isRecord(before)) {
      restoreEmptyObjects(after, before);
    } else if (Array.isArray(after)) {
      if (isRecord(before) && after.length === 0) returned[key] = {};
      else if (Array.isArray(before)) restoreInList(after, before);
    }
  }
  return returned;
}

function restoreInList(returned: unknown[], original: unknown[]): void {
  // Items past the original's end were added by the action.
  const common = Math.min(returned.length, original.length);
  for (let i = 0; i < common; i++) {
    const after = returned[i];
    const before = original[i];
    if (isRecord(after) && isRecord(before)) restoreEmptyObjects(after, before);
    else if (Array.isArray(after) && Array.isArray(before))
      restoreInList(after, before);
  }
}
