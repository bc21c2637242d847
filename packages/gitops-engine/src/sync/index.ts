export {
  DELETION_APPROVED_ANNOTATION,
  SYNC_ATTEMPT_ANNOTATION,
  SyncEngine,
  isFinalPhase,
} from './SyncEngine';
export type {
  LiveObjectReader,
  SyncEngineOptions,
  SyncInput,
} from './SyncEngine';
export { retryWaitMs, runSync } from './runSync';
export type { RunSyncOptions } from './runSync';
export {
  DEFAULT_AUTOMATED_RETRY_LIMIT,
  DEFAULT_RETRY_DURATION_MS,
  DEFAULT_RETRY_FACTOR,
  DEFAULT_RETRY_MAX_DURATION_MS,
  RetryStrategyError,
  automatedSyncRetry,
  isWaitingForRetry,
  nextRetryAt,
  parseRetryDuration,
  retriesLeft,
  retryBackoffMs,
  scheduleRetry,
  startRetryAttempt,
} from './retry';
export { SyncOptions, mergeSyncOptions } from './syncOptions';
export { KIND_ORDER, SYNC_WAVE_ANNOTATION, syncWaveOf } from './syncTasks';
export { keepIgnoredFields } from './keepIgnoredFields';
export type {
  HookType,
  Operation,
  OperationPhase,
  ResourceResult,
  ResultCode,
  SyncOperation,
  SyncOperationResource,
  SyncOperationResult,
  SyncOperationState,
  SyncPhase,
  SyncProgress,
} from './types';
export {
  BACKGROUND_RESOURCES_FINALIZER,
  planApplicationDeletion,
} from './applicationDeletion';
export type { ApplicationDeletionStep } from './applicationDeletion';
