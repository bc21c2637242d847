import { createHmac } from 'node:crypto';
import { parseApiVersion } from '../cluster/discovery';
import type { KubernetesObject } from '../render/types';
import type { ResourceIgnoreRules } from './ignoreDifferences';
import { JqRuntimeError } from './jqPath';
import { isPlainObject } from './json';
import { removeAtJsonPointer } from './jsonPointer';

export const LAST_APPLIED_ANNOTATION =
  'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Metadata the API server keeps for itself: it changes with every write or
 * differs between a prediction and the stored object, and no manifest sets
 * it. Argo CD removes managedFields, resourceVersion and creationTimestamp;
 * uid, generation and selfLink say as little about drift.
 */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
];

export function isSecret(object: KubernetesObject): boolean {
  return (
    object.kind === 'Secret' &&
    parseApiVersion(String(object.apiVersion ?? '')).group === ''
  );
}

/** Removes server-kept metadata and the last-applied annotation, in place; empty label and annotation maps go too. */
export function removeServerMetadata(object: KubernetesObject): void {
  const metadata = object.metadata;
  if (!isPlainObject(metadata)) return;
  for (const field of SERVER_METADATA) delete metadata[field];
  if (isPlainObject(metadata.annotations)) {
    delete metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(metadata.annotations).length === 0)
      delete metadata.annotations;
  }
  if (
    isPlainObject(metadata.labels) &&
    Object.keys(metadata.labels).length === 0
  )
    delete metadata.labels;
}

/**
 * Argo CD's `NormalizeSecret`, in place: `stringData` goes into `data`
 * base64-encoded (as the API server stores it) and empty values become "".
 */
export function normalizeSecret(object: KubernetesObject): void {
  if (!isSecret(object)) return;
  const stringData = object.stringData;
  if (isPlainObject(stringData)) {
    const data = isPlainObject(object.data) ? object.data : {};
    for (const [key, value] of Object.entries(stringData)) {
      data[key] =
        typeof value === 'string'
          ? Buffer.from(value, 'utf8').toString('base64')
          : value;
    }
    object.data = data;
    delete object.stringData;
  }
  if (isPlainObject(object.data)) {
    for (const [key, value] of Object.entries(object.data))
      if (value === null || value === undefined) object.data[key] = '';
  }
}

/**
 * Replaces each Secret value by a keyed digest, in place, so that
 * predictions and diffs can be cached and compared without holding a secret
 * in clear: equal values stay equal, and the key never leaves the process.
 */
export function digestSecretData(
  object: KubernetesObject,
  digestKey: Buffer,
): void {
  if (!isSecret(object) || !isPlainObject(object.data)) return;
  for (const [key, value] of Object.entries(object.data)) {
    object.data[key] = `sha256:${createHmac('sha256', digestKey)
      .update(typeof value === 'string' ? value : JSON.stringify(value))
      .digest('hex')}`;
  }
}

/**
 * Applies ignoreDifferences to a copy being compared, in place: JSON pointers
 * as RFC 6902 removes (a missing path is no error), jq path expressions as
 * `del(...)`. An expression that fails at run time on this object is
 * skipped, as Argo CD skips it, and reported back.
 */
export function applyIgnoreRules(
  object: KubernetesObject,
  rules: ResourceIgnoreRules,
): string[] {
  const failures: string[] = [];
  for (const pointer of rules.jsonPointers)
    removeAtJsonPointer(object, pointer.tokens);
  for (const expression of rules.jqPathExpressions) {
    try {
      expression.deleteFrom(object);
    } catch (error) {
      if (!(error instanceof JqRuntimeError)) throw error;
      failures.push(
        `jqPathExpression ${JSON.stringify(expression.source)} was skipped: ${
          error.message
        }`,
      );
    }
  }
  return failures;
}
