import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  APPLICATIONS_SIGNAL_CHANNEL,
  type ApplicationStatusSignal,
} from '@driftless/backstage-plugin-gitops-common';
import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

export { APPLICATIONS_SIGNAL_CHANNEL };
export type ApplicationSignal = ApplicationStatusSignal;

/** Signals come in bursts (sync status, then health); one load answers a burst. */
export const SIGNAL_DEBOUNCE_MS = 300;

/** Polling pace; exported for tests and for the README's description. */
export const POLL_INTERVALS = {
  /** While something runs (an operation, a rollout step): its phases are not signalled. */
  busyMs: 2_000,
  /** Without signals: the first poll after a change, doubled while nothing changes. */
  minMs: 5_000,
  maxMs: 60_000,
  /** With signals, a slow safety net for changes no signal reports. */
  withSignalsMs: 60_000,
};

/**
 * How long to wait before the next poll. Without signals the pace backs off
 * while responses stay the same (or fail) and resets when one differs.
 */
export function nextPollDelay(options: {
  busy: boolean;
  signalsAvailable: boolean;
  /** Polls in a row that changed nothing (or failed). */
  unchangedPolls: number;
}): number {
  if (options.busy) return POLL_INTERVALS.busyMs;
  if (options.signalsAvailable) return POLL_INTERVALS.withSignalsMs;
  return Math.min(
    POLL_INTERVALS.maxMs,
    POLL_INTERVALS.minMs * 2 ** options.unchangedPolls,
  );
}

export interface LiveData<T> {
  value?: T;
  /** The last load's error; the last good value stays in `value`. */
  error?: Error;
  /** True until the first load for the current `deps` settles (`value` may still hold the previous deps' data). */
  loading: boolean;
  /** Loads again now (after an action), and resets the backoff. */
  reload: () => void;
}

/**
 * Loads data and keeps it current: on every application signal `relevant`
 * accepts (when the signals plugin is installed), and by polling: fast while
 * `busy(value)` holds, otherwise slowly with signals or with backoff
 * without them. Loads never overlap; a trigger during one loads once more
 * after it.
 */
export function useLiveData<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  options: {
    busy?: (value: T) => boolean;
    relevant?: (signal: ApplicationSignal) => boolean;
  } = {},
): LiveData<T> {
  const signals = useApiHolder().get(signalApiRef);
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const reloadRef = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    let unchangedPolls = 0;
    let lastJson: string | undefined;
    let lastValue: T | undefined;
    let dueAt = Infinity;

    const schedule = (delay: number) => {
      if (timer) clearTimeout(timer);
      dueAt = Date.now() + delay;
      timer = setTimeout(run, delay);
    };
    // A steady stream of signals must not postpone the load forever.
    const scheduleNoLaterThan = (delay: number) => {
      if (!timer || dueAt > Date.now() + delay) schedule(delay);
    };

    async function run() {
      timer = undefined;
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const value = await load();
        if (stopped) return;
        const json = JSON.stringify(value);
        unchangedPolls = json === lastJson ? unchangedPolls + 1 : 0;
        lastJson = json;
        lastValue = value;
        setState({ value, loading: false });
      } catch (error) {
        if (stopped) return;
        unchangedPolls++;
        setState(previous => ({
          value: previous.value,
          error: error as Error,
          loading: false,
        }));
      } finally {
        inFlight = false;
      }
      if (again) {
        again = false;
        schedule(0);
        return;
      }
      const busy =
        lastValue !== undefined && optionsRef.current.busy
          ? optionsRef.current.busy(lastValue)
          : false;
      schedule(
        nextPollDelay({ busy, signalsAvailable: !!signals, unchangedPolls }),
      );
    }

    reloadRef.current = () => {
      // After an action the next answers are likely to differ: poll at the
      // fastest pace again, even if the first one does not show it yet.
      unchangedPolls = 0;
      lastJson = undefined;
      schedule(0);
    };

    setState(previous =>
      previous.loading ? previous : { ...previous, loading: true },
    );
    schedule(0);

    const subscription = signals?.subscribe<ApplicationSignal & any>(
      APPLICATIONS_SIGNAL_CHANNEL,
      message => {
        const relevant = optionsRef.current.relevant;
        if (!relevant || relevant(message as ApplicationSignal)) {
          unchangedPolls = 0;
          scheduleNoLaterThan(SIGNAL_DEBOUNCE_MS);
        }
      },
    );

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      subscription?.unsubscribe();
    };
    // `load` is recreated every render; `deps` say when it changes meaning.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signals, ...deps]);

  const reload = useCallback(() => reloadRef.current(), []);
  return { ...state, reload };
}
