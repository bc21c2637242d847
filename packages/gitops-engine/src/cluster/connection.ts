import type { KubernetesObject } from '../render/types';

/** The field manager Driftless applies (and dry-run applies) with. */
export const DRIFTLESS_FIELD_MANAGER = 'driftless';

/** One resource type the API server serves, as discovery describes it. */
export interface ApiResource {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The plural name used in URLs, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  /** Verbs the server allows, e.g. `get`, `list`, `watch`, `patch`. */
  verbs: string[];
  /** Whether `version` is the group's preferred version. */
  preferredVersion: boolean;
}

/** `apiVersion` as written in manifests: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(resource: {
  group: string;
  version: string;
}): string {
  return resource.group
    ? `${resource.group}/${resource.version}`
    : resource.version;
}

export interface ListOptions {
  /** Only this namespace; all namespaces when omitted. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per page; 500 by default (Argo CD's page size). */
  pageSize?: number;
}

/** A complete list of one resource type, with the resourceVersion to watch from. */
export interface ListResult {
  items: KubernetesObject[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchOptions {
  namespace?: string;
  /** Watch changes after this resourceVersion (the list's, or the last event's). */
  resourceVersion: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Ask for BOOKMARK events, which carry a newer resourceVersion to resume from. */
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long; the caller resumes from the last resourceVersion. */
  timeoutSeconds?: number;
}

export interface WatchHandlers {
  onEvent(type: WatchEventType, object: KubernetesObject): void;
  /**
   * The watch ended: without an error when the server closed it (a timeout or
   * a dropped stream: resume from the last resourceVersion), with a
   * {@link ResourceExpiredError} when that resourceVersion is too old (relist),
   * or with another error. Not called after `stop()`.
   */
  onClose(error?: Error): void;
}

export interface WatchHandle {
  stop(): void;
}

export interface ApplyOptions {
  /** `driftless` by default. */
  fieldManager?: string;
  /** Take over fields other managers own (`force=true`) instead of failing with a conflict. */
  force?: boolean;
  /** `dryRun=All`: the server runs admission and defaulting and answers with the result, but stores nothing. */
  dryRun?: boolean;
}

/**
 * The engine's port to one Kubernetes cluster: discovery, reads, watches and
 * server-side apply. The backend plugin and the CLI use
 * {@link KubernetesClusterConnection}; every error it raises is a
 * {@link ClusterError} naming the cluster and the resource.
 */
export interface ClusterConnection {
  /** The configured cluster name, used in every error. */
  readonly clusterName: string;
  /** The API server URL requests go to. */
  readonly server: string;

  /**
   * Every resource type the cluster serves (subresources excluded), from a
   * cached discovery; `refresh` asks the server again.
   */
  discover(options?: { refresh?: boolean }): Promise<ApiResource[]>;
  /**
   * The resource type for an apiVersion and kind. Refreshes discovery once
   * when the kind is unknown (a CRD installed since), then throws
   * {@link ResourceNotServedError}.
   */
  findResource(apiVersion: string, kind: string): Promise<ApiResource>;
  /** The type in the group's preferred version (falling back to any served version). */
  findPreferredResource(group: string, kind: string): Promise<ApiResource>;

  /** One object; undefined when it does not exist. */
  get(
    resource: ApiResource,
    name: string,
    namespace?: string,
  ): Promise<KubernetesObject | undefined>;
  /** All objects of a type, page by page, with the resourceVersion of the list. */
  list(resource: ApiResource, options?: ListOptions): Promise<ListResult>;
  /** Streams changes; see {@link WatchHandlers} for how it ends. */
  watch(
    resource: ApiResource,
    options: WatchOptions,
    handlers: WatchHandlers,
  ): WatchHandle;
  /** Server-side apply of a whole object (field manager `driftless` unless given). */
  apply(
    object: KubernetesObject,
    options?: ApplyOptions,
  ): Promise<KubernetesObject>;

  /** Closes idle connections and open watches. */
  close(): void;
}
