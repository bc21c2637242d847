/**
 * Parameter sets, the values generators produce and templates consume, and
 * the Go map operations Argo CD applies to them: `%v` stringification,
 * jeremywohl/flatten's dot style, CombineStringMaps (flat matrix) and mergo's
 * override merge (Go-template matrix and merge).
 */
import { sprintValue } from './template/go/fmt';
import {
  type GoMap,
  type GoValue,
  goStringMap,
  isGoMap,
  isGoStringMap,
  isGoStringSlice,
} from './template/go/values';

/** One parameter set: flat string keys (fasttemplate) or nested values (goTemplate). */
export type Params = GoMap;

/** Go's `fmt.Sprintf("%v", v)`. */
export function stringifyParam(value: GoValue): string {
  return typeof value === 'string' ? value : sprintValue(value ?? null);
}

/**
 * jeremywohl/flatten with DotStyle: recurses into map[string]interface{} and
 * []interface{} (list indexes become keys: `a.0.b`); typed maps and slices
 * (map[string]string, []string) are leaves. Empty maps and lists vanish.
 */
export function flattenDotStyle(
  value: GoMap,
  prefix = '',
): Map<string, GoValue> {
  const out = new Map<string, GoValue>();
  const visit = (nested: GoValue, key: string, top: boolean) => {
    const entries: Array<[string, GoValue]> = Array.isArray(nested)
      ? nested.map((element, index) => [String(index), element])
      : Object.entries(nested as GoMap);
    for (const [subkey, element] of entries) {
      const newKey = top ? key + subkey : `${key}.${subkey}`;
      const recurse =
        (Array.isArray(element) && !isGoStringSlice(element)) ||
        (isGoMap(element) && !isGoStringMap(element));
      if (recurse) {
        visit(element, newKey, false);
      } else {
        out.set(newKey, element);
      }
    }
  };
  visit(value, prefix, true);
  return out;
}

/**
 * The flat string labels a post-generation `selector` matches against:
 * map[string]string values are recursed into too (Argo CD normalises them
 * first), values are `%v`-stringified.
 */
export function flattenForSelector(params: Params): Record<string, string> {
  const normalize = (value: GoMap): GoMap => {
    const out: GoMap = {};
    for (const [key, element] of Object.entries(value)) {
      out[key] = isGoMap(element) ? normalize({ ...element }) : element;
    }
    return out;
  };
  const flat: Record<string, string> = {};
  for (const [key, value] of flattenDotStyle(normalize(params))) {
    flat[key] = stringifyParam(value);
  }
  return flat;
}

/** A flat matrix's two parameter sets agree on a key with different values. */
export class ConflictingParamsError extends Error {}

/** CombineStringMaps: every value `%v`-stringified; a key in both with different values is an error. */
export function combineStringMaps(a: Params, b: Params): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(a)) {
    out[key] = stringifyParam(value);
  }
  for (const [key, value] of Object.entries(b)) {
    const text = stringifyParam(value);
    if (Object.prototype.hasOwnProperty.call(out, key) && out[key] !== text) {
      throw new ConflictingParamsError(
        `found duplicate key ${key} with different value, a: ${out[key]} ,b: ${text}`,
      );
    }
    out[key] = text;
  }
  return out;
}

/**
 * mergo.Merge(dst, src, WithOverride) on parameter maps, without mutating
 * either: src wins at the leaves (nil included), non-empty maps on both
 * sides merge recursively, lists are replaced.
 */
export function mergeParamsOverride(dst: Params, src: Params): Params {
  const out: Params = { ...dst };
  for (const [key, s] of Object.entries(src)) {
    const d = out[key];
    if (isGoMap(s) && isGoMap(d) && Object.keys(d).length > 0) {
      if (isGoStringMap(s) && isGoStringMap(d)) {
        out[key] = goStringMap({
          ...(d as Record<string, string>),
          ...(s as Record<string, string>),
        });
        continue;
      }
      if (!isGoStringMap(s) && !isGoStringMap(d)) {
        out[key] = mergeParamsOverride(d, s);
        continue;
      }
    }
    out[key] = s === undefined ? null : s;
  }
  return out;
}
