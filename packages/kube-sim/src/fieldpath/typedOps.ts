import { ApiError } from '../machinery/errors';
import { isPlainObject, JsonObject, jsonEqual } from '../machinery/types';
import {
  childType,
  ListType,
  MapType,
  resolveType,
  TypeNode,
} from '../schema/typeNode';
import {
  FieldSet,
  fieldElement,
  formatPath,
  keyElement,
  valueElement,
} from './fieldSet';

/**
 * The typed walks server-side apply is built from — field set of a value,
 * comparison, merge and removal — following structured-merge-diff's rules.
 */

function invalidList(path: string[], message: string): ApiError {
  return new ApiError(422, 'Invalid', `${formatPath(path) || '.'}: ${message}`);
}

/** The path element naming one item of a non-atomic list. */
export function listItemElement(
  list: ListType,
  item: unknown,
  path: string[],
): string {
  if (list.relationship === 'set') return valueElement(item);
  const keys = list.keys ?? [];
  if (!isPlainObject(item)) {
    throw invalidList(path, 'associative list items must be objects');
  }
  const fields: Record<string, unknown> = {};
  for (const key of keys) {
    let value = item[key];
    if (value === undefined || value === null) value = list.keyDefaults?.[key];
    if (value === undefined || value === null) {
      throw invalidList(
        path,
        `associative list with keys has an element that omits key field ${JSON.stringify(
          key,
        )} (and doesn't have default value)`,
      );
    }
    fields[key] = value;
  }
  return keyElement(fields);
}

const isEmptyObject = (value: unknown): boolean =>
  isPlainObject(value) && Object.keys(value).length === 0;

// ---------------------------------------------------------------------------
// Field set of a value: what an applier owns by applying it.

function collect(
  value: unknown,
  type: TypeNode,
  node: FieldSet,
  path: string[],
): void {
  if (value === null || value === undefined) {
    node.member = true;
    return;
  }
  const t = resolveType(type, value);
  if (t.kind === 'scalar') {
    node.member = true;
    return;
  }
  if (t.kind === 'list') {
    if (t.relationship === 'atomic' || !Array.isArray(value)) {
      node.member = true;
      return;
    }
    const seen = new Set<string>();
    for (const item of value) {
      const element = listItemElement(t, item, path);
      if (seen.has(element)) {
        throw invalidList(
          path,
          `duplicate entries for key ${formatPath([element])}`,
        );
      }
      seen.add(element);
      const child = node.child(element);
      child.member = true;
      collect(item, t.elem, child, path.concat(element));
    }
    return;
  }
  if (t.kind === 'map') {
    if (t.atomic || !isPlainObject(value)) {
      node.member = true;
      return;
    }
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (v === undefined) continue;
      const { type: ct, named } = childType(t, key);
      const element = fieldElement(key);
      const child = node.child(element);
      collect(v, ct, child, path.concat(element));
      if (v === null || isEmptyObject(v) || !named) child.member = true;
    }
  }
}

export function toFieldSet(value: JsonObject, type: TypeNode): FieldSet {
  const set = new FieldSet();
  collect(value, type, set, []);
  set.member = false;
  return set.compact();
}

// ---------------------------------------------------------------------------
// Comparison: which paths an update added, changed or removed.

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

function shapeOf(value: unknown): 'object' | 'array' | 'scalar' {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return 'scalar';
}

class Comparer {
  readonly result: Comparison = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };

  leaf(l: unknown, r: unknown, path: string[]): void {
    if (l === undefined) this.result.added.insert(path);
    else if (r === undefined) this.result.removed.insert(path);
    else if (!jsonEqual(l, r)) this.result.modified.insert(path);
  }

  node(lIn: unknown, rIn: unknown, type: TypeNode, path: string[]): void {
    // One value on both sides (subtrees shared between stored versions)
    // cannot differ anywhere below.
    if (lIn === rIn) return;
    // A typed object does not tell null from absent.
    const l = lIn === null ? undefined : lIn;
    const r = rIn === null ? undefined : rIn;
    if (l === undefined && r === undefined) return;
    if (l !== undefined && r !== undefined && shapeOf(l) !== shapeOf(r)) {
      this.leaf(l, r, path);
      return;
    }
    const t = resolveType(type, r !== undefined ? r : l);
    let handledAsLeaf = false;
    if (t.kind === 'scalar') {
      this.leaf(l, r, path);
      handledAsLeaf = true;
    } else if (t.kind === 'list') {
      const la = (l as unknown[] | undefined) ?? [];
      const ra = (r as unknown[] | undefined) ?? [];
      if (t.relationship === 'atomic' || (la.length === 0 && ra.length === 0)) {
        this.leaf(l, r, path);
        handledAsLeaf = true;
      } else {
        this.listItems(t, la, ra, path);
      }
    } else if (t.kind === 'map') {
      const lo = l as JsonObject | undefined;
      const ro = r as JsonObject | undefined;
      const lEmpty = !lo || Object.keys(lo).length === 0;
      const rEmpty = !ro || Object.keys(ro).length === 0;
      if (t.atomic || (lEmpty && rEmpty)) {
        this.leaf(l, r, path);
        handledAsLeaf = true;
      } else {
        this.mapItems(t, lo, ro, path);
      }
    }
    if (!handledAsLeaf && path.length > 0) {
      if (l === undefined) this.result.added.insert(path);
      else if (r === undefined) this.result.removed.insert(path);
    }
  }

  mapItems(
    t: MapType,
    l: JsonObject | undefined,
    r: JsonObject | undefined,
    path: string[],
  ): void {
    const keys = new Set<string>();
    if (l) for (const key of Object.keys(l)) keys.add(key);
    if (r) for (const key of Object.keys(r)) keys.add(key);
    if (t.alwaysPresent) for (const key of t.alwaysPresent) keys.add(key);
    for (const key of keys) {
      let lv = l ? l[key] : undefined;
      let rv = r ? r[key] : undefined;
      if (t.alwaysPresent?.includes(key)) {
        if (l && (lv === undefined || lv === null)) lv = {};
        if (r && (rv === undefined || rv === null)) rv = {};
      }
      this.node(lv, rv, childType(t, key).type, path.concat(fieldElement(key)));
    }
  }

  listItems(t: ListType, l: unknown[], r: unknown[], path: string[]): void {
    const lItems = new Map<string, unknown>();
    const order: string[] = [];
    for (const item of l) {
      const element = listItemElement(t, item, path);
      if (!lItems.has(element)) order.push(element);
      lItems.set(element, item);
    }
    const rItems = new Map<string, unknown>();
    for (const item of r) {
      const element = listItemElement(t, item, path);
      if (!rItems.has(element) && !lItems.has(element)) order.push(element);
      rItems.set(element, item);
    }
    for (const element of order) {
      this.node(
        lItems.get(element),
        rItems.get(element),
        t.elem,
        path.concat(element),
      );
    }
  }
}

/** Compares two objects of the same kind (`before` may be an empty object for a create). */
export function compareObjects(
  before: JsonObject,
  after: JsonObject,
  type: TypeNode,
): Comparison {
  const comparer = new Comparer();
  comparer.node(before, after, type, []);
  const { added, modified, removed } = comparer.result;
  added.compact();
  modified.compact();
  removed.compact();
  return comparer.result;
}

// ---------------------------------------------------------------------------
// Merge: the object after applying a configuration over the live one.

function mergeList(
  t: ListType,
  l: unknown,
  r: unknown[],
  path: string[],
): unknown[] {
  if (!Array.isArray(l)) return r;
  const leftElements = l.map(item => listItemElement(t, item, path));
  const rightElements = r.map(item => listItemElement(t, item, path));
  const leftByElement = new Map<string, unknown>();
  leftElements.forEach((element, i) => {
    if (!leftByElement.has(element)) leftByElement.set(element, l[i]);
  });
  const rightSet = new Set(rightElements);
  // Items on both sides, in the order the configuration lists them.
  const sharedOrder = rightElements.filter(element =>
    leftByElement.has(element),
  );
  let sharedIndex = 0;
  const out: unknown[] = [];
  const merged = new Set<string>();
  let li = 0;
  let ri = 0;
  const mergeItem = (element: string, right: unknown) => {
    const value = mergeValue(
      leftByElement.get(element),
      right,
      t.elem,
      path.concat(element),
    );
    if (value !== undefined && value !== null) out.push(value);
    merged.add(element);
  };
  while (li < leftElements.length || ri < rightElements.length) {
    if (li < leftElements.length && ri < rightElements.length) {
      const left = leftElements[li];
      if (left === rightElements[ri]) {
        mergeItem(left, r[ri]);
        li++;
        ri++;
        if (sharedOrder[sharedIndex] === left) sharedIndex++;
        continue;
      }
      const nextShared = sharedOrder[sharedIndex];
      if (
        rightSet.has(left) &&
        nextShared !== undefined &&
        nextShared !== left
      ) {
        li++;
        continue;
      }
    }
    if (li < leftElements.length) {
      const left = leftElements[li];
      if (!rightSet.has(left)) {
        out.push(l[li]);
        li++;
        continue;
      } else if (merged.has(left)) {
        li++;
      }
    }
    if (ri < rightElements.length) {
      const element = rightElements[ri];
      if (!merged.has(element)) mergeItem(element, r[ri]);
      ri++;
      if (sharedOrder[sharedIndex] === element) sharedIndex++;
    }
  }
  return out;
}

/** Merges `right` (the applied configuration) over `left`; `null` in `right` removes. */
export function mergeValue(
  left: unknown,
  right: unknown,
  type: TypeNode,
  path: string[] = [],
): unknown {
  if (right === undefined) return left;
  if (right === null) return null;
  if (left === undefined || left === null) return right;
  const t = resolveType(type, right);
  if (t.kind === 'scalar') return right;
  if (t.kind === 'list') {
    if (t.relationship === 'atomic' || !Array.isArray(right)) return right;
    return mergeList(t, left, right, path);
  }
  if (t.kind === 'map') {
    if (t.atomic || !isPlainObject(right) || !isPlainObject(left)) return right;
    const out: JsonObject = { ...left };
    for (const key of Object.keys(right)) {
      const element = fieldElement(key);
      const value = mergeValue(
        left[key],
        right[key],
        childType(t, key).type,
        path.concat(element),
      );
      if (value === null || value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  }
  return right;
}

// ---------------------------------------------------------------------------
// Removal of paths (pruning fields an applier stopped applying).

const REMOVED = Symbol('removed');

function removeIn(
  value: unknown,
  set: FieldSet,
  type: TypeNode,
  path: string[],
): unknown {
  const t = resolveType(type, value);
  if (
    t.kind === 'list' &&
    t.relationship !== 'atomic' &&
    Array.isArray(value)
  ) {
    const out: unknown[] = [];
    let changed = false;
    for (const item of value) {
      const element = listItemElement(t, item, path);
      const child = set.get(element);
      if (!child) {
        out.push(item);
        continue;
      }
      if (child.member) {
        changed = true;
        continue;
      }
      const next = removeIn(item, child, t.elem, path.concat(element));
      if (next === REMOVED) {
        changed = true;
        continue;
      }
      if (next !== item) changed = true;
      out.push(next);
    }
    if (!changed) return value;
    return out.length === 0 ? REMOVED : out;
  }
  if (t.kind === 'map' && !t.atomic && isPlainObject(value)) {
    const out: JsonObject = {};
    let changed = false;
    for (const key of Object.keys(value)) {
      const child = set.get(fieldElement(key));
      if (!child) {
        out[key] = value[key];
        continue;
      }
      if (child.member) {
        changed = true;
        continue;
      }
      const next = removeIn(
        value[key],
        child,
        childType(t, key).type,
        path.concat(fieldElement(key)),
      );
      if (next === REMOVED) {
        changed = true;
        continue;
      }
      if (next !== value[key]) changed = true;
      out[key] = next;
    }
    if (!changed) return value;
    return Object.keys(out).length === 0 ? REMOVED : out;
  }
  return value;
}

/**
 * Removes every member path of `set` from `object`. Maps and lists that the
 * removal empties go too, as they do on a real server (they become null).
 */
export function removePaths(
  object: JsonObject,
  set: FieldSet,
  type: TypeNode,
): JsonObject {
  const result = removeIn(object, set, type, []);
  return result === REMOVED ? {} : (result as JsonObject);
}
