import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import {
  APPLICATIONS_SIGNAL_CHANNEL,
  nextPollDelay,
  POLL_INTERVALS,
  SIGNAL_DEBOUNCE_MS,
  useLiveData,
  type ApplicationSignal,
} from './useLiveData';

/** A signal API whose channel the test publishes on. */
class FakeSignalApi implements SignalApi {
  readonly subscribers = new Map<string, Set<(message: JsonObject) => void>>();

  subscribe<T extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const listeners = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, listeners);
    const listener = onMessage as (message: JsonObject) => void;
    listeners.add(listener);
    return { unsubscribe: () => listeners.delete(listener) };
  }

  publish(signal: ApplicationSignal) {
    for (const listener of this.subscribers.get(APPLICATIONS_SIGNAL_CHANNEL) ??
      []) {
      listener(signal as unknown as JsonObject);
    }
  }

  listenerCount() {
    return this.subscribers.get(APPLICATIONS_SIGNAL_CHANNEL)?.size ?? 0;
  }
}

function signalFor(name: string): ApplicationSignal {
  return {
    key: `argocd/${name}`,
    namespace: 'argocd',
    name,
    sync: 'Synced',
    health: 'Healthy',
  };
}

function wrapperWith(signals?: SignalApi) {
  return ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
}

/** Lets timers due within `ms` fire and the loads they start settle. */
async function advance(ms: number) {
  await act(async () => {
    await jest.advanceTimersByTimeAsync(ms);
  });
}

describe('nextPollDelay', () => {
  it('polls fast while busy, slowly with signals, and backs off without them', () => {
    const delay = (
      busy: boolean,
      signalsAvailable: boolean,
      unchangedPolls = 0,
    ) => nextPollDelay({ busy, signalsAvailable, unchangedPolls });
    expect(delay(true, false, 5)).toBe(POLL_INTERVALS.busyMs);
    expect(delay(true, true)).toBe(POLL_INTERVALS.busyMs);
    expect(delay(false, true, 0)).toBe(POLL_INTERVALS.withSignalsMs);
    expect([0, 1, 2, 3, 4, 5].map(n => delay(false, false, n))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
  });
});

describe('useLiveData', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('without signals, polls with backoff while nothing changes and resets when something does', async () => {
    let value = 1;
    const load = jest.fn(async () => ({ value }));
    const { result } = renderHook(() => useLiveData(load, []), {
      wrapper: wrapperWith(),
    });
    expect(result.current.loading).toBe(true);
    await advance(0);
    expect(result.current).toMatchObject({
      loading: false,
      value: { value: 1 },
    });
    expect(load).toHaveBeenCalledTimes(1);

    // Unchanged answers: 5 s, then 10 s, then 20 s.
    await advance(4_999);
    expect(load).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(load).toHaveBeenCalledTimes(2);
    await advance(9_999);
    expect(load).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(load).toHaveBeenCalledTimes(3);
    await advance(19_999);
    expect(load).toHaveBeenCalledTimes(3);

    // A change shows at once and brings the pace back to 5 s.
    value = 2;
    await advance(1);
    expect(load).toHaveBeenCalledTimes(4);
    expect(result.current.value).toEqual({ value: 2 });
    await advance(5_000);
    expect(load).toHaveBeenCalledTimes(5);
  });

  it('polls every 2 s while busy', async () => {
    const load = jest.fn(async () => ({ phase: 'Running' }));
    renderHook(
      () => useLiveData(load, [], { busy: v => v.phase === 'Running' }),
      { wrapper: wrapperWith() },
    );
    await advance(0);
    await advance(POLL_INTERVALS.busyMs * 3);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('keeps the last value through a failed load, reports the error, and backs off', async () => {
    let fail = false;
    const load = jest.fn(async () => {
      if (fail) throw new Error('backend unreachable');
      return 'data';
    });
    const { result } = renderHook(() => useLiveData(load, []), {
      wrapper: wrapperWith(),
    });
    await advance(0);
    fail = true;
    await advance(5_000);
    expect(result.current.value).toBe('data');
    expect(result.current.error?.message).toBe('backend unreachable');
    // The failure counts as "nothing new": the next try waits 10 s, not 5 s.
    await advance(9_999);
    expect(load).toHaveBeenCalledTimes(2);
    fail = false;
    await advance(1);
    expect(load).toHaveBeenCalledTimes(3);
    expect(result.current.error).toBeUndefined();
  });

  it('reload() loads at once and resets the backoff', async () => {
    const load = jest.fn(async () => 'same');
    const { result } = renderHook(() => useLiveData(load, []), {
      wrapper: wrapperWith(),
    });
    await advance(0);
    await advance(5_000 + 10_000);
    expect(load).toHaveBeenCalledTimes(3);
    act(() => result.current.reload());
    await advance(0);
    expect(load).toHaveBeenCalledTimes(4);
    await advance(5_000);
    expect(load).toHaveBeenCalledTimes(5);
  });

  it('loads again for new deps, and shows loading until it has', async () => {
    const load = jest.fn(async (page: number) => `page ${page}`);
    const { result, rerender } = renderHook(
      ({ page }) => useLiveData(() => load(page), [page]),
      { wrapper: wrapperWith(), initialProps: { page: 1 } },
    );
    await advance(0);
    expect(result.current).toMatchObject({ value: 'page 1', loading: false });
    rerender({ page: 2 });
    expect(result.current.loading).toBe(true);
    await advance(0);
    expect(result.current).toMatchObject({ value: 'page 2', loading: false });
    expect(load.mock.calls).toEqual([[1], [2]]);
  });

  describe('with the signals plugin', () => {
    it('loads on a relevant signal, once per burst, and polls only as a slow safety net', async () => {
      const signals = new FakeSignalApi();
      const load = jest.fn(async () => 'value');
      const { unmount } = renderHook(
        () =>
          useLiveData(load, [], {
            relevant: signal => signal.name.startsWith('shop-'),
          }),
        { wrapper: wrapperWith(signals) },
      );
      await advance(0);
      expect(load).toHaveBeenCalledTimes(1);
      expect(signals.listenerCount()).toBe(1);

      signals.publish(signalFor('billing'));
      await advance(POLL_INTERVALS.minMs);
      expect(load).toHaveBeenCalledTimes(1);

      signals.publish(signalFor('shop-dev'));
      await advance(100);
      signals.publish(signalFor('shop-prod'));
      await advance(SIGNAL_DEBOUNCE_MS - 100);
      expect(load).toHaveBeenCalledTimes(2);

      // Without signals the next poll is a minute away.
      await advance(POLL_INTERVALS.withSignalsMs - 1);
      expect(load).toHaveBeenCalledTimes(2);
      await advance(1);
      expect(load).toHaveBeenCalledTimes(3);

      unmount();
      expect(signals.listenerCount()).toBe(0);
    });

    it('is not starved by a steady stream of signals', async () => {
      const signals = new FakeSignalApi();
      const load = jest.fn(async () => 'value');
      renderHook(() => useLiveData(load, []), {
        wrapper: wrapperWith(signals),
      });
      await advance(0);
      for (let i = 0; i < 10; i++) {
        signals.publish(signalFor(`app-${i}`));
        await advance(100);
      }
      // 1 s of signals every 100 ms: loads at 300, 600 and 900 ms.
      expect(load).toHaveBeenCalledTimes(4);
    });
  });
});
