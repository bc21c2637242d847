import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { rootCertificates } from 'node:tls';
import type { KubernetesObject } from '../render/types';
import {
  DRIFTLESS_FIELD_MANAGER,
  type ApiResource,
  type ApplyOptions,
  type ClusterConnection,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type PatchOptions,
  type WatchEventType,
  type WatchHandle,
  type WatchHandlers,
  type WatchOptions,
  type WriteOptions,
  apiVersionOf,
} from './connection';
import {
  type ApiGroupListDocument,
  type ApiResourceListDocument,
  DiscoveryIndex,
  parseApiVersion,
  resourcesOfGroupVersion,
} from './discovery';
import {
  ClusterConfigError,
  ClusterError,
  ClusterRequestError,
  ClusterUnreachableError,
  ResourceExpiredError,
  ResourceNotServedError,
} from './errors';
import { buildKubeConfig } from './kubeClientConfig';
import type { ClusterConfig } from './types';

export interface KubernetesClusterConnectionOptions {
  /** Time limit of one request (watches excepted); 30 s by default. */
  requestTimeoutMs?: number;
  /** How long a discovery result is used before it is fetched again; 10 minutes by default. */
  discoveryTtlMs?: number;
  /** Directory the in-cluster ServiceAccount files are read under (`/` by default); for tests and chroots. */
  inClusterRoot?: string;
  /** The User-Agent header; `driftless` by default. */
  userAgent?: string;
}

interface Response {
  status: number;
  body: string;
}

interface RequestDescription {
  /** A Kubernetes verb, for messages: `get`, `list`, `apply`, `dry-run apply`, `discover`. */
  verb: string;
  /** What the request is about, for messages: `Deployment web-dev/web (apps/v1)`. */
  resource: string;
}

interface TlsMaterial {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

const TLS_TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The server URL without any user info, safe for messages. */
function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server;
  }
}

function describeObject(
  resource: ApiResource,
  name: string,
  namespace?: string,
): string {
  return `${resource.kind} ${
    namespace ? `${namespace}/` : ''
  }${name} (${apiVersionOf(resource)})`;
}

function describeCollection(resource: ApiResource, namespace?: string): string {
  return `${resource.resource} (${apiVersionOf(resource)}) ${
    namespace ? `in namespace ${namespace}` : 'in all namespaces'
  }`;
}

interface StatusDocument {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

function parseStatus(body: string): StatusDocument {
  try {
    const parsed = JSON.parse(body) as StatusDocument;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return { message: body.slice(0, 500) };
  }
}

interface RequestSetup {
  headers: Record<string, string>;
  agent: http.Agent;
  watchAgent: http.Agent;
}

/** How long prepared credentials and agent serve requests before they are prepared again. */
const CREDENTIALS_REUSE_MS = 5_000;

/** One open watch request; ends once, by the server, an error or `stop()`. */
class WatchStream implements WatchHandle {
  closed = false;
  request?: http.ClientRequest;
  private stopped = false;

  constructor(
    private readonly handlers: WatchHandlers,
    private readonly onDone: (stream: WatchStream) => void,
  ) {}

  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onDone(this);
    this.request?.destroy();
    if (!this.stopped) this.handlers.onClose(error);
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }
}

/**
 * {@link ClusterConnection} over the Kubernetes REST API. client-node's
 * KubeConfig supplies credentials and TLS settings for every auth provider;
 * requests go over one keep-alive agent per connection because client-node's
 * own clients build a new agent, and so a new TLS handshake, for every call,
 * which would dominate the cost of a diff (one dry-run apply per object).
 */
export class KubernetesClusterConnection implements ClusterConnection {
  readonly clusterName: string;
  readonly server: string;

  private readonly kubeConfig: KubeConfig;
  private readonly requestTimeoutMs: number;
  private readonly discoveryTtlMs: number;
  private readonly userAgent: string;
  private readonly extraCa?: string;
  private readonly useSystemCa: boolean;
  private agent?: http.Agent;
  private watchAgent?: http.Agent;
  private agentKey?: string;
  private discovery?: { index: DiscoveryIndex; fetchedAt: number };
  private discovering?: Promise<DiscoveryIndex>;
  private readonly openWatches = new Set<WatchHandle>();
  private setup?: { value: Promise<RequestSetup>; preparedAt: number };

  constructor(
    cluster: ClusterConfig,
    options: KubernetesClusterConnectionOptions = {},
  ) {
    this.clusterName = cluster.name;
    this.kubeConfig = buildKubeConfig(cluster, {
      inClusterRoot: options.inClusterRoot,
    });
    const current = this.kubeConfig.getCurrentCluster();
    this.server = (
      cluster.auth.provider === 'kubeconfig' ||
      cluster.auth.provider === 'inCluster'
        ? current!.server
        : cluster.server
    ).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(this.server)) {
      throw new ClusterConfigError(
        `cluster '${cluster.name}': server ${JSON.stringify(
          displayServer(this.server),
        )} is not an http(s) URL`,
        cluster.name,
      );
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.discoveryTtlMs = options.discoveryTtlMs ?? 10 * 60_000;
    this.userAgent = options.userAgent ?? 'driftless';
    this.extraCa = cluster.caData;
    // A kubeconfig's or pod's CA replaces the system trust store, as kubectl
    // does; a CA given beside a token or certificate is added to it.
    this.useSystemCa =
      cluster.auth.provider === 'serviceAccount' ||
      cluster.auth.provider === 'clientCertificate';
  }

  // ---------------------------------------------------------------- transport

  /**
   * Credentials and agent for the next request. Preparing them reads the
   * kubeconfig's credentials (token files, client certificates, exec
   * plugins) and keys the agent by the TLS material, which cost more than
   * the request itself at thousands of requests per second; they are reused
   * for {@link CREDENTIALS_REUSE_MS}, so rotated credentials are picked up
   * within seconds (client-go re-reads token files once a minute).
   */
  private requestOptions(): Promise<RequestSetup> {
    const now = Date.now();
    if (this.setup && now - this.setup.preparedAt < CREDENTIALS_REUSE_MS)
      return this.setup.value;
    const value = this.prepareRequestOptions();
    this.setup = { value, preparedAt: now };
    value.catch(() => {
      if (this.setup?.value === value) this.setup = undefined;
    });
    return value;
  }

  private async prepareRequestOptions(): Promise<RequestSetup> {
    const options: https.RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(options);
    } catch (error) {
      throw new ClusterConfigError(
        `cluster '${this.clusterName}': cannot prepare credentials: ${
          (error as Error).message
        }`,
        this.clusterName,
      );
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (typeof value === 'string' || typeof value === 'number')
        headers[key] = String(value);
    }
    if (options.auth) {
      headers.Authorization = `Basic ${Buffer.from(options.auth).toString(
        'base64',
      )}`;
    }
    headers['User-Agent'] = this.userAgent;
    const agent = this.agentFor(options);
    return { headers, agent, watchAgent: this.watchAgent! };
  }

  /** The keep-alive agent for the current TLS material, rebuilt only when it changes (a rotated client certificate). */
  private agentFor(options: https.RequestOptions): http.Agent {
    const tls: TlsMaterial = {
      cert: options.cert as TlsMaterial['cert'],
      key: options.key as TlsMaterial['key'],
      rejectUnauthorized: options.rejectUnauthorized,
      servername: options.servername,
    };
    const cas: Array<string | Buffer> = [];
    if (options.ca) cas.push(...[options.ca as string | Buffer].flat());
    if (this.extraCa) cas.push(this.extraCa);
    if (cas.length > 0)
      tls.ca = this.useSystemCa ? [...rootCertificates, ...cas] : cas;
    const key = JSON.stringify([
      String(tls.cert ?? ''),
      String(tls.key ?? ''),
      cas.map(String),
      tls.rejectUnauthorized,
      tls.servername,
    ]);
    if (!this.agent || this.agentKey !== key) {
      this.agent?.destroy();
      const agentOptions = {
        keepAlive: true,
        maxSockets: 32,
        ...tls,
      };
      this.agent = this.server.startsWith('https:')
        ? new https.Agent(agentOptions)
        : new http.Agent({ keepAlive: true, maxSockets: 32 });
      // Watches hold their socket for minutes: in the pool of short
      // requests, 32 of them would leave no socket for anything else.
      this.watchAgent?.destroy();
      this.watchAgent = this.server.startsWith('https:')
        ? new https.Agent({ ...tls })
        : new http.Agent();
      this.agentKey = key;
    }
    return this.agent;
  }

  private url(path: string, query?: Record<string, string | undefined>): URL {
    const url = new URL(`${this.server}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url;
  }

  private unreachable(
    error: NodeJS.ErrnoException,
    what: RequestDescription,
  ): ClusterUnreachableError {
    const code = error.code ?? '';
    const server = displayServer(this.server);
    if (TLS_TRUST_ERRORS.has(code)) {
      return new ClusterUnreachableError(
        `cluster '${this.clusterName}' (${server}): cannot ${what.verb} ${what.resource}: the server's TLS certificate is not trusted (${code}: ${error.message}); set caData to the cluster's CA certificate, or skipTLSVerify for a throwaway cluster`,
        this.clusterName,
      );
    }
    return new ClusterUnreachableError(
      `cluster '${this.clusterName}' (${server}) is unreachable: cannot ${
        what.verb
      } ${what.resource}: ${code ? `${code}: ` : ''}${
        error.message
      }; check the server URL and that the API server is running and reachable from here`,
      this.clusterName,
    );
  }

  /** The error for a non-2xx answer; never includes request headers. */
  private requestError(
    status: number,
    body: string,
    what: RequestDescription,
  ): ClusterRequestError {
    const document = parseStatus(body);
    const reason = document.reason ?? http.STATUS_CODES[status] ?? 'Unknown';
    const serverMessage = document.message ?? '';
    const prefix = `cluster '${this.clusterName}'`;
    // Rejected credentials may have been rotated: prepare them afresh next time.
    if (status === 401) this.setup = undefined;
    let message: string;
    switch (status) {
      case 401:
        message = `${prefix} rejected the credentials (401 Unauthorized) to ${what.verb} ${what.resource}; check the token or client certificate configured for the cluster`;
        break;
      case 403:
        message = `${prefix} forbids ${what.verb} ${
          what.resource
        } (403 Forbidden)${
          serverMessage ? `: ${serverMessage}` : ''
        }; grant the credentials' user or ServiceAccount RBAC permission for it`;
        break;
      default:
        message = `${prefix}: ${what.verb} ${
          what.resource
        } failed with ${status} ${reason}${
          serverMessage ? `: ${serverMessage}` : ''
        }`;
    }
    const options = {
      message,
      cluster: this.clusterName,
      code: status,
      reason,
      verb: what.verb,
      resource: what.resource,
      serverMessage,
    };
    return status === 410
      ? new ResourceExpiredError(options)
      : new ClusterRequestError(options);
  }

  private async send(
    method: string,
    url: URL,
    what: RequestDescription,
    body?: { text: string; contentType: string },
  ): Promise<Response> {
    const setup = await this.requestOptions();
    const { agent } = setup;
    // The prepared headers are shared by concurrent requests: never mutate them.
    const headers: Record<string, string> = {
      ...setup.headers,
      Accept: 'application/json',
    };
    if (body) {
      headers['Content-Type'] = body.contentType;
      headers['Content-Length'] = String(Buffer.byteLength(body.text));
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(
        url,
        { method, headers, agent, timeout: this.requestTimeoutMs },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', error =>
            reject(this.unreachable(error as NodeJS.ErrnoException, what)),
          );
        },
      );
      request.on('timeout', () => {
        request.destroy(
          Object.assign(
            new Error(`no answer within ${this.requestTimeoutMs} ms`),
            { code: 'ETIMEDOUT' },
          ),
        );
      });
      request.on('error', error =>
        reject(this.unreachable(error as NodeJS.ErrnoException, what)),
      );
      request.end(body?.text);
    });
  }

  private async json<T>(
    method: string,
    url: URL,
    what: RequestDescription,
    body?: { text: string; contentType: string },
  ): Promise<T> {
    const response = await this.send(method, url, what, body);
    if (response.status < 200 || response.status >= 300) {
      throw this.requestError(response.status, response.body, what);
    }
    try {
      return JSON.parse(response.body) as T;
    } catch (error) {
      throw new ClusterError(
        `cluster '${this.clusterName}': ${what.verb} ${
          what.resource
        } answered with a body that is not JSON (${
          (error as Error).message
        }); is ${displayServer(this.server)} a Kubernetes API server?`,
        this.clusterName,
      );
    }
  }

  // ---------------------------------------------------------------- discovery

  async discover(options: { refresh?: boolean } = {}): Promise<ApiResource[]> {
    return (await this.discoveryIndex(options.refresh)).resources;
  }

  private async discoveryIndex(refresh = false): Promise<DiscoveryIndex> {
    const fresh =
      this.discovery &&
      Date.now() - this.discovery.fetchedAt < this.discoveryTtlMs;
    if (this.discovery && fresh && !refresh) return this.discovery.index;
    if (!this.discovering) {
      this.discovering = this.fetchDiscovery()
        .then(index => {
          this.discovery = { index, fetchedAt: Date.now() };
          return index;
        })
        .finally(() => {
          this.discovering = undefined;
        });
    }
    return this.discovering;
  }

  private async fetchDiscovery(): Promise<DiscoveryIndex> {
    const what = (path: string) => ({
      verb: 'discover',
      resource: `the API (${path})`,
    });
    const [core, groups] = await Promise.all([
      this.json<ApiResourceListDocument>(
        'GET',
        this.url('/api/v1'),
        what('/api/v1'),
      ),
      this.json<ApiGroupListDocument>('GET', this.url('/apis'), what('/apis')),
    ]);
    const resources = resourcesOfGroupVersion('', 'v1', true, core);
    const groupVersions: Array<{
      group: string;
      version: string;
      preferred: boolean;
    }> = [];
    for (const group of groups.groups ?? []) {
      if (!group.name) continue;
      for (const version of group.versions ?? []) {
        if (!version.version) continue;
        groupVersions.push({
          group: group.name,
          version: version.version,
          preferred: group.preferredVersion?.version === version.version,
        });
      }
    }
    const lists = await Promise.all(
      groupVersions.map(async ({ group, version, preferred }) => {
        const path = `/apis/${group}/${version}`;
        try {
          const list = await this.json<ApiResourceListDocument>(
            'GET',
            this.url(path),
            what(path),
          );
          return resourcesOfGroupVersion(group, version, preferred, list);
        } catch (error) {
          // An aggregated API that is down (metrics-server, say) must not
          // make every other type unusable; kubectl skips it the same way.
          if (
            error instanceof ClusterRequestError &&
            error.code >= 500 &&
            error.code !== 501
          ) {
            return [];
          }
          throw error;
        }
      }),
    );
    for (const list of lists) resources.push(...list);
    return new DiscoveryIndex(resources);
  }

  /**
   * An unknown kind may be a CRD installed a moment ago, so a miss refreshes
   * discovery; at most once a second, so a manifest with a kind the cluster
   * never serves does not turn every lookup into a full discovery.
   */
  private mayRefreshDiscovery(): boolean {
    return !this.discovery || Date.now() - this.discovery.fetchedAt >= 1_000;
  }

  async findResource(apiVersion: string, kind: string): Promise<ApiResource> {
    const { group, version } = parseApiVersion(apiVersion);
    let found = (await this.discoveryIndex()).find(group, version, kind);
    if (!found && this.mayRefreshDiscovery()) {
      found = (await this.discoveryIndex(true)).find(group, version, kind);
    }
    if (!found) {
      throw new ResourceNotServedError({
        cluster: this.clusterName,
        apiVersion,
        kind,
      });
    }
    return found;
  }

  async findPreferredResource(
    group: string,
    kind: string,
  ): Promise<ApiResource> {
    let found = (await this.discoveryIndex()).findPreferred(group, kind);
    if (!found && this.mayRefreshDiscovery()) {
      found = (await this.discoveryIndex(true)).findPreferred(group, kind);
    }
    if (!found) {
      throw new ResourceNotServedError({
        cluster: this.clusterName,
        apiVersion: group ? `${group}/*` : 'v1',
        kind,
      });
    }
    return found;
  }

  // ---------------------------------------------------------------- paths

  private collectionPath(resource: ApiResource, namespace?: string): string {
    const base = resource.group
      ? `/apis/${resource.group}/${resource.version}`
      : `/api/${resource.version}`;
    const scope =
      resource.namespaced && namespace
        ? `/namespaces/${encodeURIComponent(namespace)}`
        : '';
    return `${base}${scope}/${resource.resource}`;
  }

  private objectPath(
    resource: ApiResource,
    name: string,
    namespace?: string,
  ): string {
    return `${this.collectionPath(resource, namespace)}/${encodeURIComponent(
      name,
    )}`;
  }

  /** Typed lists leave apiVersion and kind out of their items; put them back. */
  private withTypeMeta(
    resource: ApiResource,
    object: KubernetesObject,
  ): KubernetesObject {
    if (object.apiVersion && object.kind) return object;
    return {
      ...object,
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
    };
  }

  // ---------------------------------------------------------------- reads

  async get(
    resource: ApiResource,
    name: string,
    namespace?: string,
  ): Promise<KubernetesObject | undefined> {
    const what = {
      verb: 'get',
      resource: describeObject(resource, name, namespace),
    };
    const response = await this.send(
      'GET',
      this.url(this.objectPath(resource, name, namespace)),
      what,
    );
    if (response.status === 404) return undefined;
    if (response.status < 200 || response.status >= 300) {
      throw this.requestError(response.status, response.body, what);
    }
    return this.withTypeMeta(resource, JSON.parse(response.body));
  }

  async list(
    resource: ApiResource,
    options: ListOptions = {},
  ): Promise<ListResult> {
    const what = {
      verb: 'list',
      resource: describeCollection(resource, options.namespace),
    };
    const pageSize = options.pageSize ?? 500;
    const collect = async (paged: boolean): Promise<ListResult> => {
      const items: KubernetesObject[] = [];
      let resourceVersion = '';
      let continueToken: string | undefined;
      do {
        const page = await this.json<{
          metadata?: { resourceVersion?: string; continue?: string };
          items?: KubernetesObject[];
        }>(
          'GET',
          this.url(this.collectionPath(resource, options.namespace), {
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            limit: paged ? String(pageSize) : undefined,
            continue: continueToken,
          }),
          what,
        );
        for (const item of page.items ?? [])
          items.push(this.withTypeMeta(resource, item));
        // Every page of a paged list is read at the first page's resourceVersion.
        if (!resourceVersion)
          resourceVersion = page.metadata?.resourceVersion ?? '';
        continueToken = page.metadata?.continue || undefined;
      } while (paged && continueToken);
      return { items, resourceVersion };
    };
    try {
      return await collect(true);
    } catch (error) {
      // The continue token outlived the server's history: one unpaged list, as client-go's pager does.
      if (error instanceof ResourceExpiredError) return collect(false);
      throw error;
    }
  }

  watch(
    resource: ApiResource,
    options: WatchOptions,
    handlers: WatchHandlers,
  ): WatchHandle {
    const what = {
      verb: 'watch',
      resource: describeCollection(resource, options.namespace),
    };
    const stream = new WatchStream(handlers, done =>
      this.openWatches.delete(done),
    );
    this.openWatches.add(stream);
    const close = (error?: Error) => stream.close(error);
    const timeoutSeconds = options.timeoutSeconds ?? 300;
    const url = this.url(this.collectionPath(resource, options.namespace), {
      watch: 'true',
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: String(timeoutSeconds),
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    this.requestOptions().then(
      setup => {
        if (stream.closed) return;
        const agent = setup.watchAgent;
        const headers = { ...setup.headers, Accept: 'application/json' };
        const transport = url.protocol === 'https:' ? https : http;
        const request = transport.request(url, { headers, agent }, response => {
          if (response.statusCode !== 200) {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              close(
                this.requestError(
                  response.statusCode ?? 0,
                  Buffer.concat(chunks).toString('utf8'),
                  what,
                ),
              ),
            );
            return;
          }
          const lines = createInterface({ input: response });
          lines.on('error', error =>
            close(this.unreachable(error as NodeJS.ErrnoException, what)),
          );
          lines.on('line', line => {
            if (stream.closed || !line.trim()) return;
            let event: { type?: string; object?: unknown };
            try {
              event = JSON.parse(line);
            } catch {
              close(
                new ClusterError(
                  `cluster '${this.clusterName}': watch ${what.resource} sent a line that is not JSON`,
                  this.clusterName,
                ),
              );
              return;
            }
            if (event.type === 'ERROR') {
              const status = (event.object ?? {}) as StatusDocument;
              close(
                this.requestError(
                  status.code ?? 500,
                  JSON.stringify(status),
                  what,
                ),
              );
              return;
            }
            if (
              event.type === 'ADDED' ||
              event.type === 'MODIFIED' ||
              event.type === 'DELETED' ||
              event.type === 'BOOKMARK'
            ) {
              handlers.onEvent(
                event.type as WatchEventType,
                this.withTypeMeta(resource, event.object as KubernetesObject),
              );
            }
          });
          response.on('end', () => close());
          response.on('close', () => close());
          response.on('error', error =>
            close(this.unreachable(error as NodeJS.ErrnoException, what)),
          );
        });
        stream.request = request;
        // The server ends the watch after timeoutSeconds; silence well past
        // that means the connection died without a FIN.
        request.setTimeout((timeoutSeconds + 60) * 1000, () =>
          request.destroy(
            Object.assign(new Error('the watch went silent'), {
              code: 'ETIMEDOUT',
            }),
          ),
        );
        request.on('error', error =>
          close(this.unreachable(error as NodeJS.ErrnoException, what)),
        );
        request.end();
      },
      error => close(error as Error),
    );
    return stream;
  }

  // ---------------------------------------------------------------- writes

  /**
   * The type, name, namespace and body of an object to write: a namespaced
   * object must have a namespace, a cluster-scoped one loses any it has.
   */
  private async writeTarget(
    object: KubernetesObject,
    verb: string,
    options: { allowGenerateName?: boolean } = {},
  ): Promise<{
    resource: ApiResource;
    name: string;
    namespace?: string;
    body: KubernetesObject;
  }> {
    const resource = await this.findResource(object.apiVersion, object.kind);
    const name = object.metadata?.name ?? '';
    const namespace = resource.namespaced
      ? object.metadata?.namespace
      : undefined;
    if (
      !name &&
      !(options.allowGenerateName && object.metadata?.generateName)
    ) {
      throw new ClusterError(
        `cluster '${this.clusterName}': cannot ${verb} a ${
          object.kind
        } without metadata.name${
          options.allowGenerateName ? ' or metadata.generateName' : ''
        }`,
        this.clusterName,
      );
    }
    if (resource.namespaced && !namespace) {
      throw new ClusterError(
        `cluster '${this.clusterName}': cannot ${verb} ${object.kind} ${
          name || object.metadata.generateName
        }: it is namespaced and has no metadata.namespace`,
        this.clusterName,
      );
    }
    const body =
      !resource.namespaced && object.metadata.namespace !== undefined
        ? {
            ...object,
            metadata: { ...object.metadata, namespace: undefined },
          }
        : object;
    return { resource, name, namespace, body };
  }

  private writeQuery(
    options: WriteOptions,
  ): Record<string, string | undefined> {
    return {
      fieldManager: options.fieldManager ?? DRIFTLESS_FIELD_MANAGER,
      dryRun: options.dryRun ? 'All' : undefined,
      fieldValidation: options.fieldValidation,
    };
  }

  async apply(
    object: KubernetesObject,
    options: ApplyOptions = {},
  ): Promise<KubernetesObject> {
    const verb = options.dryRun ? 'dry-run apply' : 'apply';
    const { resource, name, namespace, body } = await this.writeTarget(
      object,
      verb,
    );
    const result = await this.json<KubernetesObject>(
      'PATCH',
      this.url(this.objectPath(resource, name, namespace), {
        ...this.writeQuery(options),
        force: options.force ? 'true' : undefined,
      }),
      { verb, resource: describeObject(resource, name, namespace) },
      {
        text: JSON.stringify(body),
        contentType: 'application/apply-patch+yaml',
      },
    );
    return this.withTypeMeta(resource, result);
  }

  async create(
    object: KubernetesObject,
    options: WriteOptions = {},
  ): Promise<KubernetesObject> {
    const verb = options.dryRun ? 'dry-run create' : 'create';
    const { resource, name, namespace, body } = await this.writeTarget(
      object,
      verb,
      { allowGenerateName: true },
    );
    const result = await this.json<KubernetesObject>(
      'POST',
      this.url(
        this.collectionPath(resource, namespace),
        this.writeQuery(options),
      ),
      {
        verb,
        resource: describeObject(
          resource,
          name || `${object.metadata.generateName}*`,
          namespace,
        ),
      },
      { text: JSON.stringify(body), contentType: 'application/json' },
    );
    return this.withTypeMeta(resource, result);
  }

  async replace(
    object: KubernetesObject,
    options: WriteOptions = {},
  ): Promise<KubernetesObject> {
    const verb = options.dryRun ? 'dry-run replace' : 'replace';
    const { resource, name, namespace, body } = await this.writeTarget(
      object,
      verb,
    );
    const what = { verb, resource: describeObject(resource, name, namespace) };
    const put = async (resourceVersion?: string) =>
      this.json<KubernetesObject>(
        'PUT',
        this.url(
          this.objectPath(resource, name, namespace),
          this.writeQuery(options),
        ),
        what,
        {
          text: JSON.stringify(
            resourceVersion === undefined
              ? body
              : { ...body, metadata: { ...body.metadata, resourceVersion } },
          ),
          contentType: 'application/json',
        },
      );
    if (body.metadata.resourceVersion) {
      return this.withTypeMeta(resource, await put());
    }
    // As `kubectl replace`: the current resourceVersion makes the PUT
    // conditional on what was read; one more read if it changed meanwhile.
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(resource, name, namespace);
      if (!current) {
        throw this.requestError(
          404,
          JSON.stringify({
            reason: 'NotFound',
            message: `${resource.resource} "${name}" not found`,
          }),
          what,
        );
      }
      try {
        return this.withTypeMeta(
          resource,
          await put(String(current.metadata.resourceVersion ?? '')),
        );
      } catch (error) {
        if (
          attempt < 2 &&
          error instanceof ClusterRequestError &&
          error.code === 409
        )
          continue;
        throw error;
      }
    }
  }

  async delete(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    options: DeleteOptions = {},
  ): Promise<boolean> {
    const scopedNamespace = resource.namespaced ? namespace : undefined;
    const what = {
      verb: options.dryRun ? 'dry-run delete' : 'delete',
      resource: describeObject(resource, name, scopedNamespace),
    };
    const deleteOptions = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy,
      preconditions: options.preconditions,
      gracePeriodSeconds: options.gracePeriodSeconds,
      dryRun: options.dryRun ? ['All'] : undefined,
    };
    const response = await this.send(
      'DELETE',
      this.url(this.objectPath(resource, name, scopedNamespace)),
      what,
      { text: JSON.stringify(deleteOptions), contentType: 'application/json' },
    );
    if (response.status === 404) return false;
    if (response.status < 200 || response.status >= 300) {
      throw this.requestError(response.status, response.body, what);
    }
    return true;
  }

  async patch(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    options: PatchOptions,
  ): Promise<KubernetesObject> {
    const scopedNamespace = resource.namespaced ? namespace : undefined;
    const verb = options.dryRun ? 'dry-run patch' : 'patch';
    const contentType = {
      json: 'application/json-patch+json',
      merge: 'application/merge-patch+json',
      strategic: 'application/strategic-merge-patch+json',
    }[options.type];
    const result = await this.json<KubernetesObject>(
      'PATCH',
      this.url(
        `${this.objectPath(resource, name, scopedNamespace)}${
          options.subresource ? `/${options.subresource}` : ''
        }`,
        {
          fieldManager: options.fieldManager ?? DRIFTLESS_FIELD_MANAGER,
          dryRun: options.dryRun ? 'All' : undefined,
        },
      ),
      { verb, resource: describeObject(resource, name, scopedNamespace) },
      { text: JSON.stringify(patch), contentType },
    );
    return this.withTypeMeta(resource, result);
  }

  close(): void {
    for (const watch of [...this.openWatches]) watch.stop();
    this.agent?.destroy();
    this.agent = undefined;
    this.watchAgent?.destroy();
    this.watchAgent = undefined;
    this.setup = undefined;
  }
}
