import {
  apiVersionOf,
  type ApiResource,
  type ClusterConnection,
  type WatchEventType,
  type WatchHandle,
} from '../cluster/connection';
import { ClusterError, ResourceExpiredError } from '../cluster/errors';
import {
  formatResourceKey,
  resourceKeyOf,
  type ResourceKey,
} from '../cluster/resourceKey';
import type { KubernetesObject } from '../render/types';
import type { ResourceTracking } from '../tracking/ResourceTracking';

/** A resource type (and optionally one namespace) the cache should keep. */
export interface WatchRequest {
  apiVersion: string;
  kind: string;
  /**
   * Keep only this namespace of a namespaced kind; all namespaces (or all
   * configured ones in namespaced mode) when omitted. Ignored for
   * cluster-scoped kinds.
   */
  namespace?: string;
}

/** A change to a cached object, for controllers to requeue the apps it concerns. */
export interface ClusterCacheEvent {
  type: 'upsert' | 'delete';
  key: ResourceKey;
  /** The object after the change (`upsert`), or as it was last seen (`delete`). */
  object: KubernetesObject;
  /** The apps that owned the object before or after the change. */
  apps: string[];
}

export type ClusterCacheListener = (event: ClusterCacheEvent) => void;

/** The state of one list+watch, for status pages and tests. */
export interface WatchStatus {
  apiVersion: string;
  kind: string;
  /** Undefined for a watch over all namespaces. */
  namespace?: string;
  synced: boolean;
  resourceVersion: string;
  /** Lists done so far: 1 after the first, +1 per relist (410 Gone). */
  lists: number;
  /** Watches started so far, reconnects included. */
  watches: number;
  lastError?: string;
}

export interface ClusterCacheOptions {
  connection: ClusterConnection;
  tracking: ResourceTracking;
  /**
   * Argo CD's namespaced mode: only these namespaces are ever listed and
   * watched, one list+watch per namespace, so credentials limited to them
   * suffice. All namespaces when omitted.
   */
  namespaces?: string[];
  /** In namespaced mode, whether cluster-scoped kinds are kept too (Argo CD's `clusterResources`); true by default. */
  clusterResources?: boolean;
  /** How long the server keeps one watch open before the cache resumes it; 300 s by default. */
  watchTimeoutSeconds?: number;
  /** Delays between retries of a failed list or watch: from `initialMs` (500), doubling to `maxMs` (30 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * Keep whole objects of untracked resources too. By default only what
   * identifies them is kept, and `getObject` fetches them when asked: most
   * objects in a cluster belong to no app, and memory grows with what is kept.
   */
  keepUntrackedObjects?: boolean;
  /** Called for every failed list or watch (the cache retries by itself). */
  onError?: (error: Error, watch: WatchStatus) => void;
}

interface CacheEntry {
  key: ResourceKey;
  apiVersion: string;
  resourceVersion: string;
  /** The whole object, when it is tracked or untracked objects are kept. */
  object?: KubernetesObject;
  /** The app that owns it, when it is tracked and not owned by another object. */
  owner?: string;
}

/**
 * Outside namespaced mode, how many namespaces of one kind get their own
 * list+watch before the kind is watched over all namespaces instead.
 */
const MAX_NAMESPACE_WATCHES_PER_KIND = 8;

function groupKindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

class Sleeper {
  private readonly timers = new Set<{
    timer: NodeJS.Timeout;
    resolve: () => void;
  }>();

  sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  wakeAll(): void {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }
}

/** One list+watch of a resource type, over all namespaces or one. */
class TypeWatcher {
  synced = false;
  stopped = false;
  resourceVersion = '';
  lists = 0;
  watches = 0;
  lastError?: Error;
  private handle?: WatchHandle;
  private readonly ready: Promise<void>;
  private settleReady?: (error?: Error) => void;

  constructor(
    private readonly cache: ClusterCache,
    readonly resource: ApiResource,
    readonly namespace: string | undefined,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = error => {
        this.settleReady = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    // Callers that never wait must not see an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Resolves after the first list; rejects with the error of a first list that failed. */
  whenReady(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (!this.settleReady && this.lastError)
      return Promise.reject(this.lastError);
    return this.ready;
  }

  status(): WatchStatus {
    return {
      apiVersion: apiVersionOf(this.resource),
      kind: this.resource.kind,
      namespace: this.namespace,
      synced: this.synced,
      resourceVersion: this.resourceVersion,
      lists: this.lists,
      watches: this.watches,
      lastError: this.lastError?.message,
    };
  }

  /**
   * Ends the list+watch. Callers still waiting for its first list are
   * released: resolved when a ready watch over all namespaces took over
   * (`replaced`), rejected when the cache stops. Left waiting, a refresh
   * that asked for a namespace just before the kind went cluster-wide would
   * never finish.
   */
  stop(replaced = false): void {
    this.stopped = true;
    this.handle?.stop();
    if (replaced) this.settleReady?.();
    else
      this.settleReady?.(
        new ClusterError(
          `the cache of cluster '${this.cache.connection.clusterName}' stopped watching ${this.resource.kind}`,
          this.cache.connection.clusterName,
        ),
      );
  }

  private fail(error: Error): void {
    this.lastError = error;
    this.cache.reportError(error, this);
    this.settleReady?.(error);
  }

  async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const list = await this.cache.connection.list(this.resource, {
          namespace: this.namespace,
        });
        if (this.stopped) return;
        this.lists++;
        this.cache.replaceAll(this, list.items);
        this.resourceVersion = list.resourceVersion;
        this.synced = true;
        this.lastError = undefined;
        failures = 0;
        this.settleReady?.();
      } catch (error) {
        if (this.stopped) return;
        this.fail(error as Error);
        await this.cache.backoff(failures++);
        continue;
      }
      await this.watchUntilExpired();
    }
  }

  /** Watches from the last resourceVersion, resuming after every close, until the version expires (410) or the cache stops. */
  private async watchUntilExpired(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const started = Date.now();
      let sawEvent = false;
      this.watches++;
      const outcome = await new Promise<Error | undefined>(resolve => {
        this.handle = this.cache.connection.watch(
          this.resource,
          {
            namespace: this.namespace,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.cache.watchTimeoutSeconds,
          },
          {
            onEvent: (type, object) => {
              sawEvent = true;
              this.onEvent(type, object);
            },
            onClose: resolve,
          },
        );
      });
      this.handle = undefined;
      if (this.stopped) return;
      if (outcome instanceof ResourceExpiredError) {
        // The history the watch would resume from is gone: relist.
        return;
      }
      if (outcome) {
        this.fail(outcome);
        await this.cache.backoff(failures++);
        continue;
      }
      // A watch the server ended cleanly resumes at once, unless it keeps
      // ending straight away, which would otherwise spin.
      if (sawEvent || Date.now() - started >= 1_000) failures = 0;
      else await this.cache.backoff(failures++);
    }
  }

  private onEvent(type: WatchEventType, object: KubernetesObject): void {
    const resourceVersion = String(object.metadata?.resourceVersion ?? '');
    if (type === 'BOOKMARK') {
      if (resourceVersion) this.resourceVersion = resourceVersion;
      return;
    }
    if (type === 'DELETED') this.cache.remove(object);
    else this.cache.upsert(object);
    if (resourceVersion) this.resourceVersion = resourceVersion;
  }
}

/**
 * The live state of one cluster, as Argo CD's cluster cache keeps it: a
 * list+watch for each resource type the managed apps use (registered on
 * demand with {@link ClusterCache.watch}, never every type in the cluster),
 * per namespace where the apps are namespaced (over all namespaces once a
 * kind spans more than a few), resumed after dropped watches
 * and relisted when the watched resourceVersion expires (410 Gone). An index
 * answers "objects tracked by app X" without a scan, and listeners hear of
 * every change to a tracked object.
 */
export class ClusterCache {
  readonly connection: ClusterConnection;
  readonly watchTimeoutSeconds: number;
  private readonly tracking: ResourceTracking;
  private readonly namespaces?: Set<string>;
  private readonly clusterResources: boolean;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly keepUntrackedObjects: boolean;
  private readonly onError?: ClusterCacheOptions['onError'];

  /** Watchers by `group/kind`, then by namespace ('*' for all). */
  private readonly watchers = new Map<string, Map<string, TypeWatcher>>();
  private readonly entries = new Map<string, CacheEntry>();
  private readonly byApp = new Map<string, Map<string, CacheEntry>>();
  private readonly listeners = new Set<ClusterCacheListener>();
  private readonly sleeper = new Sleeper();
  private stopped = false;

  constructor(options: ClusterCacheOptions) {
    this.connection = options.connection;
    this.tracking = options.tracking;
    this.namespaces = options.namespaces
      ? new Set(options.namespaces)
      : undefined;
    this.clusterResources = options.clusterResources ?? true;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.backoffInitialMs = options.backoff?.initialMs ?? 500;
    this.backoffMaxMs = options.backoff?.maxMs ?? 30_000;
    this.keepUntrackedObjects = options.keepUntrackedObjects ?? false;
    this.onError = options.onError;
  }

  // ---------------------------------------------------------------- registration

  /**
   * Starts keeping the requested types (a no-op for those already kept) and
   * resolves once each has been listed. Rejects with the first failure
   * (the type is not served, listing it is forbidden, the cluster is down);
   * the cache goes on retrying in the background either way.
   */
  async watch(requests: WatchRequest[]): Promise<void> {
    if (this.stopped) {
      throw new ClusterError(
        `cluster cache for '${this.connection.clusterName}' was stopped`,
        this.connection.clusterName,
      );
    }
    const waits: Array<Promise<void>> = [];
    for (const request of requests) {
      const served = await this.connection.findResource(
        request.apiVersion,
        request.kind,
      );
      const resource = await this.connection.findPreferredResource(
        served.group,
        served.kind,
      );
      if (!resource.verbs.includes('list') || !resource.verbs.includes('watch'))
        continue;
      for (const namespace of this.scopesFor(resource, request.namespace)) {
        waits.push(this.ensureWatcher(resource, namespace).whenReady());
      }
    }
    await Promise.all(waits);
  }

  /** The namespaces to watch a request in; undefined stands for all namespaces. */
  private scopesFor(
    resource: ApiResource,
    namespace: string | undefined,
  ): Array<string | undefined> {
    const cluster = this.connection.clusterName;
    if (!resource.namespaced) {
      if (this.namespaces && !this.clusterResources) {
        throw new ClusterError(
          `cluster '${cluster}' is cached in namespaced mode without cluster resources: cluster-scoped ${resource.kind} cannot be managed; allow clusterResources for the cluster`,
          cluster,
        );
      }
      return [undefined];
    }
    if (!this.namespaces) {
      // Past a few namespaces, one list+watch over all of them (Argo CD's
      // way) costs less than one per namespace: a thousand apps in their own
      // namespaces would otherwise hold thousands of watches open.
      const scopes = this.watchers.get(
        groupKindKey(resource.group, resource.kind),
      );
      if (
        namespace !== undefined &&
        !scopes?.has(namespace) &&
        (scopes?.size ?? 0) >= MAX_NAMESPACE_WATCHES_PER_KIND
      )
        return [undefined];
      return [namespace];
    }
    if (namespace === undefined) return [...this.namespaces];
    if (!this.namespaces.has(namespace)) {
      throw new ClusterError(
        `namespace '${namespace}' of cluster '${cluster}' is not managed: the cluster is cached in namespaced mode for ${[
          ...this.namespaces,
        ].join(', ')}; add the namespace to the cluster's namespaces`,
        cluster,
      );
    }
    return [namespace];
  }

  private ensureWatcher(
    resource: ApiResource,
    namespace: string | undefined,
  ): TypeWatcher {
    const gk = groupKindKey(resource.group, resource.kind);
    let scopes = this.watchers.get(gk);
    if (!scopes) {
      scopes = new Map();
      this.watchers.set(gk, scopes);
    }
    const all = scopes.get('*');
    if (all) return all;
    const scope = namespace ?? '*';
    let watcher = scopes.get(scope);
    if (watcher) return watcher;
    watcher = new TypeWatcher(this, resource, namespace);
    scopes.set(scope, watcher);
    if (scope === '*') {
      // One watch over all namespaces replaces the per-namespace ones once
      // it has listed them all.
      const replaced = [...scopes.entries()].filter(([key]) => key !== '*');
      watcher
        .whenReady()
        .then(() => {
          for (const [key, old] of replaced) {
            old.stop(true);
            scopes!.delete(key);
          }
        })
        .catch(() => undefined);
    }
    watcher.run().catch(error => this.reportError(error as Error, watcher!));
    return watcher;
  }

  /** Whether a namespace of a kind is kept and listed, so a missing object there does not exist. */
  private isCovered(key: ResourceKey): boolean {
    const scopes = this.watchers.get(groupKindKey(key.group, key.kind));
    if (!scopes) return false;
    if (scopes.get('*')?.synced) return true;
    return Boolean(key.namespace && scopes.get(key.namespace)?.synced);
  }

  // ---------------------------------------------------------------- store

  /** @internal */
  reportError(error: Error, watcher: TypeWatcher): void {
    this.onError?.(error, watcher.status());
  }

  /** @internal */
  backoff(failures: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const base = Math.min(
      this.backoffMaxMs,
      this.backoffInitialMs * 2 ** Math.min(failures, 20),
    );
    // Jitter, so watches that failed together do not retry together.
    return this.sleeper.sleep(base * (0.8 + Math.random() * 0.4));
  }

  private ownerOf(object: KubernetesObject): string | undefined {
    // Objects made by other objects (ReplicaSets, Pods) are not the app's
    // own even when they carry a copied tracking label, as in Argo CD.
    const ownerReferences = object.metadata?.ownerReferences;
    if (Array.isArray(ownerReferences) && ownerReferences.length > 0)
      return undefined;
    return this.tracking.ownerOf(object);
  }

  private setEntry(entry: CacheEntry, previous?: CacheEntry): void {
    const id = formatResourceKey(entry.key);
    if (previous?.owner && previous.owner !== entry.owner)
      this.byApp.get(previous.owner)?.delete(id);
    this.entries.set(id, entry);
    if (entry.owner) {
      let objects = this.byApp.get(entry.owner);
      if (!objects) {
        objects = new Map();
        this.byApp.set(entry.owner, objects);
      }
      objects.set(id, entry);
    }
  }

  private emit(event: ClusterCacheEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the watch that feeds the others.
      }
    }
  }

  /** @internal */
  upsert(object: KubernetesObject): void {
    const key = resourceKeyOf(object);
    const id = formatResourceKey(key);
    const previous = this.entries.get(id);
    const resourceVersion = String(object.metadata?.resourceVersion ?? '');
    if (previous && previous.resourceVersion === resourceVersion) return;
    const owner = this.ownerOf(object);
    const entry: CacheEntry = {
      key,
      apiVersion: object.apiVersion,
      resourceVersion,
      owner,
      object: owner || this.keepUntrackedObjects ? object : undefined,
    };
    this.setEntry(entry, previous);
    const apps = [...new Set([previous?.owner, owner])].filter(
      (app): app is string => Boolean(app),
    );
    this.emit({ type: 'upsert', key, object, apps });
  }

  /** @internal */
  remove(object: KubernetesObject): void {
    const key = resourceKeyOf(object);
    const id = formatResourceKey(key);
    const previous = this.entries.get(id);
    if (!previous) return;
    this.entries.delete(id);
    if (previous.owner) this.byApp.get(previous.owner)?.delete(id);
    this.emit({
      type: 'delete',
      key,
      object: previous.object ?? object,
      apps: previous.owner ? [previous.owner] : [],
    });
  }

  /** @internal The result of a (re)list: everything the watcher covers is replaced. */
  replaceAll(watcher: TypeWatcher, items: KubernetesObject[]): void {
    const { group, kind } = watcher.resource;
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(formatResourceKey(resourceKeyOf(item)));
      this.upsert(item);
    }
    for (const [id, entry] of [...this.entries]) {
      if (
        entry.key.group === group &&
        entry.key.kind === kind &&
        (watcher.namespace === undefined ||
          entry.key.namespace === watcher.namespace) &&
        !seen.has(id)
      ) {
        this.remove({
          apiVersion: entry.apiVersion,
          kind,
          metadata: { name: entry.key.name, namespace: entry.key.namespace },
        });
      }
    }
  }

  // ---------------------------------------------------------------- reads

  /** The live objects an app owns (tracked by it, tracking id its own, no owner object); a constant-time lookup. */
  trackedObjects(appInstanceName: string): KubernetesObject[] {
    const objects = this.byApp.get(appInstanceName);
    if (!objects) return [];
    return [...objects.values()].map(entry => entry.object!);
  }

  /** The apps that own at least one live object. */
  trackedApps(): string[] {
    return [...this.byApp.entries()]
      .filter(([, objects]) => objects.size > 0)
      .map(([app]) => app);
  }

  /**
   * The live object at a key, in `apiVersion` when given (a GET when the
   * cache holds another version, only a reference, or does not watch the
   * kind there); undefined when it does not exist.
   */
  async getObject(
    key: ResourceKey,
    apiVersion?: string,
  ): Promise<KubernetesObject | undefined> {
    const entry = this.entries.get(formatResourceKey(key));
    if (
      entry?.object &&
      (apiVersion === undefined || entry.apiVersion === apiVersion)
    ) {
      return entry.object;
    }
    if (!entry && this.isCovered(key)) return undefined;
    const resource = apiVersion
      ? await this.connection.findResource(apiVersion, key.kind)
      : await this.connection.findPreferredResource(key.group, key.kind);
    return this.connection.get(
      resource,
      key.name,
      resource.namespaced ? key.namespace : undefined,
    );
  }

  /** Listens to changes of cached objects; returns the function that stops listening. */
  onChange(listener: ClusterCacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every list+watch the cache runs. */
  status(): WatchStatus[] {
    const statuses: WatchStatus[] = [];
    for (const scopes of this.watchers.values())
      for (const watcher of scopes.values()) statuses.push(watcher.status());
    return statuses;
  }

  /** Whether `group/kind` is kept in a namespace (or over all namespaces). */
  isWatching(group: string, kind: string, namespace?: string): boolean {
    const scopes = this.watchers.get(groupKindKey(group, kind));
    if (!scopes) return false;
    return (
      scopes.has('*') || (namespace !== undefined && scopes.has(namespace))
    );
  }

  /** Stops every watch and retry; the cache keeps what it holds but no longer changes. */
  stop(): void {
    this.stopped = true;
    for (const scopes of this.watchers.values())
      for (const watcher of scopes.values()) watcher.stop();
    this.sleeper.wakeAll();
    this.listeners.clear();
  }
}
