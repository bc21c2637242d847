import {
  isWaitingForRetry,
  nextRetryAt,
  scheduleRetry,
  startRetryAttempt,
} from './retry';
import { isFinalPhase, type SyncEngine, type SyncInput } from './SyncEngine';
import type { SyncOperationState } from './types';

export interface RunSyncOptions {
  engine: SyncEngine;
  /**
   * What to sync. A function is called for the first attempt and again for
   * each retry (with the state the attempt starts from), so the caller can
   * render and compare again, e.g. the newest revision after a
   * `retry.refresh` cleared the pinned one.
   */
  request:
    | SyncInput
    | ((state: SyncOperationState | undefined) => Promise<SyncInput>);
  /** The persisted state of an operation to resume; a new operation when omitted. */
  state?: SyncOperationState;
  /** Called with every new state, before the next step: persist it here. */
  onStateChange?: (state: SyncOperationState) => void | Promise<void>;
  /** Asked before each step; true terminates the operation (running hooks are stopped, the phase ends Failed). */
  shouldTerminate?: () => boolean | Promise<boolean>;
  /** Pause between steps while waiting for health or hooks; 250 ms. */
  stepIntervalMs?: number;
  /** The operation is terminated when it runs longer than this (Argo CD's `controller.sync.timeout.seconds`); no limit by default. */
  timeoutMs?: number;
  /**
   * Stops the run between steps (a lost lease, a shutdown): `runSync`
   * returns the last state, still Running, and writes nothing more; a later
   * run resumes from it.
   */
  signal?: AbortSignal;
  /**
   * Return instead of sleeping while the operation waits for its next retry
   * (the state is Running with `finishedAt` set; {@link retryWaitMs} says
   * for how long), so the caller can schedule it. False by default.
   */
  returnWhileWaitingForRetry?: boolean;
}

/** Sleeps, or less when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** How long until an operation waiting for a retry may start its next attempt (0: now). */
export function retryWaitMs(state: SyncOperationState, now: Date): number {
  if (!isWaitingForRetry(state)) return 0;
  const retryAt = nextRetryAt(
    state.operation.retry,
    new Date(state.finishedAt!),
    state.retryCount - 1,
  );
  return Math.max(0, retryAt.getTime() - now.getTime());
}

/**
 * Runs a sync operation to its end: steps of {@link SyncEngine.step} with a
 * short pause while waves wait for health, termination when asked, and
 * retries with backoff as `operation.retry` says (the attempt's state is
 * persisted while it waits, so a restart resumes the wait). Every state is
 * handed to `onStateChange` before the next step, so a process that stops at
 * any point resumes with `state` set to the last one.
 */
export async function runSync(
  options: RunSyncOptions,
): Promise<SyncOperationState> {
  const { engine, signal } = options;
  const interval = options.stepIntervalMs ?? 250;
  const requestFor = async (state: SyncOperationState | undefined) =>
    typeof options.request === 'function'
      ? options.request(state)
      : options.request;
  let request = await requestFor(options.state);
  let state = options.state ?? engine.initialState(request.operation);
  let terminated = state.phase === 'Terminating';
  let lastSaved = options.state ? JSON.stringify(options.state) : '';
  const save = async () => {
    const text = JSON.stringify(state);
    if (text === lastSaved) return;
    lastSaved = text;
    await options.onStateChange?.(state);
  };
  await save();

  while (!isFinalPhase(state.phase) && !signal?.aborted) {
    if (state.phase === 'Running' && (await options.shouldTerminate?.())) {
      terminated = true;
      state = {
        ...state,
        phase: 'Terminating',
        message: 'operation is terminating',
      };
      await save();
    } else if (
      state.phase === 'Running' &&
      options.timeoutMs !== undefined &&
      engine.now().getTime() - Date.parse(state.startedAt) > options.timeoutMs
    ) {
      terminated = true;
      state = {
        ...state,
        phase: 'Terminating',
        message: 'operation is terminating due to timeout',
      };
      await save();
    }

    if (isWaitingForRetry(state)) {
      const next = startRetryAttempt(state, engine.now());
      if (!next) {
        if (options.returnWhileWaitingForRetry) break;
        await sleep(
          Math.max(1, Math.min(interval, retryWaitMs(state, engine.now()))),
          signal,
        );
        continue;
      }
      state = next;
      await save();
      request = await requestFor(state);
      continue;
    }

    const before = state;
    state = await engine.step(request, state);
    if (isFinalPhase(state.phase) && !isFinalPhase(before.phase)) {
      state = scheduleRetry(state, engine.now(), { terminated });
    }
    await save();
    if (isFinalPhase(state.phase)) break;
    if (isWaitingForRetry(state)) continue;
    const delay = engine.nextStepDelayMs(state);
    await sleep(delay > 0 ? Math.min(delay, interval * 8) : interval, signal);
  }
  return state;
}
