/**
 * Shapes of the `/api/gitops` REST API, shared by the backend plugin that
 * serves them and the frontend client that reads them.
 */

/**
 * One external binary the renderers shell out to, as the backend found it.
 *
 * @public
 */
export interface ExternalToolStatus {
  /** `kubectl`, `kustomize` or `helm`. */
  name: string;
  /** Absolute path of the binary that will run, when found. */
  path?: string;
  /** Version the binary reports, when it ran. */
  version?: string;
  /** Why the tool is not usable, when it is not. */
  error?: string;
}

/**
 * Response of `GET /api/gitops/health`.
 *
 * @public
 */
export interface GitOpsHealthResponse {
  /** `ok` when the plugin's database answers; `error` otherwise (served with HTTP 503). */
  status: 'ok' | 'error';
  database: {
    status: 'ok' | 'error';
    /** Number of Applications stored, when the database answered. */
    applications?: number;
    error?: string;
  };
  /** The binaries rendering depends on; a missing one does not fail the check. */
  tools: ExternalToolStatus[];
}

/**
 * A cluster Driftless can deploy to, without its credentials.
 *
 * @public
 */
export interface ClusterSummary {
  name: string;
  /** API server URL. */
  server: string;
  labels: Record<string, string>;
  /** How Driftless authenticates to the cluster (never the credential itself). */
  authProvider: string;
  /** Where the cluster definition came from: `config` or the id of a backend module. */
  source: string;
}

/**
 * Response of `GET /api/gitops/clusters`.
 *
 * @public
 */
export interface ListClustersResponse {
  items: ClusterSummary[];
}
