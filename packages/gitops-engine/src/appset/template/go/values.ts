/**
 * How Go values are represented in TypeScript, so that templates behave as
 * Argo CD's do: generator parameters are what `encoding/json` gives Go
 * (`float64` numbers, `map[string]interface{}`, `[]interface{}`), plus a few
 * typed values the generators build (`map[string]string` cluster labels,
 * `[]string` path segments, `int64` repository ids).
 *
 * | Go                       | TypeScript                                   |
 * | ------------------------ | -------------------------------------------- |
 * | invalid (no value)       | `undefined`                                  |
 * | nil                      | `null`                                       |
 * | string, bool             | string, boolean                              |
 * | float64                  | number                                       |
 * | int                      | bigint                                       |
 * | int64                    | {@link GoInt64}                              |
 * | map[string]interface{}   | plain object                                 |
 * | map[string]string        | plain object marked by {@link goStringMap}   |
 * | []interface{}            | array                                        |
 * | []string                 | array marked by {@link goStringSlice}        |
 * | time.Time                | {@link GoTime}                               |
 */

/** A Go `int64` (sprig's arithmetic returns these; `int` is a plain bigint). */
export class GoInt64 {
  constructor(readonly value: bigint) {}

  toString(): string {
    return this.value.toString();
  }

  toJSON(): number {
    return Number(this.value);
  }
}

/** A Go `time.Time`, as sprig's `now` returns it. */
export class GoTime {
  constructor(readonly date: Date) {}

  toJSON(): string {
    return this.date.toISOString();
  }
}

export type GoMap = { [key: string]: GoValue };

export type GoValue =
  | undefined
  | null
  | string
  | boolean
  | number
  | bigint
  | GoInt64
  | GoTime
  | GoValue[]
  | GoMap;

const stringMaps = new WeakSet<object>();
const stringSlices = new WeakSet<object>();

/** Marks an object as a Go `map[string]string` and returns it. */
export function goStringMap<T extends Record<string, string>>(map: T): T {
  stringMaps.add(map);
  return map;
}

/** Marks an array as a Go `[]string` and returns it. */
export function goStringSlice<T extends string[]>(slice: T): T {
  stringSlices.add(slice);
  return slice;
}

export function isGoStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && stringMaps.has(value);
}

export function isGoStringSlice(value: unknown): boolean {
  return Array.isArray(value) && stringSlices.has(value);
}

export function isGoMap(value: unknown): value is GoMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof GoInt64) &&
    !(value instanceof GoTime)
  );
}

export function isGoInt(value: unknown): value is bigint | GoInt64 {
  return typeof value === 'bigint' || value instanceof GoInt64;
}

export function goIntValue(value: bigint | GoInt64): bigint {
  return typeof value === 'bigint' ? value : value.value;
}

/** The Go type name of a value, as Go's error messages print it. */
export function goTypeName(value: GoValue): string {
  if (value === undefined || value === null) {
    return '<nil>';
  }
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    default:
  }
  if (value instanceof GoInt64) {
    return 'int64';
  }
  if (value instanceof GoTime) {
    return 'time.Time';
  }
  if (Array.isArray(value)) {
    return stringSlices.has(value) ? '[]string' : '[]interface {}';
  }
  return stringMaps.has(value)
    ? 'map[string]string'
    : 'map[string]interface {}';
}

/** Go's kinds, for sprig's `kindOf` and the comparison functions. */
export function goKind(value: GoValue): string {
  if (value === undefined || value === null) {
    return 'invalid';
  }
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    default:
  }
  if (value instanceof GoInt64) {
    return 'int64';
  }
  if (value instanceof GoTime) {
    return 'struct';
  }
  return Array.isArray(value) ? 'slice' : 'map';
}

/** Go's truth: false, 0, nil and empty strings, slices and maps are false. */
export function goTruth(value: GoValue): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'bigint':
      return value !== 0n;
    default:
  }
  if (value instanceof GoInt64) {
    return value.value !== 0n;
  }
  if (value instanceof GoTime) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  return Object.keys(value).length > 0;
}

/** Sorted map keys, as Go's fmt and text/template's range visit them. */
export function sortedKeys(map: GoMap): string[] {
  return Object.keys(map).sort(compareGoStrings);
}

/** Byte-wise (UTF-8) string order, as Go's `<` on strings. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  // UTF-16 order differs from UTF-8 order only for astral vs. U+E000–U+FFFF.
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) {
      return x < y ? -1 : 1;
    }
    if (x > 0xffff) {
      i++;
    }
  }
  return a.length < b.length ? -1 : 1;
}

/** The zero value Go gives a missing element of this container. */
export function zeroElementOf(container: GoValue): GoValue {
  return isGoStringMap(container) || isGoStringSlice(container) ? '' : null;
}

/** Converts parsed JSON/YAML into Go values: integers stay float64, as encoding/json gives them. */
export function fromJsonValue(value: unknown): GoValue {
  if (value === undefined || value === null) {
    return null;
  }
  if (Array.isArray(value)) {
    return value.map(fromJsonValue);
  }
  if (value instanceof Date) {
    return value.toISOString().replace('.000Z', 'Z');
  }
  if (typeof value === 'object') {
    const out: GoMap = {};
    for (const [key, element] of Object.entries(value)) {
      out[key] = fromJsonValue(element);
    }
    return out;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  return value as GoValue;
}

/** Plain JSON for a Go value (what `encoding/json` would marshal). */
export function toJsonValue(value: GoValue): unknown {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (value instanceof GoInt64) {
    return Number(value.value);
  }
  if (value instanceof GoTime) {
    return value.toJSON();
  }
  if (Array.isArray(value)) {
    return value.map(toJsonValue);
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of sortedKeys(value)) {
      out[key] = toJsonValue(value[key]);
    }
    return out;
  }
  return value;
}
