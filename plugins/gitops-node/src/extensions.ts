import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ClusterConfig } from '@driftless/gitops-engine';

/**
 * Supplies clusters in addition to those in `gitops.clusters` config, for
 * example from a cloud provider's API or a local test cluster.
 *
 * @public
 */
export interface GitOpsClusterSupplier {
  /**
   * Called at startup and whenever clusters are listed; return the current
   * set. Names must not clash with other clusters'.
   */
  getClusters(): Promise<ClusterConfig[]>;
}

/**
 * Lets backend modules add clusters to the GitOps backend plugin.
 *
 * @public
 */
export interface GitOpsClustersExtensionPoint {
  /**
   * @param id - Identifies the supplier in API responses and error messages,
   *   usually the module's id.
   */
  addClusterSupplier(id: string, supplier: GitOpsClusterSupplier): void;
}

/**
 * Extension point for {@link GitOpsClustersExtensionPoint}.
 *
 * @public
 */
export const gitopsClustersExtensionPoint =
  createExtensionPoint<GitOpsClustersExtensionPoint>({
    id: 'gitops.clusters',
  });
