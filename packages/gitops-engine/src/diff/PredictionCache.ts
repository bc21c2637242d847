import { createHash } from 'node:crypto';
import type { KubernetesObject } from '../render/types';
import { canonicalJson } from './json';

/**
 * Predictions of server-side dry-run applies, keyed by (hash of the applied
 * manifest, field manager, live resourceVersion): while neither the manifest
 * nor the live object changes, the API server would answer the same, so the
 * request is not made again. Least recently used entries are dropped beyond
 * `maxEntries`. Secret values are held only as keyed digests (the differ
 * digests them before storing).
 */
export class PredictionCache {
  private readonly entries = new Map<string, KubernetesObject>();
  /**
   * The one key kept per slot (an object on a cluster): a prediction over a
   * resourceVersion the object has left is never asked for again, and would
   * otherwise stay until evicted; objects whose status changes often (a
   * Deployment's) would fill the cache with them.
   */
  private readonly keyBySlot = new Map<string, string>();
  private readonly slotByKey = new Map<string, string>();
  private readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  static key(options: {
    cluster: string;
    manager: string;
    manifest: KubernetesObject;
    liveResourceVersion: string;
  }): string {
    const manifestHash = createHash('sha256')
      .update(canonicalJson(options.manifest))
      .digest('hex');
    return `${options.cluster}\u0000${options.manager}\u0000${manifestHash}\u0000${options.liveResourceVersion}`;
  }

  get(key: string): KubernetesObject | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert so the Map's order stays least-recently-used first.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Keeps a prediction; with a `slot`, it replaces the one kept for that slot. */
  set(key: string, value: KubernetesObject, slot?: string): void {
    if (slot !== undefined) {
      const previous = this.keyBySlot.get(slot);
      if (previous !== undefined && previous !== key) this.remove(previous);
      this.keyBySlot.set(slot, key);
      this.slotByKey.set(key, slot);
    }
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    this.entries.delete(key);
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return;
    this.slotByKey.delete(key);
    if (this.keyBySlot.get(slot) === key) this.keyBySlot.delete(slot);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.keyBySlot.clear();
    this.slotByKey.clear();
  }
}
