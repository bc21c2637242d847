import { WorkQueue, type WorkOutcome } from './WorkQueue';

interface Flags {
  hard: boolean;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function recordingQueue(
  concurrency: number,
  handler: (
    key: string,
    flags: Flags,
  ) => Promise<WorkOutcome | void> = async () => undefined,
) {
  const runs: Array<{ key: string; flags: Flags; at: number }> = [];
  let running = 0;
  let maxRunning = 0;
  const queue = new WorkQueue<Flags>({
    concurrency,
    mergeFlags: (a, b) => ({ hard: a.hard || b.hard }),
    async process(key, flags) {
      runs.push({ key, flags, at: Date.now() });
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await handler(key, flags);
      } finally {
        running--;
      }
    },
  });
  return { queue, runs, maxRunning: () => maxRunning };
}

describe('WorkQueue', () => {
  it('merges requests for a waiting key into one run with merged flags', async () => {
    const gate = deferred();
    const { queue, runs } = recordingQueue(1, async key => {
      if (key === 'blocker') await gate.promise;
    });
    const blocker = queue.add('blocker', { hard: false });
    const first = queue.add('app', { hard: false });
    const second = queue.add('app', { hard: true });
    const third = queue.add('app', { hard: false });
    gate.resolve();
    await Promise.all([blocker, first, second, third]);
    expect(runs.map(run => [run.key, run.flags.hard])).toEqual([
      ['blocker', false],
      ['app', true],
    ]);
  });

  it('runs a key again when asked while it runs, never twice at once', async () => {
    const gate = deferred();
    let overlapping = 0;
    let maxOverlapping = 0;
    const { queue, runs } = recordingQueue(4, async () => {
      overlapping++;
      maxOverlapping = Math.max(maxOverlapping, overlapping);
      if (runs.length === 1) await gate.promise;
      overlapping--;
    });
    const first = queue.add('app', { hard: false });
    await sleep(5);
    const second = queue.add('app', { hard: true });
    await sleep(5);
    expect(runs).toHaveLength(1);
    gate.resolve();
    await Promise.all([first, second]);
    expect(runs.map(run => run.flags.hard)).toEqual([false, true]);
    expect(maxOverlapping).toBe(1);
  });

  it('runs at most `concurrency` keys at once', async () => {
    const { queue, maxRunning } = recordingQueue(3, async () => {
      await sleep(20);
    });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        queue.add(`app-${i}`, { hard: false }),
      ),
    );
    expect(maxRunning()).toBe(3);
  });

  it('delays a request, and an earlier request wins over a later one', async () => {
    const { queue, runs } = recordingQueue(1);
    const start = Date.now();
    const late = queue.add('app', { hard: false }, 200);
    const early = queue.add('app', { hard: false }, 40);
    expect(queue.has('app')).toBe(true);
    await Promise.all([late, early]);
    expect(runs).toHaveLength(1);
    expect(runs[0].at - start).toBeGreaterThanOrEqual(35);
    expect(runs[0].at - start).toBeLessThan(190);
    expect(queue.has('app')).toBe(false);
  });

  it('keeps waiters waiting when the process asks to retry, then resolves them', async () => {
    let attempts = 0;
    const { queue, runs } = recordingQueue(1, async () => {
      attempts++;
      return attempts < 3 ? { retryAfterMs: 10 } : undefined;
    });
    await queue.add('app', { hard: true });
    expect(runs.map(run => run.flags.hard)).toEqual([true, true, true]);
  });

  it('rejects the waiters of a run that failed, and goes on with other keys', async () => {
    const { queue } = recordingQueue(1, async key => {
      if (key === 'broken') throw new Error('render failed');
    });
    await expect(queue.add('broken', { hard: false })).rejects.toThrow(
      'render failed',
    );
    await expect(queue.add('fine', { hard: false })).resolves.toBeUndefined();
  });

  it('stops: drops what waits, lets what runs finish', async () => {
    const gate = deferred();
    const { queue, runs } = recordingQueue(1, async key => {
      if (key === 'running') await gate.promise;
    });
    const running = queue.add('running', { hard: false });
    const waiting = queue.add('waiting', { hard: false });
    const delayed = queue.add('delayed', { hard: false }, 10_000);
    const stopped = queue.stop();
    await expect(waiting).rejects.toThrow(
      "the controller stopped before 'waiting' ran",
    );
    await expect(delayed).rejects.toThrow();
    gate.resolve();
    await stopped;
    await running;
    expect(runs.map(run => run.key)).toEqual(['running']);
    await expect(queue.add('late', { hard: false })).rejects.toThrow(
      'the work queue is stopped',
    );
  });
});
