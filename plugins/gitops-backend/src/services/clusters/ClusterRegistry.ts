import { ConflictError, ForwardedError } from '@backstage/errors';
import type { ClusterConfig } from '@driftless/gitops-engine';
import type { GitOpsClusterSupplier } from '@driftless/backstage-plugin-gitops-node';

/** Source name of clusters read from `gitops.clusters` in app-config. */
export const CONFIG_SOURCE = 'config';

/** A cluster and where its definition came from. */
export interface RegisteredCluster {
  cluster: ClusterConfig;
  /** `config`, or the id a backend module registered its supplier under. */
  source: string;
}

/**
 * All clusters the plugin knows: those from app-config plus those backend
 * modules supply through the clusters extension point. Cluster names are
 * what Applications' `destination.name` refers to, so a name defined twice is
 * an error that names both sources rather than a silent pick.
 */
export class ClusterRegistry {
  constructor(
    private readonly configClusters: ClusterConfig[],
    private readonly suppliers: ReadonlyMap<string, GitOpsClusterSupplier>,
  ) {}

  async list(): Promise<RegisteredCluster[]> {
    const registered: RegisteredCluster[] = this.configClusters.map(
      cluster => ({
        cluster,
        source: CONFIG_SOURCE,
      }),
    );
    for (const [id, supplier] of this.suppliers) {
      let supplied: ClusterConfig[];
      try {
        supplied = await supplier.getClusters();
      } catch (error) {
        throw new ForwardedError(`Cluster supplier '${id}' failed`, error);
      }
      registered.push(...supplied.map(cluster => ({ cluster, source: id })));
    }

    const sourceByName = new Map<string, string>();
    for (const { cluster, source } of registered) {
      const previous = sourceByName.get(cluster.name);
      if (previous !== undefined) {
        throw new ConflictError(
          `Cluster name '${cluster.name}' is defined twice, by ${previous} and by ${source}; cluster names must be unique`,
        );
      }
      sourceByName.set(cluster.name, source);
    }
    return registered.sort((a, b) =>
      a.cluster.name.localeCompare(b.cluster.name),
    );
  }
}
