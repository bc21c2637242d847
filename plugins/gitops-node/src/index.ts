/**
 * Extension points of the Driftless GitOps backend plugin, for backend
 * modules that add clusters (and, as the plugin grows, renderers, health
 * checks and secret backends).
 *
 * @packageDocumentation
 */

export {
  gitopsClustersExtensionPoint,
  type GitOpsClustersExtensionPoint,
  type GitOpsClusterSupplier,
} from './extensions';
export type { ClusterAuth, ClusterConfig } from '@driftless/gitops-engine';
