/**
 * Errors a {@link ClusterConnection} raises. Each names the cluster (by its
 * configured name and server URL) and, where there is one, the resource the
 * request was about; none ever carries a token, key or certificate.
 */
export class ClusterError extends Error {
  readonly cluster: string;

  constructor(message: string, cluster: string) {
    super(message);
    this.name = 'ClusterError';
    this.cluster = cluster;
  }
}

/** The cluster configuration cannot be turned into a client: a bad kubeconfig, context or certificate. */
export class ClusterConfigError extends ClusterError {
  constructor(message: string, cluster: string) {
    super(message, cluster);
    this.name = 'ClusterConfigError';
  }
}

/** No answer from the API server: connection refused, DNS, TLS or a timeout. */
export class ClusterUnreachableError extends ClusterError {
  constructor(message: string, cluster: string) {
    super(message, cluster);
    this.name = 'ClusterUnreachableError';
  }
}

/**
 * The API server answered with an error status. `code` is the HTTP status,
 * `reason` the Kubernetes Status reason (`Forbidden`, `NotFound`, `Conflict`,
 * `Invalid`, `Expired`, ...), `verb` and `resource` say what was asked.
 */
export class ClusterRequestError extends ClusterError {
  readonly code: number;
  readonly reason: string;
  readonly verb: string;
  readonly resource: string;
  /** The server's own message, as its Status said it. */
  readonly serverMessage: string;

  constructor(options: {
    message: string;
    cluster: string;
    code: number;
    reason: string;
    verb: string;
    resource: string;
    serverMessage: string;
  }) {
    super(options.message, options.cluster);
    this.name = 'ClusterRequestError';
    this.code = options.code;
    this.reason = options.reason;
    this.verb = options.verb;
    this.resource = options.resource;
    this.serverMessage = options.serverMessage;
  }
}

/**
 * A list or watch asked for a resourceVersion the server no longer keeps
 * (410 Gone / Expired, as after an etcd compaction): the caller must relist.
 */
export class ResourceExpiredError extends ClusterRequestError {
  constructor(options: ConstructorParameters<typeof ClusterRequestError>[0]) {
    super(options);
    this.name = 'ResourceExpiredError';
  }
}

/** The cluster does not serve this group/version/kind: a CRD that is not installed, or a removed API version. */
export class ResourceNotServedError extends ClusterError {
  readonly apiVersion: string;
  readonly kind: string;

  constructor(options: { cluster: string; apiVersion: string; kind: string }) {
    super(
      `cluster '${options.cluster}' does not serve ${options.apiVersion} ${options.kind}: install the CustomResourceDefinition that defines it, or use an apiVersion the cluster serves (kubectl api-resources lists them)`,
      options.cluster,
    );
    this.name = 'ResourceNotServedError';
    this.apiVersion = options.apiVersion;
    this.kind = options.kind;
  }
}
