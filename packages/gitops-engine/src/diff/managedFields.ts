import type { KubernetesObject } from '../render/types';
import { cloneJson, deepEqual, isPlainObject, type JsonObject } from './json';
import { isSecret } from './normalize';

/**
 * Field ownership as `metadata.managedFields[].fieldsV1` records it: a tree
 * whose keys are `f:<field>`, `k:<json key of a list item>`, `v:<json value
 * of a set item>` or `i:<index>`, and `.` for "this node itself". The list
 * keys spelled inside `k:` entries are what lets the code below match list
 * items the way server-side apply does, without the OpenAPI schema.
 */
export interface FieldNode {
  children: Map<string, FieldNode>;
}

type PathStep =
  | { kind: 'field'; name: string }
  | { kind: 'key'; values: JsonObject }
  | { kind: 'value'; value: unknown }
  | { kind: 'index'; index: number };

export function parseFieldsV1(fields: unknown): FieldNode {
  const node: FieldNode = { children: new Map() };
  if (!isPlainObject(fields)) return node;
  for (const [key, value] of Object.entries(fields)) {
    if (key === '.') continue;
    node.children.set(key, parseFieldsV1(value));
  }
  return node;
}

function mergeInto(target: FieldNode, source: FieldNode): void {
  for (const [key, child] of source.children) {
    const existing = target.children.get(key);
    if (existing) mergeInto(existing, child);
    else target.children.set(key, child);
  }
}

interface ManagedFieldsEntry {
  manager?: string;
  fieldsV1?: unknown;
}

function managedFieldsEntries(object: KubernetesObject): ManagedFieldsEntry[] {
  const entries = object.metadata?.managedFields;
  return Array.isArray(entries)
    ? (entries.filter(isPlainObject) as ManagedFieldsEntry[])
    : [];
}

/** The union of the fields the given managers own; undefined when none of them owns anything. */
export function fieldsOwnedBy(
  object: KubernetesObject,
  managers: readonly string[],
): FieldNode | undefined {
  let owned: FieldNode | undefined;
  for (const entry of managedFieldsEntries(object)) {
    if (!entry.manager || !managers.includes(entry.manager)) continue;
    owned ??= { children: new Map() };
    mergeInto(owned, parseFieldsV1(entry.fieldsV1));
  }
  return owned && owned.children.size > 0 ? owned : undefined;
}

function parseStep(key: string): PathStep | undefined {
  const body = key.slice(2);
  try {
    switch (key.slice(0, 2)) {
      case 'f:':
        return { kind: 'field', name: body };
      case 'k:': {
        const values = JSON.parse(body);
        return isPlainObject(values) ? { kind: 'key', values } : undefined;
      }
      case 'v:':
        return { kind: 'value', value: JSON.parse(body) };
      case 'i:':
        return { kind: 'index', index: Number(body) };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function itemMatchesKey(item: unknown, values: JsonObject): boolean {
  return (
    isPlainObject(item) &&
    Object.entries(values).every(([field, value]) =>
      deepEqual(item[field], value),
    )
  );
}

/** The position of the list item a step selects; -1 when there is none. */
function itemPosition(list: unknown[], step: PathStep): number {
  switch (step.kind) {
    case 'key':
      return list.findIndex(item => itemMatchesKey(item, step.values));
    case 'value':
      return list.findIndex(item => deepEqual(item, step.value));
    case 'index':
      return step.index < list.length ? step.index : -1;
    default:
      return -1;
  }
}

/** Paths to the leaves of an ownership tree: the fields a manager owns whole. */
function leafPaths(node: FieldNode, prefix: PathStep[] = []): PathStep[][] {
  const paths: PathStep[][] = [];
  for (const [key, child] of node.children) {
    const step = parseStep(key);
    if (!step) continue;
    const path = [...prefix, step];
    if (child.children.size === 0) paths.push(path);
    else paths.push(...leafPaths(child, path));
  }
  return paths;
}

function resolve(
  root: unknown,
  path: PathStep[],
): { found: boolean; value?: unknown } {
  let current = root;
  for (const step of path) {
    if (step.kind === 'field') {
      if (!isPlainObject(current) || !(step.name in current))
        return { found: false };
      current = current[step.name];
    } else {
      if (!Array.isArray(current)) return { found: false };
      const position = itemPosition(current, step);
      if (position < 0) return { found: false };
      current = current[position];
    }
  }
  return { found: true, value: current };
}

function removeAt(root: unknown, path: PathStep[]): void {
  let parent = root;
  for (const step of path.slice(0, -1)) {
    const next = resolve(parent, [step]);
    if (!next.found) return;
    parent = next.value;
  }
  const last = path[path.length - 1];
  if (last.kind === 'field') {
    if (isPlainObject(parent)) delete parent[last.name];
  } else if (Array.isArray(parent)) {
    const position = itemPosition(parent, last);
    if (position >= 0) parent.splice(position, 1);
  }
}

/**
 * Argo CD's `managedFieldsManagers` normalization
 * (`util/argo/managedfields`): every field that one of the trusted managers
 * owns in the live object, and whose value the desired object would change,
 * is removed from copies of both, so a field another controller (an HPA, an
 * operator) owns never shows as drift and is not applied over.
 */
export function removeManagedFieldsDifferences(
  live: KubernetesObject,
  desired: KubernetesObject,
  managers: readonly string[],
): { live: KubernetesObject; desired: KubernetesObject } {
  const liveCopy = cloneJson(live);
  const desiredCopy = cloneJson(desired);
  const owned = fieldsOwnedBy(live, managers);
  if (!owned) return { live: liveCopy, desired: desiredCopy };
  const conflicting = leafPaths(owned).filter(path => {
    const liveValue = resolve(live, path);
    const desiredValue = resolve(desired, path);
    return (
      liveValue.found &&
      desiredValue.found &&
      !deepEqual(liveValue.value, desiredValue.value)
    );
  });
  for (const path of conflicting) {
    removeAt(liveCopy, path);
    removeAt(desiredCopy, path);
  }
  return { live: liveCopy, desired: desiredCopy };
}

/** Live's value wherever the predicted object has one; what the predicted object lacks stays out. */
function overlayUnowned(predicted: unknown, live: unknown): unknown {
  if (isPlainObject(predicted) && isPlainObject(live)) {
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(predicted)) {
      if (key in live) result[key] = overlayUnowned(value, live[key]);
    }
    return result;
  }
  return cloneJson(live);
}

function keyFieldNames(node: FieldNode): Set<string> {
  const names = new Set<string>();
  for (const key of node.children.keys()) {
    const step = parseStep(key);
    if (step?.kind === 'key')
      for (const name of Object.keys(step.values)) names.add(name);
  }
  return names;
}

function ownedItem(
  node: FieldNode,
  item: unknown,
  position: number,
): { step: PathStep; child: FieldNode } | undefined {
  for (const [key, child] of node.children) {
    const step = parseStep(key);
    if (!step) continue;
    if (
      (step.kind === 'key' && itemMatchesKey(item, step.values)) ||
      (step.kind === 'value' && deepEqual(item, step.value)) ||
      (step.kind === 'index' && step.index === position)
    ) {
      return { step, child };
    }
  }
  return undefined;
}

function overlayOwned(
  predicted: unknown,
  live: unknown,
  node: FieldNode,
): unknown {
  // A leaf is owned whole, atomic maps and lists included.
  if (node.children.size === 0) return cloneJson(predicted);
  if (isPlainObject(predicted)) {
    const liveObject = isPlainObject(live) ? live : undefined;
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(predicted)) {
      const child = node.children.get(`f:${key}`);
      if (child) result[key] = overlayOwned(value, liveObject?.[key], child);
      else if (liveObject && key in liveObject)
        result[key] = overlayUnowned(value, liveObject[key]);
    }
    return result;
  }
  if (Array.isArray(predicted)) {
    const liveList = Array.isArray(live) ? live : [];
    const keyNames = keyFieldNames(node);
    const result: unknown[] = [];
    predicted.forEach((item, position) => {
      const owned = ownedItem(node, item, position);
      if (owned) {
        const livePosition = itemPosition(liveList, owned.step);
        const merged = overlayOwned(
          item,
          livePosition >= 0 ? liveList[livePosition] : undefined,
          owned.child,
        );
        // Key fields identify the item: keep them even when the server
        // defaulted them (a port's protocol), as Argo CD keeps composite keys.
        if (
          owned.step.kind === 'key' &&
          isPlainObject(merged) &&
          isPlainObject(item)
        ) {
          for (const field of Object.keys(owned.step.values))
            if (field in item) merged[field] = cloneJson(item[field]);
        }
        result.push(merged);
        return;
      }
      const liveItem = liveList.find(candidate =>
        keyNames.size > 0
          ? isPlainObject(item) &&
            isPlainObject(candidate) &&
            [...keyNames].every(name => deepEqual(item[name], candidate[name]))
          : deepEqual(item, candidate),
      );
      if (liveItem !== undefined) result.push(overlayUnowned(item, liveItem));
    });
    return result;
  }
  return cloneJson(predicted);
}

/**
 * Argo CD's `removeWebhookMutation`: in the object a dry-run apply predicts,
 * every field the applying manager does not own is given its live value (or
 * left out when live lacks it), so what a mutating webhook or defaulting adds
 * on each request does not show as drift. Fields the apply removed stay
 * removed. Returns the prediction unchanged when it records no ownership by
 * the manager.
 *
 * Two refinements over Argo CD: a field the manager owns in the live object
 * but gives up in this apply also keeps its predicted value (Argo CD would
 * put the live value back, so removing `type: NodePort` from a Service,
 * which the server then defaults to ClusterIP, would not show as a change);
 * and a Secret's `stringData` keys, which the server records as owned but
 * stores in `data`, count as owning those `data` keys (else a changed live
 * value of a key applied through stringData would not show).
 */
export function removeWebhookMutations(
  predicted: KubernetesObject,
  live: KubernetesObject,
  manager: string,
): KubernetesObject {
  const owned = fieldsOwnedBy(predicted, [manager]);
  if (!owned) return cloneJson(predicted);
  const givenUp = fieldsOwnedBy(live, [manager]);
  if (givenUp) mergeInto(owned, givenUp);
  if (isSecret(predicted)) {
    // The server stores stringData in data but records ownership of the
    // stringData keys as applied; they are the same values.
    const stringData = owned.children.get('f:stringData');
    if (stringData) {
      const data = owned.children.get('f:data') ?? { children: new Map() };
      mergeInto(data, stringData);
      owned.children.set('f:data', data);
    }
  }
  return overlayOwned(predicted, live, owned) as KubernetesObject;
}
