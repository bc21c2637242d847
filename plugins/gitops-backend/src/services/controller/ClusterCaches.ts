import {
  ApplicationComparator,
  ClusterCache,
  DiffSettings,
  IN_CLUSTER_NAME,
  IN_CLUSTER_SERVER,
  KubernetesClusterConnection,
  PredictionCache,
  ResourceTracking,
  type ApplicationDestination,
  type ClusterCacheEvent,
  type ClusterConfig,
  type ClusterConnection,
} from '@driftless/gitops-engine';
import { isDeepStrictEqual } from 'node:util';
import type { RegisteredCluster } from '../clusters/ClusterRegistry';

/** Server-side dry-run results kept per cluster, one per managed object. */
const PREDICTIONS_PER_CLUSTER = 100_000;

/** Everything the controller needs to work with one cluster. */
export interface ClusterHandle {
  cluster: ClusterConfig;
  connection: ClusterConnection;
  /** Live objects of the kinds and namespaces the apps on this cluster use. */
  cache: ClusterCache;
  comparator: ApplicationComparator;
}

/** A destination resolved to a cluster, or why it cannot be. */
export type ResolvedDestination =
  | { handle: ClusterHandle }
  | { problem: string };

export interface ClusterCachesOptions {
  clusters: { list(): Promise<RegisteredCluster[]> };
  tracking: ResourceTracking;
  diffSettings?: DiffSettings;
  /** Changes of cached objects, for refreshing the apps they belong to. */
  onChange?: (cluster: string, event: ClusterCacheEvent) => void;
  onError?: (cluster: string, error: Error) => void;
  /** How long the cluster list is reused before the registry is asked again; 15 s. */
  clusterListTtlMs?: number;
  /** Makes connections; tests and benchmarks may tune them. */
  connect?: (cluster: ClusterConfig) => ClusterConnection;
}

function sameServer(a: string | undefined, b: string | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
  );
}

/**
 * The cluster an Application's destination names, among `clusters`: by
 * `name`, or by `server` URL; `https://kubernetes.default.svc`, Argo CD's
 * address of the cluster it runs in, finds the cluster named `in-cluster`
 * whatever its URL. Otherwise the problem, naming the known clusters.
 */
export function matchDestination(
  clusters: RegisteredCluster[],
  destination: ApplicationDestination,
): { cluster: ClusterConfig } | { problem: string } {
  const match = destination.name
    ? clusters.find(({ cluster }) => cluster.name === destination.name)
    : clusters.find(({ cluster }) =>
        sameServer(cluster.server, destination.server),
      ) ??
      (sameServer(destination.server, IN_CLUSTER_SERVER)
        ? clusters.find(({ cluster }) => cluster.name === IN_CLUSTER_NAME)
        : undefined);
  if (!match) {
    const known =
      clusters.map(({ cluster }) => cluster.name).join(', ') || 'none';
    const named = destination.name
      ? `named '${destination.name}'`
      : `with server '${destination.server}'`;
    return {
      problem: `there is no cluster ${named}: add it to gitops.clusters in app-config, or change spec.destination (known clusters: ${known})`,
    };
  }
  return { cluster: match.cluster };
}

/**
 * One connection, cache and comparator per cluster, created the first time
 * an app deploys there (so a cluster no app uses costs nothing), and
 * replaced when the cluster's definition changes. Caches keep only the kinds
 * and namespaces the comparisons ask for (Argo CD's top memory complaint is
 * caching every resource of every cluster).
 */
export class ClusterCaches {
  private readonly handles = new Map<
    string,
    { handle: ClusterHandle; stopListening: () => void }
  >();
  private listed?: { at: number; clusters: Promise<RegisteredCluster[]> };

  constructor(private readonly options: ClusterCachesOptions) {}

  /**
   * The cluster an Application's destination names: by `name`, or by
   * `server` URL. `https://kubernetes.default.svc`, Argo CD's address of the
   * cluster it runs in, finds the cluster named `in-cluster` whatever its URL.
   */
  async resolve(
    destination: ApplicationDestination,
  ): Promise<ResolvedDestination> {
    const match = matchDestination(await this.listClusters(), destination);
    if ('problem' in match) {
      return match;
    }
    return { handle: this.handleFor(match.cluster) };
  }

  /** The registry's clusters, listed at most once per TTL. */
  listClusters(): Promise<RegisteredCluster[]> {
    const ttl = this.options.clusterListTtlMs ?? 15_000;
    const now = Date.now();
    if (!this.listed || now - this.listed.at > ttl) {
      const clusters = this.options.clusters.list();
      this.listed = { at: now, clusters };
      // A failed listing is not kept: the next call asks again.
      clusters.catch(() => {
        if (this.listed?.clusters === clusters) this.listed = undefined;
      });
    }
    return this.listed.clusters;
  }

  /** The handle of a cluster already in use, by name. */
  existing(clusterName: string): ClusterHandle | undefined {
    return this.handles.get(clusterName)?.handle;
  }

  /** Every cluster in use. */
  inUse(): ClusterHandle[] {
    return [...this.handles.values()].map(entry => entry.handle);
  }

  private handleFor(cluster: ClusterConfig): ClusterHandle {
    const current = this.handles.get(cluster.name);
    if (current && isDeepStrictEqual(current.handle.cluster, cluster)) {
      return current.handle;
    }
    if (current) {
      this.close(cluster.name);
    }
    const connection =
      this.options.connect?.(cluster) ??
      new KubernetesClusterConnection(cluster);
    const cache = new ClusterCache({
      connection,
      tracking: this.options.tracking,
      onError: error => this.options.onError?.(cluster.name, error),
    });
    const comparator = new ApplicationComparator({
      connection,
      live: cache,
      tracking: this.options.tracking,
      settings: this.options.diffSettings,
      // One prediction per managed object: fewer than the cluster's managed
      // objects and every refresh pass asks the API server for all of them
      // again (20,000 dry runs for 1,000 apps of 20 objects).
      predictionCache: new PredictionCache({
        maxEntries: PREDICTIONS_PER_CLUSTER,
      }),
    });
    const handle: ClusterHandle = { cluster, connection, cache, comparator };
    const stopListening = cache.onChange(event =>
      this.options.onChange?.(cluster.name, event),
    );
    this.handles.set(cluster.name, { handle, stopListening });
    return handle;
  }

  private close(name: string): void {
    const entry = this.handles.get(name);
    if (!entry) return;
    this.handles.delete(name);
    entry.stopListening();
    entry.handle.cache.stop();
    entry.handle.connection.close();
  }

  /** Stops every cache and closes every connection. */
  stop(): void {
    for (const name of [...this.handles.keys()]) {
      this.close(name);
    }
  }
}
