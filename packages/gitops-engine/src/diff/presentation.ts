import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubernetesObject } from '../render/types';
import { cloneJson, isPlainObject } from './json';
import { isSecret } from './normalize';

/** Argo CD's mask: eight `+`, four more for each further distinct value of the same key. */
const MASK = '++++++++';

/**
 * Masks the `data` values of a Secret pair the way Argo CD's `HideSecretData`
 * does: per key, equal values get the same run of `+` and different values
 * runs of different lengths, so a diff still shows which keys changed but
 * never a value. Returns masked copies.
 */
export function maskSecretPair(
  desired: KubernetesObject | undefined,
  live: KubernetesObject | undefined,
): { desired?: KubernetesObject; live?: KubernetesObject } {
  const objects = [desired, live].map(object =>
    object && isSecret(object) ? cloneJson(object) : object,
  );
  const keys = new Set<string>();
  for (const object of objects) {
    if (object && isSecret(object) && isPlainObject(object.data))
      for (const key of Object.keys(object.data)) keys.add(key);
  }
  for (const key of keys) {
    const masks = new Map<string, string>();
    let next = MASK;
    for (const object of objects) {
      if (!object || !isSecret(object) || !isPlainObject(object.data)) continue;
      if (!(key in object.data)) continue;
      const value = String(object.data[key] ?? '');
      let mask = masks.get(value);
      if (!mask) {
        mask = next;
        next = `${next}++++`;
        masks.set(value, mask);
      }
      object.data[key] = mask;
    }
  }
  return { desired: objects[0], live: objects[1] };
}

/** YAML with keys sorted, so two versions of an object line up in a diff. */
export function toComparableYaml(object: KubernetesObject | undefined): string {
  if (!object) return '';
  return stringify(object, { sortMapEntries: true, lineWidth: 0 });
}

/**
 * A unified diff from live to desired (predicted) YAML, as `kubectl diff`
 * and Argo CD's UI show it; '' when they are equal.
 */
export function unifiedDiff(
  label: string,
  live: KubernetesObject | undefined,
  desired: KubernetesObject | undefined,
): string {
  const before = toComparableYaml(live);
  const after = toComparableYaml(desired);
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    live ? `live/${label}` : '/dev/null',
    desired ? `desired/${label}` : '/dev/null',
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop jsdiff's "=====" separator line; the ---/+++ headers say enough.
  return patch.replace(/^=+\n/, '');
}

/**
 * Gives `target` a `diff` property computed on first read and then kept.
 * Rendering both sides as YAML costs more than the comparison itself, and
 * reconciles only need to know whether an object is modified; the text is
 * read when someone looks at the resource's diff.
 */
export function withLazyDiff<T extends object>(
  target: T,
  compute: () => string,
): T & { diff: string } {
  Object.defineProperty(target, 'diff', {
    configurable: true,
    enumerable: true,
    get() {
      const diff = compute();
      Object.defineProperty(target, 'diff', {
        configurable: true,
        enumerable: true,
        writable: true,
        value: diff,
      });
      return diff;
    },
    set(value: string) {
      Object.defineProperty(target, 'diff', {
        configurable: true,
        enumerable: true,
        writable: true,
        value,
      });
    },
  });
  return target as T & { diff: string };
}
