import type { KubernetesObject } from '../render/types';
import type { ResourceIgnoreRules } from './ignoreDifferences';
import { cloneJson, deepEqual } from './json';
import { removeWebhookMutations } from './managedFields';
import {
  applyIgnoreRules,
  normalizeSecret,
  removeServerMetadata,
} from './normalize';

/** Two normalized objects and whether they differ. */
export interface Comparison {
  modified: boolean;
  /** What the object will be after a sync (normalized); undefined when it is not desired. */
  predictedLive?: KubernetesObject;
  /** The live object (normalized); undefined when it does not exist. */
  normalizedLive?: KubernetesObject;
  /** ignoreDifferences expressions that could not run on this object. */
  warnings: string[];
}

const NO_RULES: ResourceIgnoreRules = {
  jsonPointers: [],
  jqPathExpressions: [],
  managedFieldsManagers: [],
};

/** The normalization both sides of every comparison get, on a copy. */
export function normalizeForComparison(
  object: KubernetesObject,
  rules: ResourceIgnoreRules = NO_RULES,
  warnings: string[] = [],
): KubernetesObject {
  const copy = cloneJson(object);
  normalizeSecret(copy);
  removeServerMetadata(copy);
  warnings.push(...applyIgnoreRules(copy, rules));
  return copy;
}

/**
 * Argo CD's server-side diff (`serverSideDiff`), given the object a dry-run
 * apply predicted: mutations the applying manager does not own are replaced
 * by their live values (unless `includeMutationWebhook`), both sides are
 * normalized and ignoreDifferences applied, and the two are compared.
 */
export function compareWithPrediction(options: {
  predicted: KubernetesObject;
  live: KubernetesObject;
  manager: string;
  rules?: ResourceIgnoreRules;
  includeMutationWebhook?: boolean;
}): Comparison {
  const predicted = options.includeMutationWebhook
    ? options.predicted
    : removeWebhookMutations(options.predicted, options.live, options.manager);
  const warnings: string[] = [];
  const predictedLive = normalizeForComparison(
    predicted,
    options.rules,
    warnings,
  );
  const normalizedLive = normalizeForComparison(
    options.live,
    options.rules,
    [],
  );
  return {
    modified: !deepEqual(predictedLive, normalizedLive),
    predictedLive,
    normalizedLive,
    warnings: [...new Set(warnings)],
  };
}

/**
 * A diff without the API server: the desired object as it is against the
 * live one. Used where no prediction can be asked for: an object that does
 * not exist yet (Missing), one that is not desired (extraneous), and
 * `Replace=true` objects, which a sync writes with PUT rather than apply.
 */
export function compareStructurally(options: {
  desired?: KubernetesObject;
  live?: KubernetesObject;
  rules?: ResourceIgnoreRules;
}): Comparison {
  const warnings: string[] = [];
  const bothExist = Boolean(options.desired && options.live);
  // Rules apply only to a comparison of two objects; a missing or extra
  // object is a difference whatever the rules say.
  const rules = bothExist ? options.rules : undefined;
  const predictedLive =
    options.desired && normalizeForComparison(options.desired, rules, warnings);
  const normalizedLive =
    options.live && normalizeForComparison(options.live, rules, []);
  return {
    modified: !bothExist || !deepEqual(predictedLive, normalizedLive),
    predictedLive,
    normalizedLive,
    warnings: [...new Set(warnings)],
  };
}
