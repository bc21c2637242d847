import { ApiServer } from '../apiserver/apiServer';
import { ChangeEvent } from '../store/objectStore';
import { Controller, ControllerContext } from './controller';
import { KubeSimTimings } from './timings';

interface QueueItem {
  controller: Controller;
  key: string;
  due: number;
}

/**
 * Runs the simulated controllers: every store change is offered to each
 * controller, which queues keys; keys are reconciled in due-time order, one at
 * a time, on the event loop. Failed reconciles are retried after a short delay.
 */
export class ControllerManager {
  private readonly controllers: Controller[] = [];
  private readonly queue = new Map<string, QueueItem>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private readonly context: ControllerContext;
  private processing = false;
  /** Reconcile errors, newest last (tests and the CLI log read them). */
  readonly errors: Array<{ controller: string; key: string; message: string }> =
    [];

  constructor(
    private readonly api: ApiServer,
    timings: KubeSimTimings,
    random: () => number,
    private readonly log?: (line: string) => void,
  ) {
    this.context = { api, timings, now: () => new Date(), random };
  }

  register(controller: Controller): void {
    controller.attach(this.context, (c, key, delayMs) =>
      this.enqueue(c, key, delayMs ?? 0),
    );
    this.controllers.push(controller);
  }

  names(): string[] {
    return this.controllers.map(controller => controller.name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.api.store.subscribe(event => this.observe(event));
    for (const controller of this.controllers) controller.resync();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    this.queue.clear();
  }

  /** Keys waiting (for tests that wait for the simulation to settle). */
  pending(): number {
    return this.queue.size;
  }

  private observe(event: ChangeEvent): void {
    for (const controller of this.controllers) {
      try {
        if (event.type === 'DELETED' && event.object.metadata.uid)
          controller.forget(event.object.metadata.uid);
        controller.observe(event);
      } catch (error) {
        this.recordError(controller, '(observe)', error);
      }
    }
  }

  private enqueue(controller: Controller, key: string, delayMs: number): void {
    if (!this.running) return;
    const id = `${controller.name}\u0000${key}`;
    const due = Date.now() + Math.max(0, delayMs);
    const existing = this.queue.get(id);
    if (existing && existing.due <= due) return;
    this.queue.set(id, { controller, key, due });
    this.schedule();
  }

  private schedule(): void {
    if (!this.running || this.processing) return;
    let next = Infinity;
    for (const item of this.queue.values())
      if (item.due < next) next = item.due;
    if (next === Infinity) return;
    if (this.timer && this.timerDue <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.process();
    }, Math.max(0, next - Date.now()));
    this.timer.unref?.();
  }

  private process(): void {
    if (!this.running) return;
    this.processing = true;
    try {
      // Bounded batch so HTTP requests interleave with a busy simulation.
      for (let round = 0; round < 200; round++) {
        const now = Date.now();
        let chosen: [string, QueueItem] | undefined;
        for (const entry of this.queue) {
          if (entry[1].due <= now && (!chosen || entry[1].due < chosen[1].due))
            chosen = entry;
        }
        if (!chosen) break;
        const [id, item] = chosen;
        this.queue.delete(id);
        try {
          item.controller.reconcile(item.key);
        } catch (error) {
          this.recordError(item.controller, item.key, error);
          this.enqueue(item.controller, item.key, 50);
        }
      }
    } finally {
      this.processing = false;
    }
    this.schedule();
  }

  private recordError(
    controller: Controller,
    key: string,
    error: unknown,
  ): void {
    const message = (error as Error)?.message ?? String(error);
    this.errors.push({ controller: controller.name, key, message });
    if (this.errors.length > 100) this.errors.shift();
    this.log?.(
      `kube-sim: controller ${controller.name} failed on ${key}: ${message}`,
    );
  }
}
