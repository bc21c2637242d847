/** What a processed item may ask for. */
export interface WorkOutcome {
  /**
   * Process the item again after this long, with the same flags, and keep
   * the callers who wait for it waiting (e.g. another replica holds the app).
   */
  retryAfterMs?: number;
}

export interface WorkQueueOptions<F> {
  /** Items processed at once. */
  concurrency: number;
  process(key: string, flags: F): Promise<WorkOutcome | void>;
  /** Combines the flags of two requests for the same key (e.g. a hard refresh wins). */
  mergeFlags(a: F, b: F): F;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

interface Entry<F> {
  /** Flags of the next run; undefined when no run is requested. */
  flags?: F;
  waiters: Waiter[];
  /** When the next run is due (epoch ms). */
  dueAt?: number;
  timer?: NodeJS.Timeout;
  ready: boolean;
  running: boolean;
}

/**
 * The controller's work queue: one entry per key (an app or a platform
 * source), so requests for a key that is waiting merge into one run and a key
 * never runs twice at once; at most `concurrency` keys run together; a
 * request may be delayed (the earliest due time wins). A request made while
 * its key runs gets a run of its own after that one.
 */
export class WorkQueue<F> {
  private readonly entries = new Map<string, Entry<F>>();
  private readonly ready: string[] = [];
  private active = 0;
  private stopped = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: WorkQueueOptions<F>) {}

  /**
   * Requests a run of `key` in `delayMs` (now by default). The promise
   * resolves when a run that started after this request has finished, and
   * rejects with the error it threw.
   */
  add(key: string, flags: F, delayMs = 0): Promise<void> {
    if (this.stopped) {
      return Promise.reject(
        new Error(`the work queue is stopped; '${key}' was not queued`),
      );
    }
    const entry = this.entry(key);
    const promise = new Promise<void>((resolve, reject) =>
      entry.waiters.push({ resolve, reject }),
    );
    // Nobody may wait (periodic refreshes); failures are the process' to report.
    promise.catch(() => undefined);
    entry.flags =
      entry.flags === undefined
        ? flags
        : this.options.mergeFlags(entry.flags, flags);
    this.schedule(key, entry, Date.now() + Math.max(0, delayMs));
    return promise;
  }

  /** Whether `key` is queued or running. */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return Boolean(entry && (entry.running || entry.flags !== undefined));
  }

  /** When the next run of `key` is due, if one is queued. */
  dueAt(key: string): number | undefined {
    return this.entries.get(key)?.dueAt;
  }

  /** Keys queued (due or not) and running, for metrics. */
  get size(): number {
    return this.entries.size;
  }

  get running(): number {
    return this.active;
  }

  /** Stops taking work, drops what is queued (its waiters get an error) and waits for what runs. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready.length = 0;
    for (const [key, entry] of this.entries) {
      clearTimeout(entry.timer);
      const waiters = entry.waiters.splice(0);
      for (const waiter of waiters) {
        waiter.reject(new Error(`the controller stopped before '${key}' ran`));
      }
      entry.flags = undefined;
      if (!entry.running) {
        this.entries.delete(key);
      }
    }
    if (this.active > 0) {
      await new Promise<void>(resolve => this.idle.add(resolve));
    }
  }

  private entry(key: string): Entry<F> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { waiters: [], ready: false, running: false };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private schedule(key: string, entry: Entry<F>, dueAt: number): void {
    if (entry.ready || (entry.dueAt !== undefined && entry.dueAt <= dueAt)) {
      return;
    }
    entry.dueAt = dueAt;
    if (entry.running) {
      // Scheduled when the current run ends.
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const delay = dueAt - Date.now();
    if (delay <= 0) {
      this.makeReady(key, entry);
    } else {
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        this.makeReady(key, entry);
      }, delay);
      // A queued refresh must not keep the process alive at shutdown.
      entry.timer.unref?.();
    }
  }

  private makeReady(key: string, entry: Entry<F>): void {
    if (this.stopped || entry.ready) {
      return;
    }
    entry.ready = true;
    this.ready.push(key);
    this.pump();
  }

  private pump(): void {
    while (
      !this.stopped &&
      this.active < this.options.concurrency &&
      this.ready.length > 0
    ) {
      const key = this.ready.shift()!;
      const entry = this.entries.get(key);
      if (!entry || entry.flags === undefined) {
        continue;
      }
      this.run(key, entry);
    }
  }

  private run(key: string, entry: Entry<F>): void {
    const flags = entry.flags as F;
    const waiters = entry.waiters.splice(0);
    entry.flags = undefined;
    entry.dueAt = undefined;
    entry.ready = false;
    entry.running = true;
    this.active++;
    const finish = (outcome: WorkOutcome | void, error?: Error) => {
      entry.running = false;
      this.active--;
      if (!error && outcome?.retryAfterMs !== undefined && !this.stopped) {
        entry.waiters.unshift(...waiters);
        entry.flags =
          entry.flags === undefined
            ? flags
            : this.options.mergeFlags(flags, entry.flags);
        const retryAt = Date.now() + outcome.retryAfterMs;
        const requested = entry.dueAt;
        entry.dueAt = undefined;
        this.schedule(
          key,
          entry,
          requested === undefined ? retryAt : Math.min(requested, retryAt),
        );
      } else {
        for (const waiter of waiters) {
          if (error) waiter.reject(error);
          else waiter.resolve();
        }
        if (entry.flags !== undefined && !this.stopped) {
          const requested = entry.dueAt ?? Date.now();
          entry.dueAt = undefined;
          this.schedule(key, entry, requested);
        }
      }
      if (!entry.running && entry.flags === undefined && !entry.timer) {
        this.entries.delete(key);
      }
      if (this.active === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
      this.pump();
    };
    Promise.resolve()
      .then(() => this.options.process(key, flags))
      .then(
        outcome => finish(outcome),
        error =>
          finish(
            undefined,
            error instanceof Error ? error : new Error(String(error)),
          ),
      );
  }
}
