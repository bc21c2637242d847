export {
  ApplicationComparator,
  COMPARE_OPTIONS_ANNOTATION,
  SYNC_OPTIONS_ANNOTATION,
  compareRequestFor,
  overallStatus,
} from './ApplicationComparator';
export type {
  ApplicationComparatorOptions,
  ApplicationDiff,
  CompareRequest,
  ComparisonCondition,
  ComparisonConditionType,
  LiveObjectSource,
  ResourceDiff,
  SyncStatusCode,
} from './ApplicationComparator';
export { ObjectDiffer } from './ObjectDiffer';
export type {
  DiffMethod,
  ObjectDiff,
  ObjectDiffOptions,
  ObjectDifferOptions,
} from './ObjectDiffer';
export { PredictionCache } from './PredictionCache';
export {
  compareStructurally,
  compareWithPrediction,
  normalizeForComparison,
} from './compare';
export type { Comparison } from './compare';
export {
  DiffSettings,
  IgnoreDifferences,
  IgnoreDifferencesConfigError,
} from './ignoreDifferences';
export type {
  CompiledJsonPointer,
  IgnoreResourceStatusField,
  ResourceIgnoreRules,
} from './ignoreDifferences';
export { JqPathExpression, JqRuntimeError, JqSyntaxError } from './jqPath';
export {
  JsonPointerSyntaxError,
  parseJsonPointer,
  removeAtJsonPointer,
} from './jsonPointer';
export {
  removeManagedFieldsDifferences,
  removeWebhookMutations,
} from './managedFields';
export { maskSecretPair, unifiedDiff } from './presentation';
