export interface Config {
  /**
   * kube-sim, the Kubernetes API server test double, run inside the backend
   * as the local portal's cluster (`npm start`). A test double: production
   * config turns it off and points `gitops.clusters` at real clusters.
   */
  kubeSim?: {
    /** Start it with the backend. */
    enabled: boolean;
    /** Cluster name Applications use in `destination.name`; default `in-cluster`. */
    clusterName?: string;
    /** Port of its API server; default 0 (a free port; the kubeconfig says which). */
    port?: number;
    /** JSON file keeping the cluster's objects across restarts; in memory only when unset. */
    statePath?: string;
    /** Where to write a kubeconfig for `kubectl --kubeconfig <path>`. */
    kubeconfigPath?: string;
    /** Labels of the cluster, for the ApplicationSet clusters generator. */
    labels?: { [key: string]: string };
  };
}
