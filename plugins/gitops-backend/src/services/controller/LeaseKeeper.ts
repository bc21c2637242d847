import type { GitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey } from '../../database/types';

/** The lease that guards work on one app: `app:<namespace>/<name>`. */
export function applicationLeaseName(key: ApplicationKey): string {
  return `app:${key.namespace}/${key.name}`;
}

/** A lease while it is held. */
export interface HeldLease {
  name: string;
  /** Aborted when the lease is lost (another replica took it after it expired) or the keeper stops. */
  signal: AbortSignal;
}

interface LocalLease {
  controller: AbortController;
  /** Work running under the lease in this replica. */
  users: number;
  onIdle?: () => void;
}

/** What {@link LeaseKeeper.run} did. */
export type LeaseRunResult<T> =
  | { acquired: true; value: T }
  /** Another holder has the lease: the work did not run. */
  | { acquired: false };

export interface LeaseKeeperOptions {
  store: Pick<GitOpsStore, 'tryAcquireLease' | 'renewLease' | 'releaseLease'>;
  /** This replica's id, the same for every lease it takes. */
  holder: string;
  ttlMs: number;
  /** Called when a renewal fails or the lease is lost. */
  onLost?: (name: string, reason: string) => void;
}

/**
 * Runs work only while this replica holds a lease in the store, so replicas
 * sharing a database never work on the same app at once. The lease is taken
 * before the work, renewed every third of its TTL while the work runs, and
 * released after it. If a renewal finds the lease taken by another holder, or
 * cannot reach the database until the lease has expired, the work's signal
 * is aborted: the work must stop writing.
 */
export class LeaseKeeper {
  private readonly running = new Set<AbortController>();
  private readonly lost = new WeakSet<AbortController>();
  private readonly local = new Map<string, LocalLease>();

  constructor(private readonly options: LeaseKeeperOptions) {}

  get holder(): string {
    return this.options.holder;
  }

  /**
   * Runs `work` while holding the lease `name`. Within this replica the
   * lease is shared: work started while other work holds it (a refresh
   * during a sync) runs under the same lease and signal, and the lease is
   * released when the last of them ends. Callers that must not overlap on
   * one replica serialize themselves (the controller's queues do).
   */
  async run<T>(
    name: string,
    work: (lease: HeldLease) => Promise<T>,
  ): Promise<LeaseRunResult<T>> {
    const shared = this.local.get(name);
    if (shared && !shared.controller.signal.aborted) {
      shared.users++;
      try {
        return {
          acquired: true,
          value: await work({ name, signal: shared.controller.signal }),
        };
      } finally {
        shared.users--;
        if (shared.users === 0) shared.onIdle?.();
      }
    }
    const { store, holder, ttlMs } = this.options;
    const acquired = await store.tryAcquireLease({ name, holder, ttlMs });
    if (!acquired) {
      return { acquired: false };
    }
    const controller = new AbortController();
    const entry: LocalLease = { controller, users: 1 };
    this.local.set(name, entry);
    this.running.add(controller);
    let expiresAt = Date.parse(acquired.expiresAt);
    let renewing: Promise<void> | undefined;
    const renew = async () => {
      try {
        const renewed = await store.renewLease({ name, holder, ttlMs });
        if (!renewed) {
          this.lose(controller, name, 'another replica took it');
          return;
        }
        expiresAt = Date.parse(renewed.expiresAt);
      } catch (error) {
        if (Date.now() >= expiresAt) {
          this.lose(
            controller,
            name,
            `it expired while the database was unreachable (${
              (error as Error).message
            })`,
          );
        }
      }
    };
    const timer = setInterval(() => {
      if (!renewing && !controller.signal.aborted) {
        renewing = renew().finally(() => {
          renewing = undefined;
        });
      }
    }, Math.max(100, Math.floor(ttlMs / 3)));
    timer.unref?.();
    try {
      const value = await work({ name, signal: controller.signal });
      return { acquired: true, value };
    } finally {
      entry.users--;
      if (entry.users > 0) {
        // Work that joined this lease keeps it until it ends too.
        await new Promise<void>(resolve => {
          entry.onIdle = resolve;
        });
      }
      if (this.local.get(name) === entry) this.local.delete(name);
      clearInterval(timer);
      await renewing;
      this.running.delete(controller);
      if (!this.lost.has(controller)) {
        // A lease that cannot be released expires on its own.
        await store.releaseLease({ name, holder }).catch(() => false);
      }
    }
  }

  /** Aborts every running work's signal (the process is stopping). */
  abortAll(reason: string): void {
    for (const controller of this.running) {
      controller.abort(new Error(reason));
    }
  }

  private lose(controller: AbortController, name: string, reason: string) {
    if (this.lost.has(controller)) return;
    this.lost.add(controller);
    controller.abort(new Error(`lost lease ${name}: ${reason}`));
    this.options.onLost?.(name, reason);
  }
}
