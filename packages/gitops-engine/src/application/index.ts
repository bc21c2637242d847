export { applicationSources } from './types';
export type {
  Application,
  ApplicationDestination,
  ApplicationSpec,
  ResourceIgnoreDifferences,
  RetryStrategy,
  SyncPolicy,
} from './types';
export {
  ApplicationValidationError,
  parseApplication,
} from './parseApplication';
