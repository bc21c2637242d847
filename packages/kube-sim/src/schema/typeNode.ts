import { JsonValue } from '../machinery/types';

/**
 * The shape information server-side apply and strategic merge patch need:
 * which maps are atomic, which lists are associative (and by which keys),
 * which are sets, and which struct fields a Go-typed object always carries.
 * It mirrors what structured-merge-diff reads from the OpenAPI schema.
 */
export type TypeNode = ScalarType | MapType | ListType | DeducedType | OpenType;

export interface ScalarType {
  kind: 'scalar';
}

/** A struct (named `fields`) or a map (every other key typed `elem`), or both. */
export interface MapType {
  kind: 'map';
  fields?: Record<string, TypeNode>;
  /** Type of keys not in `fields`. */
  elem: TypeNode;
  /** Keys outside `fields` are struct fields too (built-in kinds we do not spell out). */
  elemNamed?: boolean;
  atomic?: boolean;
  /**
   * Struct fields that a Go-typed object always holds (non-pointer structs), so
   * a field-ownership comparison sees `{}` where the JSON has nothing.
   */
  alwaysPresent?: string[];
  /** Strategic merge patch `retainKeys` strategy on this struct. */
  retainKeys?: boolean;
}

export interface ListType {
  kind: 'list';
  elem: TypeNode;
  relationship: 'atomic' | 'set' | 'associative';
  /** Keys of an associative list, in the order written in the schema. */
  keys?: string[];
  /** Values used for absent key fields (`protocol: TCP` for ports). */
  keyDefaults?: Record<string, JsonValue>;
  /** Strategic merge patch: `merge` with `mergeKey`, or replace (the default). */
  patchStrategy?: 'merge' | 'replace';
  patchMergeKey?: string;
}

/** Untyped data (CRD `x-kubernetes-preserve-unknown-fields`): maps granular, lists atomic. */
export interface DeducedType {
  kind: 'deduced';
}

/**
 * Parts of built-in kinds that are not spelled out: objects behave as structs
 * with named fields, lists as atomic, like most of the Kubernetes API.
 */
export interface OpenType {
  kind: 'open';
}

export const SCALAR: ScalarType = { kind: 'scalar' };
export const DEDUCED: DeducedType = { kind: 'deduced' };
export const OPEN: OpenType = { kind: 'open' };

const DEDUCED_MAP: MapType = { kind: 'map', elem: DEDUCED };
const OPEN_MAP: MapType = { kind: 'map', elem: OPEN, elemNamed: true };
const ATOMIC_LIST_OF_DEDUCED: ListType = {
  kind: 'list',
  elem: DEDUCED,
  relationship: 'atomic',
};
const ATOMIC_LIST_OF_OPEN: ListType = {
  kind: 'list',
  elem: OPEN,
  relationship: 'atomic',
};

/** Resolves deduced and open types against the value they describe. */
export function resolveType(type: TypeNode, value: unknown): TypeNode {
  if (type.kind === 'deduced') {
    if (Array.isArray(value)) return ATOMIC_LIST_OF_DEDUCED;
    if (value !== null && typeof value === 'object') return DEDUCED_MAP;
    return SCALAR;
  }
  if (type.kind === 'open') {
    if (Array.isArray(value)) return ATOMIC_LIST_OF_OPEN;
    if (value !== null && typeof value === 'object') return OPEN_MAP;
    return SCALAR;
  }
  return type;
}

/** The type of one key of a map or struct, and whether it is a named field. */
export function childType(
  type: MapType,
  key: string,
): { type: TypeNode; named: boolean } {
  const field = type.fields?.[key];
  if (field) return { type: field, named: true };
  return { type: type.elem, named: type.elemNamed === true };
}

// ---------------------------------------------------------------------------
// Builders, to write the built-in schemas compactly.

export function struct(
  fields: Record<string, TypeNode>,
  options: {
    alwaysPresent?: string[];
    atomic?: boolean;
    retainKeys?: boolean;
    elem?: TypeNode;
    elemNamed?: boolean;
  } = {},
): MapType {
  return {
    kind: 'map',
    fields,
    elem: options.elem ?? OPEN,
    elemNamed: options.elemNamed ?? true,
    atomic: options.atomic,
    alwaysPresent: options.alwaysPresent,
    retainKeys: options.retainKeys,
  };
}

/** A struct whose whole value is owned as one field (`structType=atomic`). */
export function atomicStruct(): MapType {
  return { kind: 'map', elem: OPEN, elemNamed: true, atomic: true };
}

/** A map with arbitrary keys (labels, data, resource lists). */
export function mapOf(elem: TypeNode = SCALAR, atomic = false): MapType {
  return { kind: 'map', elem, atomic };
}

export function atomicList(elem: TypeNode = OPEN): ListType {
  return { kind: 'list', elem, relationship: 'atomic' };
}

export function setList(patchStrategy?: 'merge'): ListType {
  return { kind: 'list', elem: SCALAR, relationship: 'set', patchStrategy };
}

export function associativeList(
  keys: string[],
  elem: TypeNode,
  options: {
    keyDefaults?: Record<string, JsonValue>;
    patchMergeKey?: string;
    patchStrategy?: 'merge' | 'replace';
  } = {},
): ListType {
  return {
    kind: 'list',
    elem,
    relationship: 'associative',
    keys,
    keyDefaults: options.keyDefaults,
    patchStrategy:
      options.patchStrategy ??
      (options.patchMergeKey || keys.length === 1 ? 'merge' : undefined),
    patchMergeKey:
      options.patchMergeKey ?? (keys.length === 1 ? keys[0] : undefined),
  };
}
