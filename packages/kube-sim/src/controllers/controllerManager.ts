import { ApiServer } from '../apiserver/apiServer';
import { ChangeEvent } from '../store/objectStore';
import { Controller, ControllerContext } from './controller';
import { KubeSimTimings } from './timings';

interface QueueItem {
  controller: Controller;
  key: string;
  due: number;
  /** Enqueue order, so equal due times run first-come first-served. */
  seq: number;
}

/**
 * Queue items by due time (then enqueue order). Items replaced in the map are
 * left in the heap and skipped when they surface: thousands of pods waiting
 * out their readiness delays made a linear scan per reconcile the simulator's
 * hottest loop.
 */
class DueHeap {
  private readonly items: QueueItem[] = [];

  peek(): QueueItem | undefined {
    return this.items[0];
  }

  push(item: QueueItem): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(items[at], items[parent])) break;
      [items[at], items[parent]] = [items[parent], items[at]];
      at = parent;
    }
  }

  pop(): QueueItem | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let smallest = at;
        if (left < items.length && before(items[left], items[smallest]))
          smallest = left;
        if (right < items.length && before(items[right], items[smallest]))
          smallest = right;
        if (smallest === at) break;
        [items[at], items[smallest]] = [items[smallest], items[at]];
        at = smallest;
      }
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

function before(a: QueueItem, b: QueueItem): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function queueId(controller: Controller, key: string): string {
  return `${controller.name}\u0000${key}`;
}

/**
 * Runs the simulated controllers: every store change is offered to each
 * controller, which queues keys; keys are reconciled in due-time order, one at
 * a time, on the event loop. Failed reconciles are retried after a short delay.
 */
export class ControllerManager {
  private readonly controllers: Controller[] = [];
  /** The live item per controller and key; the heap may hold replaced ones. */
  private readonly queue = new Map<string, QueueItem>();
  private readonly heap = new DueHeap();
  private seq = 0;
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
    this.heap.clear();
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
    const id = queueId(controller, key);
    const due = Date.now() + Math.max(0, delayMs);
    const existing = this.queue.get(id);
    if (existing && existing.due <= due) return;
    const item = { controller, key, due, seq: this.seq++ };
    this.queue.set(id, item);
    this.heap.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (!this.running || this.processing) return;
    const first = this.firstLive();
    if (!first) return;
    const next = first.due;
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

  /** The earliest queued item still current, dropping replaced ones. */
  private firstLive(): QueueItem | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (!top) return undefined;
      if (this.queue.get(queueId(top.controller, top.key)) === top) return top;
      this.heap.pop();
    }
  }

  private process(): void {
    if (!this.running) return;
    this.processing = true;
    try {
      // Bounded batch so HTTP requests interleave with a busy simulation.
      for (let round = 0; round < 200; round++) {
        const item = this.firstLive();
        if (!item || item.due > Date.now()) break;
        this.heap.pop();
        this.queue.delete(queueId(item.controller, item.key));
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
