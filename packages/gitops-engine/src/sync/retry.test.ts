import {
  automatedSyncRetry,
  isWaitingForRetry,
  nextRetryAt,
  parseRetryDuration,
  retriesLeft,
  retryBackoffMs,
  RetryStrategyError,
  scheduleRetry,
  startRetryAttempt,
} from './retry';
import type { SyncOperationState } from './types';

describe('parseRetryDuration', () => {
  it('reads whole seconds and Go durations', () => {
    expect(parseRetryDuration('30')).toBe(30_000);
    expect(parseRetryDuration('0')).toBe(0);
    expect(parseRetryDuration('5s')).toBe(5_000);
    expect(parseRetryDuration('3m')).toBe(180_000);
    expect(parseRetryDuration('1h30m')).toBe(5_400_000);
    expect(parseRetryDuration('1.5s')).toBe(1_500);
    expect(parseRetryDuration('250ms')).toBe(250);
    expect(parseRetryDuration('2m0.5s')).toBe(120_500);
  });

  it('says what a duration looks like when it cannot read one', () => {
    for (const text of ['', '5 s', 'five', '5d', '1h 30m', 's']) {
      expect(() => parseRetryDuration(text, 'maxDuration')).toThrow(
        RetryStrategyError,
      );
    }
    expect(() => parseRetryDuration('5d', 'maxDuration')).toThrow(
      'syncPolicy.retry.backoff.maxDuration "5d" is not a duration: write whole seconds (30) or a Go duration such as 30s, 2m or 1h30m',
    );
  });
});

describe('retry backoff', () => {
  const seconds = (
    strategy: Parameters<typeof retryBackoffMs>[0],
    count: number,
  ) =>
    Array.from({ length: count }, (_, n) => retryBackoffMs(strategy, n) / 1000);

  it("uses Argo CD's defaults: 5 s doubling, at most 3 minutes", () => {
    expect(seconds({ limit: 10 }, 8)).toEqual([
      5, 10, 20, 40, 80, 160, 180, 180,
    ]);
    expect(seconds(undefined, 3)).toEqual([5, 10, 20]);
  });

  it('uses the duration, factor and maxDuration given', () => {
    expect(
      seconds({ backoff: { duration: '2s', factor: 3, maxDuration: '1m' } }, 6),
    ).toEqual([2, 6, 18, 54, 60, 60]);
    expect(seconds({ backoff: { duration: '10', factor: 1 } }, 3)).toEqual([
      10, 10, 10,
    ]);
    // A maxDuration of 0 does not cap.
    expect(
      seconds({ backoff: { duration: '1s', maxDuration: '0' } }, 10)[9],
    ).toBe(512);
  });

  it('counts the attempts a limit allows; a negative limit retries forever', () => {
    expect(retriesLeft(undefined, 0)).toBe(false);
    expect(retriesLeft({ limit: 2 }, 1)).toBe(true);
    expect(retriesLeft({ limit: 2 }, 2)).toBe(false);
    expect(retriesLeft({ limit: -1 }, 1_000)).toBe(true);
    expect(retriesLeft({}, 0)).toBe(false);
    expect(automatedSyncRetry(undefined)).toEqual({ limit: 5 });
    expect(automatedSyncRetry({ limit: 1 })).toEqual({ limit: 1 });
  });

  it('gives the time of the next attempt', () => {
    expect(
      nextRetryAt(
        { limit: 3 },
        new Date('2026-05-01T10:00:00Z'),
        2,
      ).toISOString(),
    ).toBe('2026-05-01T10:00:20.000Z');
  });
});

describe('scheduleRetry and startRetryAttempt', () => {
  const failed: SyncOperationState = {
    operation: {
      sync: { revision: 'main' },
      retry: { limit: 2, backoff: { duration: '10s', factor: 2 } },
    },
    phase: 'Failed',
    message: 'one or more objects failed to apply',
    startedAt: '2026-05-01T09:59:00.000Z',
    finishedAt: '2026-05-01T10:00:00.000Z',
    retryCount: 0,
    syncResult: { revision: 'abc', resources: [] },
  };
  const at = (iso: string) => new Date(iso);

  it('keeps a failed operation running until its next attempt, and says when that is', () => {
    const waiting = scheduleRetry(failed, at('2026-05-01T15:00:00Z'));
    expect(waiting).toMatchObject({
      phase: 'Running',
      retryCount: 1,
      finishedAt: '2026-05-01T15:00:00.000Z',
      message:
        'one or more objects failed to apply. Retrying attempt #1 at 3:00PM.',
    });
    expect(isWaitingForRetry(waiting)).toBe(true);
    expect(
      startRetryAttempt(waiting, at('2026-05-01T15:00:09Z')),
    ).toBeUndefined();
    const attempt = startRetryAttempt(waiting, at('2026-05-01T15:00:10Z'))!;
    expect(attempt).toMatchObject({
      phase: 'Running',
      message: 'Retrying operation. Attempt #1',
      startedAt: failed.startedAt,
      retryCount: 1,
      operation: failed.operation,
    });
    expect(attempt.finishedAt).toBeUndefined();
    expect(attempt.syncResult).toBeUndefined();
    expect(attempt.progress).toMatchObject({
      dryRunPassed: false,
      applied: {},
    });

    // The second retry waits twice as long.
    const second = scheduleRetry(
      { ...attempt, phase: 'Error', message: 'boom' },
      at('2026-05-01T16:00:00Z'),
    );
    expect(second).toMatchObject({ phase: 'Running', retryCount: 2 });
    expect(
      startRetryAttempt(second, at('2026-05-01T16:00:19Z')),
    ).toBeUndefined();
    expect(startRetryAttempt(second, at('2026-05-01T16:00:20Z'))).toBeDefined();
  });

  it('stops when the limit is reached, and never retries a terminated operation', () => {
    expect(
      scheduleRetry({ ...failed, retryCount: 2 }, at('2026-05-01T10:00:00Z')),
    ).toMatchObject({
      phase: 'Failed',
      message: 'one or more objects failed to apply (retried 2 times).',
    });
    expect(
      scheduleRetry(
        { ...failed, message: 'Operation terminated' },
        at('2026-05-01T10:00:00Z'),
        {
          terminated: true,
        },
      ),
    ).toMatchObject({ phase: 'Failed', message: 'Operation terminated' });
    const succeeded = { ...failed, phase: 'Succeeded' as const };
    expect(scheduleRetry(succeeded, at('2026-05-01T10:00:00Z'))).toBe(
      succeeded,
    );
  });

  it('clears the pinned revision on retry when retry.refresh is set', () => {
    const refreshing = scheduleRetry(
      {
        ...failed,
        operation: { ...failed.operation, retry: { limit: 1, refresh: true } },
      },
      at('2026-05-01T10:00:00Z'),
    );
    const attempt = startRetryAttempt(refreshing, at('2026-05-01T11:00:00Z'))!;
    expect(attempt.message).toBe(
      'Retrying operation with latest revisions. Attempt #1',
    );
    expect(attempt.operation.sync?.revision).toBeUndefined();
  });

  it('ends in Error when the backoff cannot be read', () => {
    expect(
      scheduleRetry(
        {
          ...failed,
          operation: { retry: { limit: 1, backoff: { duration: 'soon' } } },
        },
        at('2026-05-01T10:00:00Z'),
      ),
    ).toMatchObject({
      phase: 'Error',
      message: expect.stringMatching(
        /^one or more objects failed to apply \(failed to retry: syncPolicy\.retry\.backoff\.duration "soon" is not a duration/,
      ),
    });
  });
});
