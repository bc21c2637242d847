import { KubeObject } from '../machinery/types';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as watchers and controllers see it. */
export interface ChangeEvent {
  type: ChangeType;
  storageKey: string;
  /** The object after the write (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the write (undefined for ADDED). */
  previous?: KubeObject;
  resourceVersion: number;
  /** Serialised forms, computed once per served apiVersion and shared by all watchers. */
  serialized?: Map<string, string>;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** A snapshot of the whole store, for `--state` files. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: Array<{ storageKey: string; object: KubeObject }>;
}

/**
 * The in-memory "etcd": objects by resource, one global resourceVersion
 * counter, and a bounded history of changes from which watches resume. Stored
 * objects are never mutated; every write stores a new object.
 */
export class ObjectStore {
  private revision: number;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly history: ChangeEvent[] = [];
  private historyStart = 0;
  /** Oldest resourceVersion a watch may resume from (older gets 410 Gone). */
  private compactedRevision: number;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  /** owner uid → keys of objects naming it in ownerReferences. */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(private readonly historyLimit = 10000, startRevision = 1) {
    this.revision = startRevision;
    this.compactedRevision = startRevision;
  }

  currentRevision(): number {
    return this.revision;
  }

  /** The oldest resourceVersion from which history is still complete. */
  oldestResumableRevision(): number {
    return this.compactedRevision;
  }

  get(
    storageKey: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.buckets.get(storageKey)?.get(objectKey(namespace, name));
  }

  /** Objects of one resource, sorted by namespace/name like etcd keys. */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(storageKey);
    if (!bucket) return [];
    const keys = [...bucket.keys()].sort();
    const out: KubeObject[] = [];
    for (const key of keys) {
      const object = bucket.get(key)!;
      if (namespace && object.metadata.namespace !== namespace) continue;
      out.push(object);
    }
    return out;
  }

  count(storageKey: string): number {
    return this.buckets.get(storageKey)?.size ?? 0;
  }

  storageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Keys (`storageKey|namespace|name`) of objects owned by `uid`. */
  dependentsOf(
    uid: string,
  ): Array<{ storageKey: string; namespace?: string; name: string }> {
    const keys = this.dependents.get(uid);
    if (!keys) return [];
    return [...keys].map(key => {
      const [storageKey, namespace, name] = key.split('|');
      return { storageKey, namespace: namespace || undefined, name };
    });
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the next resourceVersion (for writes and for dry runs that need one). */
  nextRevision(): number {
    this.revision += 1;
    return this.revision;
  }

  private indexOwners(
    storageKey: string,
    object: KubeObject,
    add: boolean,
  ): void {
    const key = `${storageKey}|${object.metadata.namespace ?? ''}|${
      object.metadata.name
    }`;
    for (const owner of object.metadata.ownerReferences ?? []) {
      if (!owner.uid) continue;
      let set = this.dependents.get(owner.uid);
      if (add) {
        if (!set) {
          set = new Set();
          this.dependents.set(owner.uid, set);
        }
        set.add(key);
      } else if (set) {
        set.delete(key);
        if (set.size === 0) this.dependents.delete(owner.uid);
      }
    }
  }

  /**
   * Stores `object` (whose metadata.resourceVersion the caller set from
   * {@link nextRevision}) and tells every listener.
   */
  put(storageKey: string, object: KubeObject): ChangeEvent {
    let bucket = this.buckets.get(storageKey);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(storageKey, bucket);
    }
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const previous = bucket.get(key);
    if (previous) this.indexOwners(storageKey, previous, false);
    bucket.set(key, object);
    this.indexOwners(storageKey, object, true);
    return this.record({
      type: previous ? 'MODIFIED' : 'ADDED',
      storageKey,
      object,
      previous,
      resourceVersion: Number(object.metadata.resourceVersion),
    });
  }

  /** Removes an object; `tombstone` is its last state carrying the deletion's resourceVersion. */
  remove(storageKey: string, tombstone: KubeObject): ChangeEvent | undefined {
    const bucket = this.buckets.get(storageKey);
    const key = objectKey(
      tombstone.metadata.namespace,
      tombstone.metadata.name!,
    );
    const previous = bucket?.get(key);
    if (!bucket || !previous) return undefined;
    bucket.delete(key);
    this.indexOwners(storageKey, previous, false);
    return this.record({
      type: 'DELETED',
      storageKey,
      object: tombstone,
      previous,
      resourceVersion: Number(tombstone.metadata.resourceVersion),
    });
  }

  /** Drops a whole resource (its CRD is gone); watchers are closed by the caller. */
  dropBucket(storageKey: string): void {
    const bucket = this.buckets.get(storageKey);
    if (!bucket) return;
    for (const object of bucket.values())
      this.indexOwners(storageKey, object, false);
    this.buckets.delete(storageKey);
  }

  private record(event: ChangeEvent): ChangeEvent {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRevision = this.history[this.historyStart].resourceVersion;
      this.historyStart++;
      if (
        this.historyStart > 1024 &&
        this.historyStart * 2 > this.history.length
      ) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * Changes after `revision`, or undefined when history no longer reaches back
   * that far (the caller answers 410 Gone).
   */
  changesSince(revision: number): ChangeEvent[] | undefined {
    if (revision < this.compactedRevision) return undefined;
    const out: ChangeEvent[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const event = this.history[i];
      if (event.resourceVersion <= revision) break;
      out.push(event);
    }
    return out.reverse();
  }

  /** Forgets all history, as an etcd compaction does: older watches get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.historyStart = 0;
    this.compactedRevision = this.revision;
  }

  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [storageKey, bucket] of this.buckets) {
      for (const object of bucket.values())
        objects.push({ storageKey, object });
    }
    return { resourceVersion: this.revision, objects };
  }

  /** Loads objects verbatim (their resourceVersions kept); history starts afresh. */
  restore(snapshot: StoreSnapshot): void {
    for (const { storageKey, object } of snapshot.objects) {
      let bucket = this.buckets.get(storageKey);
      if (!bucket) {
        bucket = new Map();
        this.buckets.set(storageKey, bucket);
      }
      bucket.set(
        objectKey(object.metadata.namespace, object.metadata.name!),
        object,
      );
      this.indexOwners(storageKey, object, true);
    }
    this.revision = Math.max(this.revision, snapshot.resourceVersion);
    this.compact();
  }
}
