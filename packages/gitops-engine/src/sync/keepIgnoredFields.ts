import type { ResourceIgnoreRules } from '../diff/ignoreDifferences';
import { removeManagedFieldsDifferences } from '../diff/managedFields';
import { applyIgnoreRules } from '../diff/normalize';
import type { KubernetesObject } from '../render/types';

type Path = Array<string | number>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The paths where `normalized` lost something `original` has. Arrays whose
 * length changed count as a whole (as a JSON merge patch treats them).
 */
function removedPaths(
  original: unknown,
  normalized: unknown,
  path: Path = [],
): Path[] {
  if (isPlainObject(original) && isPlainObject(normalized)) {
    const paths: Path[] = [];
    for (const [key, value] of Object.entries(original)) {
      if (!(key in normalized)) paths.push([...path, key]);
      else paths.push(...removedPaths(value, normalized[key], [...path, key]));
    }
    return paths;
  }
  if (Array.isArray(original) && Array.isArray(normalized)) {
    if (original.length !== normalized.length) return [path];
    return original.flatMap((item, index) =>
      removedPaths(item, normalized[index], [...path, index]),
    );
  }
  return deepEqual(original, normalized) ? [] : [path];
}

function lookup(
  root: unknown,
  path: Path,
): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const element of path) {
    if (typeof element === 'number') {
      if (!Array.isArray(current) || element >= current.length)
        return { found: false };
      current = current[element];
    } else {
      if (!isPlainObject(current) || !(element in current))
        return { found: false };
      current = current[element];
    }
  }
  return { found: true, value: current };
}

function setAt(
  root: Record<string, unknown>,
  path: Path,
  value: unknown,
): void {
  let current: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const element = path[i];
    const next = (current as Record<string | number, unknown>)[element];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (typeof path[i + 1] === 'number') return;
      (current as Record<string | number, unknown>)[element] = {};
    }
    current = (current as Record<string | number, unknown>)[element];
  }
  (current as Record<string | number, unknown>)[path[path.length - 1]] =
    structuredClone(value);
}

function removeAt(root: unknown, path: Path): void {
  const parent = lookup(root, path.slice(0, -1));
  if (!parent.found) return;
  const last = path[path.length - 1];
  if (Array.isArray(parent.value) && typeof last === 'number')
    parent.value.splice(last, 1);
  else if (isPlainObject(parent.value)) delete parent.value[last as string];
}

/**
 * `RespectIgnoreDifferences=true`: the object to apply, with every field the
 * ignoreDifferences rules leave out of the diff taking its live value (or
 * left out when live has none), so a sync does not overwrite what the diff
 * ignores. `status` is never copied: it belongs to the object's controller.
 * Argo CD gets the same result with a merge patch between the live object and
 * its normalized copy (`controller/sync.go` `normalizeTargetResources`).
 */
export function keepIgnoredFields(
  target: KubernetesObject,
  live: KubernetesObject,
  rules: ResourceIgnoreRules,
): KubernetesObject {
  let normalizedTarget = structuredClone(target);
  let normalizedLive = structuredClone(live);
  if (rules.managedFieldsManagers.length > 0) {
    const trimmed = removeManagedFieldsDifferences(
      live,
      target,
      rules.managedFieldsManagers,
    );
    normalizedTarget = trimmed.desired;
    normalizedLive = trimmed.live;
  }
  applyIgnoreRules(normalizedTarget, rules);
  applyIgnoreRules(normalizedLive, rules);
  const ignored = [
    ...removedPaths(target, normalizedTarget),
    ...removedPaths(live, normalizedLive),
  ].filter(path => path.length > 0 && path[0] !== 'status');
  if (ignored.length === 0) return target;
  const result = structuredClone(target);
  const seen = new Set<string>();
  // Deepest and highest index first, so removals do not shift later paths.
  ignored.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? 1 : -1));
  for (const path of ignored) {
    const id = JSON.stringify(path);
    if (seen.has(id)) continue;
    seen.add(id);
    const liveValue = lookup(live, path);
    if (liveValue.found) setAt(result, path, liveValue.value);
    else removeAt(result, path);
  }
  return result;
}
