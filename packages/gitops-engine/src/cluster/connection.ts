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

/**
 * How the server treats fields its schema does not know (`fieldValidation`):
 * `Strict` refuses the request, `Warn` drops them with a warning, `Ignore`
 * drops them silently. The server's default (`Warn`) when not given.
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Options every write takes. */
export interface WriteOptions {
  /** `driftless` by default. */
  fieldManager?: string;
  /** `dryRun=All`: the server runs admission and defaulting and answers with the result, but stores nothing. */
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
}

export interface ApplyOptions extends WriteOptions {
  /** Take over fields other managers own (`force=true`) instead of failing with a conflict. */
  force?: boolean;
}

/** `DeleteOptions.propagationPolicy`: what happens to the objects the deleted one owns. */
export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  /** The server's default for the kind when not given (Background for most). */
  propagationPolicy?: PropagationPolicy;
  /** Delete only the object with this uid and/or resourceVersion; a 409 Conflict otherwise. */
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

/** The body kinds of a PATCH (server-side apply has its own method, {@link ClusterConnection.apply}). */
export type PatchType = 'json' | 'merge' | 'strategic';

export interface PatchOptions {
  type: PatchType;
  fieldManager?: string;
  dryRun?: boolean;
  /** Patch the `status` subresource instead of the object (a 404 when the kind has none). */
  subresource?: 'status';
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
  /**
   * Creates an object (POST). With `metadata.generateName` and no name the
   * server picks the name; the created object is returned. A 409
   * AlreadyExists when the name is taken.
   */
  create(
    object: KubernetesObject,
    options?: WriteOptions,
  ): Promise<KubernetesObject>;
  /**
   * Replaces an existing object (PUT), as `kubectl replace`: when the object
   * carries no `metadata.resourceVersion`, the current one is read first, and
   * read again once if the object changed in between. A 404 when it does not
   * exist.
   */
  replace(
    object: KubernetesObject,
    options?: WriteOptions,
  ): Promise<KubernetesObject>;
  /**
   * Deletes an object. True when the server accepted the deletion (the object
   * may live on while finalizers or foreground deletion run), false when it
   * did not exist.
   */
  delete(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    options?: DeleteOptions,
  ): Promise<boolean>;
  /** Patches an object with a JSON, merge or strategic merge patch. */
  patch(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    options: PatchOptions,
  ): Promise<KubernetesObject>;

  /** Closes idle connections and open watches. */
  close(): void;
}
