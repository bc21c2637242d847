import { ApiError } from '../machinery/errors';
import { isPlainObject, JsonObject, jsonEqual } from '../machinery/types';
import { childType, ListType, resolveType, TypeNode } from '../schema/typeNode';

/**
 * Strategic merge patch for built-in kinds: lists with a patch merge key are
 * merged item by item, and the `$patch`, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` directives
 * work as kubectl sends them.
 */

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

function patchError(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function mergeMap(
  original: unknown,
  patch: JsonObject,
  type: TypeNode,
): unknown {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    const { [DIRECTIVE]: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge') {
    throw patchError(`Unknown patch type: ${directive}`);
  }
  const t = resolveType(type, patch);
  const out: JsonObject = isPlainObject(original) ? { ...original } : {};
  const orders: Array<[string, unknown[]]> = [];
  for (const key of Object.keys(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS) continue;
    const value = patch[key];
    if (key.startsWith(SET_ORDER)) {
      orders.push([key.slice(SET_ORDER.length), value as unknown[]]);
      continue;
    }
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const remove = (value as unknown[]) ?? [];
      if (Array.isArray(out[field])) {
        out[field] = out[field].filter(
          (item: unknown) => !remove.some(r => jsonEqual(r, item)),
        );
      }
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const fieldType =
      t.kind === 'map' ? childType(t, key).type : resolveType(type, undefined);
    const merged = mergeValue(out[key], value, fieldType);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field]) && t.kind === 'map') {
      const listType = resolveType(childType(t, field).type, out[field]);
      if (listType.kind === 'list')
        out[field] = applyOrder(out[field], order, listType);
    }
  }
  if (Array.isArray(patch[RETAIN_KEYS])) {
    const keep = new Set<string>(patch[RETAIN_KEYS] as string[]);
    for (const key of Object.keys(out)) {
      if (!keep.has(key)) delete out[key];
    }
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(value[key]);
  }
  return out;
}

function applyOrder(
  items: unknown[],
  order: unknown[],
  list: ListType,
): unknown[] {
  const mergeKey = list.patchMergeKey;
  const identity = (item: unknown) =>
    mergeKey && isPlainObject(item)
      ? JSON.stringify(item[mergeKey])
      : JSON.stringify(item);
  const rank = new Map(order.map((entry, index) => [identity(entry), index]));
  const ordered = items.filter(item => rank.has(identity(item)));
  ordered.sort((a, b) => rank.get(identity(a))! - rank.get(identity(b))!);
  const rest = items.filter(item => !rank.has(identity(item)));
  return [...ordered, ...rest];
}

function mergeList(
  original: unknown,
  patch: unknown[],
  list: ListType,
): unknown[] | undefined {
  const base = Array.isArray(original) ? [...original] : [];
  if (
    patch.some(item => isPlainObject(item) && item[DIRECTIVE] === 'replace')
  ) {
    return patch
      .filter(item => !(isPlainObject(item) && item[DIRECTIVE] === 'replace'))
      .map(stripDirectives);
  }
  if (list.patchStrategy !== 'merge')
    return stripDirectives(patch) as unknown[];
  const mergeKey = list.patchMergeKey;
  if (!mergeKey) {
    // A list of primitives with the merge strategy: union, keeping order.
    for (const item of patch) {
      if (!base.some(existing => jsonEqual(existing, item))) base.push(item);
    }
    return base;
  }
  for (const item of patch) {
    if (!isPlainObject(item))
      throw patchError(`list item must be an object to merge by ${mergeKey}`);
    const key = item[mergeKey];
    const index = base.findIndex(
      existing => isPlainObject(existing) && jsonEqual(existing[mergeKey], key),
    );
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) base.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      base[index] = mergeValue(base[index], item, list.elem);
    } else {
      base.push(stripDirectives(item));
    }
  }
  return base;
}

function mergeValue(
  original: unknown,
  patch: unknown,
  type: TypeNode,
): unknown {
  if (isPlainObject(patch)) return mergeMap(original, patch, type);
  if (Array.isArray(patch)) {
    const t = resolveType(type, patch);
    if (t.kind === 'list') return mergeList(original, patch, t);
    return patch;
  }
  return patch;
}

export function applyStrategicMergePatch(
  original: JsonObject,
  patch: unknown,
  type: TypeNode,
): JsonObject {
  if (!isPlainObject(patch))
    throw patchError('strategic merge patch must be a JSON object');
  return (mergeMap(original, patch, type) ?? {}) as JsonObject;
}
