/**
 * How Driftless authenticates to a cluster's API server. The credential
 * values are secrets: they are never logged, stored or returned by an API.
 */
export type ClusterAuth =
  /** A bearer token, typically a ServiceAccount token. */
  | { provider: 'serviceAccount'; token: string }
  /** A client certificate and key, PEM-encoded. */
  | { provider: 'clientCertificate'; certData: string; keyData: string }
  /** A kubeconfig file, with the context to use (its current context by default). */
  | { provider: 'kubeconfig'; path: string; context?: string }
  /** The pod's own ServiceAccount, when the backend runs inside the cluster. */
  | { provider: 'inCluster' };

/** A cluster Driftless deploys to, the Argo CD "cluster secret" equivalent. */
export interface ClusterConfig {
  /** Unique name; Applications refer to it by `destination.name`. */
  name: string;
  /** API server URL; Applications refer to it by `destination.server`. */
  server: string;
  /** Labels that the ApplicationSet clusters generator selects on. */
  labels: Record<string, string>;
  auth: ClusterAuth;
  /** PEM CA bundle to trust for this API server, in addition to the system's. */
  caData?: string;
  /** Accept any server certificate. Only for throwaway clusters. */
  skipTLSVerify?: boolean;
}

/** Argo CD's name and URL for the cluster the controller itself runs in. */
export const IN_CLUSTER_NAME = 'in-cluster';
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
