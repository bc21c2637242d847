import {
  isFinalPhase,
  retryWaitMs,
  runSync,
  SyncEngine,
  type DiffSettings,
  type Operation,
  type SyncEngineOptions,
  type SyncOperationState,
} from '@driftless/gitops-engine';
import type { OperationRecord } from '../../database/types';
import type {
  OperationRunContext,
  OperationRunner,
  OperationRunOutcome,
} from './OperationRunner';
import type { OperationStateDocument } from './types';

export interface SyncEngineOperationRunnerOptions {
  /** System-level ignoreDifferences, for `RespectIgnoreDifferences=true`. */
  diffSettings?: DiffSettings;
  /** Passed to the engine: pause after a wave before reading health. */
  waveDelayMs?: number;
  /** Pause between steps while waves wait for health or hooks. */
  stepIntervalMs?: number;
  /** Argo CD's `controller.sync.timeout.seconds`; none by default. */
  timeoutMs?: number;
  /** More engine options (tests tune timeouts). */
  engine?: Partial<SyncEngineOptions>;
}

/** Whether a stored document is a state the engine wrote (not the `{}` of a new operation). */
function isEngineState(
  state: OperationStateDocument,
): state is OperationStateDocument & SyncOperationState {
  return typeof state.phase === 'string' && typeof state.startedAt === 'string';
}

/**
 * The {@link OperationRunner} that runs the engine's sync ({@link runSync}):
 * every state is saved as it changes, so an operation interrupted by a
 * crash, a lost lease or a shutdown resumes from its last state on whichever
 * replica runs it next; a retry's backoff is handed back to the controller
 * instead of being slept through. After a successful sync that is not a dry
 * run, the app-of-apps children in the manifests are registered (and pruned
 * with the operation's `prune`).
 */
export class SyncEngineOperationRunner implements OperationRunner {
  constructor(
    private readonly options: SyncEngineOperationRunnerOptions = {},
  ) {}

  async run(
    operation: OperationRecord,
    context: OperationRunContext,
  ): Promise<OperationRunOutcome> {
    const engine = new SyncEngine({
      connection: context.cluster.connection,
      health: context.health,
      tracking: context.tracking,
      diffSettings: this.options.diffSettings,
      ...(context.cluster.predictions
        ? {
            onApplied: (manifest, applied) =>
              context.cluster.predictions?.rememberApplied(manifest, applied),
          }
        : {}),
      ...(this.options.waveDelayMs !== undefined
        ? { waveDelayMs: this.options.waveDelayMs }
        : {}),
      ...this.options.engine,
    });
    const multiSource = context.sources.length > 1;
    const stored = operation.state as OperationStateDocument;
    const state = await runSync({
      engine,
      request: {
        application: context.application,
        operation: operation.operation as Operation,
        revision: context.sources[0]?.sha ?? '',
        ...(multiSource
          ? { revisions: context.sources.map(source => source.sha) }
          : {}),
        appInstanceName: context.appInstanceName,
        desired: context.desired,
        comparison: context.comparison,
        live: context.cluster.cache,
      },
      state: isEngineState(stored) ? stored : undefined,
      onStateChange: next =>
        context.saveState(next as unknown as OperationStateDocument),
      shouldTerminate: () => context.isTerminationRequested(),
      signal: context.signal,
      returnWhileWaitingForRetry: true,
      ...(this.options.stepIntervalMs !== undefined
        ? { stepIntervalMs: this.options.stepIntervalMs }
        : {}),
      ...(this.options.timeoutMs !== undefined
        ? { timeoutMs: this.options.timeoutMs }
        : {}),
    });
    const document = state as unknown as OperationStateDocument;
    if (!isFinalPhase(state.phase)) {
      return {
        phase: 'Running',
        state: document,
        resumeAfterMs: Math.max(50, retryWaitMs(state, engine.now())),
      };
    }
    if (state.phase === 'Succeeded' && !operation.operation.sync?.dryRun) {
      await context.registerChildren({
        prune: Boolean(operation.operation.sync?.prune),
      });
    }
    return {
      phase: state.phase as 'Succeeded' | 'Failed' | 'Error',
      state: document,
    };
  }
}
