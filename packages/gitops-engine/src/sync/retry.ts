import type { RetryStrategy } from '../application/types';
import { newSyncProgress } from './SyncEngine';
import type { SyncOperationState } from './types';

/** Argo CD's defaults for `syncPolicy.retry.backoff`. */
export const DEFAULT_RETRY_DURATION_MS = 5_000;
export const DEFAULT_RETRY_FACTOR = 2;
export const DEFAULT_RETRY_MAX_DURATION_MS = 180_000;
/** Retries of an automated sync when `syncPolicy.retry` is not set (Argo CD's `autoSync`). */
export const DEFAULT_AUTOMATED_RETRY_LIMIT = 5;

const GO_DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** A retry setting that cannot be read. */
export class RetryStrategyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryStrategyError';
  }
}

/**
 * A duration as Argo CD reads `retry.backoff.duration` and `maxDuration`: a
 * bare integer is seconds, otherwise Go's `time.ParseDuration` syntax
 * (`1m30s`, `1.5h`, `300ms`, `-5s`). Milliseconds.
 */
export function parseRetryDuration(text: string, field = 'duration'): number {
  const trimmed = text;
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const match =
    /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(trimmed);
  if (!match) {
    throw new RetryStrategyError(
      `syncPolicy.retry.backoff.${field} ${JSON.stringify(
        text,
      )} is not a duration: write whole seconds (30) or a Go duration such as 30s, 2m or 1h30m`,
    );
  }
  let total = 0;
  for (const part of trimmed.matchAll(
    /((?:\d+(?:\.\d*)?|\.\d+))(ns|us|µs|μs|ms|s|m|h)/g,
  )) {
    total += Number(part[1]) * GO_DURATION_UNITS_MS[part[2]];
  }
  return match[1] === '-' ? -total : total;
}

/**
 * How long to wait before attempt `retryCount + 1` (Argo CD's
 * `RetryStrategy.NextRetryAt`): `duration × factor^retryCount`, capped at
 * `maxDuration` when that is positive.
 */
export function retryBackoffMs(
  strategy: RetryStrategy | undefined,
  retryCount: number,
): number {
  const backoff = strategy?.backoff;
  const duration =
    backoff?.duration !== undefined && backoff.duration !== ''
      ? parseRetryDuration(backoff.duration, 'duration')
      : DEFAULT_RETRY_DURATION_MS;
  const maxDuration =
    backoff?.maxDuration !== undefined && backoff.maxDuration !== ''
      ? parseRetryDuration(backoff.maxDuration, 'maxDuration')
      : DEFAULT_RETRY_MAX_DURATION_MS;
  const factor = backoff?.factor ?? DEFAULT_RETRY_FACTOR;
  const wait = duration * Math.pow(factor, retryCount);
  return maxDuration > 0 ? Math.min(maxDuration, wait) : wait;
}

/** The time attempt `retryCount + 1` may start, after an attempt that ended at `lastAttempt`. */
export function nextRetryAt(
  strategy: RetryStrategy | undefined,
  lastAttempt: Date,
  retryCount: number,
): Date {
  return new Date(lastAttempt.getTime() + retryBackoffMs(strategy, retryCount));
}

/** Whether another attempt is allowed after `retryCount` retries (`limit` < 0: always). */
export function retriesLeft(
  strategy: RetryStrategy | undefined,
  retryCount: number,
): boolean {
  if (!strategy) return false;
  const limit = strategy.limit ?? 0;
  return limit < 0 || retryCount < limit;
}

/**
 * The retry an automated sync runs with: `syncPolicy.retry`, or Argo CD's
 * default of 5 attempts with the default backoff.
 */
export function automatedSyncRetry(
  syncPolicyRetry: RetryStrategy | undefined,
): RetryStrategy {
  return syncPolicyRetry ?? { limit: DEFAULT_AUTOMATED_RETRY_LIMIT };
}

/** `3:04PM`, Go's `time.Kitchen`, as Argo CD's retry message shows the time. */
function kitchenTime(date: Date): string {
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${hours % 12 === 0 ? 12 : hours % 12}:${minutes}${
    hours < 12 ? 'AM' : 'PM'
  }`;
}

/**
 * What happens after an attempt ended Failed or Error (Argo CD's
 * `processRequestedAppOperation`): with retries left, the operation stays
 * Running with `finishedAt` set and `retryCount` one higher, and the message
 * says when it retries; otherwise it stays failed, the message saying how
 * often it was retried. A terminated operation is never retried. Other
 * phases are returned as they are.
 */
export function scheduleRetry(
  state: SyncOperationState,
  now: Date,
  options: { terminated?: boolean } = {},
): SyncOperationState {
  if (state.phase !== 'Failed' && state.phase !== 'Error') return state;
  const strategy = state.operation.retry;
  if (!options.terminated && retriesLeft(strategy, state.retryCount)) {
    let retryAt: Date;
    try {
      retryAt = nextRetryAt(strategy, now, state.retryCount);
    } catch (error) {
      if (!(error instanceof RetryStrategyError)) throw error;
      return {
        ...state,
        phase: 'Error',
        message: `${state.message} (failed to retry: ${error.message})`,
      };
    }
    const retryCount = state.retryCount + 1;
    return {
      ...state,
      phase: 'Running',
      finishedAt: now.toISOString(),
      retryCount,
      message: `${
        state.message
      }. Retrying attempt #${retryCount} at ${kitchenTime(retryAt)}.`,
    };
  }
  if (state.retryCount > 0) {
    return {
      ...state,
      message: `${state.message} (retried ${state.retryCount} times).`,
    };
  }
  return state;
}

/** Whether an operation is waiting for its next attempt (Running, with `finishedAt` set). */
export function isWaitingForRetry(state: SyncOperationState): boolean {
  return state.phase === 'Running' && state.finishedAt !== undefined;
}

/**
 * The next attempt of an operation waiting for a retry: undefined until the
 * time {@link scheduleRetry} announced, then the state with the previous
 * attempt's results, progress and `finishedAt` cleared (its `startedAt`
 * stays, so hooks get the same names and replace those of the failed
 * attempt). With `retry.refresh`, the pinned revision is cleared too, so the
 * caller renders the newest one.
 */
export function startRetryAttempt(
  state: SyncOperationState,
  now: Date,
): SyncOperationState | undefined {
  if (!isWaitingForRetry(state)) return undefined;
  // Argo CD announces the time for the count before the increment but waits
  // for the one after (the first retry comes after 2 × duration); the
  // announced time, which the docs describe, is the one kept here.
  const retryAt = nextRetryAt(
    state.operation.retry,
    new Date(state.finishedAt!),
    state.retryCount - 1,
  );
  if (now < retryAt) return undefined;
  const refresh = state.operation.retry?.refresh === true;
  const operation = refresh
    ? {
        ...state.operation,
        sync: {
          ...state.operation.sync,
          revision: undefined,
          revisions: undefined,
        },
      }
    : state.operation;
  return {
    operation,
    phase: 'Running',
    message: `Retrying operation${
      refresh ? ' with latest revisions' : ''
    }. Attempt #${state.retryCount}`,
    startedAt: state.startedAt,
    retryCount: state.retryCount,
    progress: newSyncProgress(),
  };
}
