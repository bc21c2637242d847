import type { Application } from '@driftless/gitops-engine';

/**
 * What the store's callers (controller, REST API) read and write. Timestamps
 * are UTC ISO 8601 strings; JSON documents are plain objects.
 */

/** An Application's identity: `metadata.namespace` and `metadata.name`. */
export interface ApplicationKey {
  namespace: string;
  name: string;
}

/**
 * Who manages an Application: `config` (a Git path in app-config), `api`,
 * `applicationset:<ns>/<name>`, or `app:<ns>/<name>` for the children of an
 * app of apps.
 */
export type ApplicationOrigin = string;

/** An Application's status as the controller last compared it (Argo CD's `status`, without `operationState` and `history`). */
export interface ApplicationStatusDocument {
  sync?: {
    status?: string;
    revision?: string;
    revisions?: string[];
    [field: string]: unknown;
  };
  health?: { status?: string; message?: string; [field: string]: unknown };
  reconciledAt?: string;
  [field: string]: unknown;
}

/** The stored status of one Application. */
export interface ApplicationStatusRecord extends ApplicationKey {
  /** `status.sync.status`, `Unknown` when the document has none. */
  syncStatus: string;
  /** `status.health.status`, `Unknown` when the document has none. */
  healthStatus: string;
  /** `status.sync.revision`, or `status.sync.revisions` joined by commas. */
  revision?: string;
  status: ApplicationStatusDocument;
  reconciledAt: string;
}

/** A stored Application. */
export interface ApplicationRecord extends ApplicationKey {
  /** `spec.project`, `default` when empty. */
  project: string;
  /** The Application object as it was last written (metadata and spec). */
  manifest: Application;
  origin: ApplicationOrigin;
  /** 1 when created, bumped by every write that changes `spec` (Argo CD's `metadata.generation`). */
  specGeneration: number;
  createdAt: string;
  updatedAt: string;
  /** Absent until the controller has saved a status once. */
  status?: ApplicationStatusRecord;
}

export interface UpsertApplicationInput {
  /** Its `metadata.namespace` and `metadata.name` are the key; the namespace must be set. */
  application: Application;
  origin: ApplicationOrigin;
  /** `create` refuses an existing app with a ConflictError; `upsert` (default) creates or replaces. */
  mode?: 'create' | 'upsert';
}

export interface UpsertApplicationResult {
  application: ApplicationRecord;
  created: boolean;
  /** Whether `spec` differs from what was stored (true on creation). */
  specChanged: boolean;
}

/**
 * Filters of {@link ListApplicationsOptions}. Fields combine with AND; a list
 * matches any of its values, and an empty list matches nothing (leave a field
 * out to not filter on it).
 */
export interface ApplicationListFilter {
  /** `metadata.namespace` of the Applications. */
  namespaces?: string[];
  /** Application names; an entry `ns/name` names one app in one namespace. */
  names?: string[];
  projects?: string[];
  origins?: ApplicationOrigin[];
  /**
   * The destination cluster: apps whose `spec.destination.name` is in `names`
   * or whose `spec.destination.server` is in `servers`. Pass both the name and
   * the URL of a cluster to find apps however they address it.
   */
  destinationCluster?: { names?: string[]; servers?: string[] };
  /** `spec.destination.namespace`. */
  destinationNamespaces?: string[];
  /** `Synced`, `OutOfSync`, `Unknown` (never-reconciled apps count as Unknown). */
  syncStatuses?: string[];
  /** `Healthy`, `Degraded`, … (never-reconciled apps count as Unknown). */
  healthStatuses?: string[];
  /** Source repositories, compared as Argo CD compares repoURLs (case, `.git`, scp-style). */
  repoURLs?: string[];
  /** A Kubernetes label selector on `metadata.labels` (`app=web,tier in (a,b),!beta`). */
  labelSelector?: string;
  /**
   * A catalog entity's link: apps named in `names` (same syntax as above) OR
   * matching any of `selectors`. Combines with the other filters by AND.
   */
  entity?: { names: string[]; selectors: string[] };
  /**
   * Apps linked to any of these catalog entities (for example all those a
   * team owns): each link as in `entity`, and within the link's `project`
   * when it names one. Combines with the other filters by AND; an empty list
   * matches nothing.
   */
  linkedToAny?: Array<{
    names: string[];
    selectors: string[];
    project?: string;
  }>;
  /** Apps whose name contains this text, ignoring case. */
  nameContains?: string;
}

export interface ListApplicationsOptions {
  filter?: ApplicationListFilter;
  /** Page size, 1 to {@link MAX_APPLICATION_PAGE_SIZE}; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Also count every match (one more query). */
  includeTotalCount?: boolean;
}

/** One page of Applications, ordered by namespace then name. */
export interface ApplicationPage {
  items: ApplicationRecord[];
  /** Present when more Applications follow; pass it as `cursor`. */
  nextCursor?: string;
  totalCount?: number;
}

export const DEFAULT_APPLICATION_PAGE_SIZE = 100;
export const MAX_APPLICATION_PAGE_SIZE = 1000;

export interface SaveApplicationStatusInput extends ApplicationKey {
  /** `operationState` and `history` are dropped: they live in their own tables. */
  status: ApplicationStatusDocument;
  /** Defaults to `status.reconciledAt`, else now. */
  reconciledAt?: string;
}

/** Argo CD's `operation`: what a user or the automated sync asked for. */
export interface ApplicationOperation {
  sync?: {
    revision?: string;
    revisions?: string[];
    prune?: boolean;
    dryRun?: boolean;
    syncOptions?: string[];
    resources?: Array<{
      group?: string;
      kind: string;
      name: string;
      namespace?: string;
    }>;
    syncStrategy?: { apply?: { force?: boolean }; hook?: { force?: boolean } };
    [field: string]: unknown;
  };
  initiatedBy?: { username?: string; automated?: boolean };
  retry?: {
    limit?: number;
    backoff?: { duration?: string; factor?: number; maxDuration?: string };
  };
  [field: string]: unknown;
}

/** The `operations.phase` values: Argo CD's operation phases. */
export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

/** Phases an operation ends in. */
export type FinishedOperationPhase = 'Succeeded' | 'Failed' | 'Error';

/** A stored operation. */
export interface OperationRecord extends ApplicationKey {
  id: string;
  operation: ApplicationOperation;
  /** Argo CD's `operationState` plus whatever the sync engine needs to resume; opaque to the store. */
  state: Record<string, unknown>;
  /** `Terminating` while a termination is requested and the operation has not finished. */
  phase: OperationPhase;
  /** The replica running it; absent until one claims it. */
  holder?: string;
  terminationRequested: boolean;
  createdAt: string;
  startedAt?: string;
  updatedAt: string;
  finishedAt?: string;
}

export interface CreateOperationInput extends ApplicationKey {
  operation: ApplicationOperation;
  /** Initial state; default `{}`. */
  state?: Record<string, unknown>;
  /** The replica that will run it right away (sets startedAt); leave out when another replica will claim it. */
  holder?: string;
}

export interface SaveOperationStateInput {
  id: string;
  /** Must be the operation's holder: a replica that lost it cannot overwrite the new holder's progress. */
  holder: string;
  state: Record<string, unknown>;
}

export interface FinishOperationInput {
  id: string;
  holder: string;
  state: Record<string, unknown>;
  phase: FinishedOperationPhase;
}

/** One entry of an Application's deployment history (Argo CD's `RevisionHistory`). */
export interface HistoryEntryRecord extends ApplicationKey {
  /** Increases with every entry; rollback names it. */
  id: number;
  revision?: string;
  revisions?: string[];
  source?: Record<string, unknown>;
  sources?: Array<Record<string, unknown>>;
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy: { username?: string; automated?: boolean };
  /** The sync's result phase. */
  phase?: string;
  /** A summary of the synced resources (group, kind, namespace, name, status). */
  resources?: Array<Record<string, unknown>>;
}

export interface AppendHistoryInput
  extends Omit<HistoryEntryRecord, 'id' | 'deployedAt'> {
  /** Default now. */
  deployedAt?: string;
  /** Entries kept for the app after this one is added (`spec.revisionHistoryLimit`, default 10; 0 keeps none). */
  limit?: number;
}

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** An event of an Application, shown in its event list (Kubernetes-event-like). */
export interface EventRecord extends ApplicationKey {
  id: number;
  createdAt: string;
  type: 'Normal' | 'Warning';
  /** A CamelCase reason such as `OperationStarted`, `ResourceUpdated`, `SyncError`. */
  reason: string;
  message: string;
  /** Who caused it, when a user did (a Backstage user entity ref). */
  actor?: string;
}

export interface AppendEventInput
  extends Omit<EventRecord, 'id' | 'createdAt'> {
  /** Default now. */
  createdAt?: string;
}

export interface ListEventsOptions extends ApplicationKey {
  /** Default 100, at most 1000. */
  limit?: number;
  /** Only events older than this id (the last id of the previous page). */
  beforeId?: number;
}

export interface PruneEventsOptions {
  /** Delete events created before this time. */
  olderThan?: string;
  /** Keep only this many newest events of each app. */
  keepPerApplication?: number;
}

/** A time-limited lock held by one replica. */
export interface LeaseRecord {
  /** `app:<namespace>/<name>`, `shard:<n>`, … */
  name: string;
  holder: string;
  /** When the current holder took it (kept across renewals). */
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
}

export interface LeaseInput {
  name: string;
  holder: string;
  /** How long the lease lasts from now; renew well before it ends. */
  ttlMs: number;
  /**
   * Now, on the caller's clock (default `new Date()`). Replicas compare
   * expiry on their own clocks, so the TTL must exceed the clock skew
   * between them by a wide margin (NTP keeps it to milliseconds).
   */
  now?: Date;
}

/** The Argo CD kinds besides Application that Driftless registers from Git. */
export type ArgoObjectKind = 'AppProject' | 'ApplicationSet';

/** An AppProject or ApplicationSet as written in Git (`argoproj.io/v1alpha1`). */
export interface ArgoObjectManifest {
  apiVersion: string;
  kind: ArgoObjectKind;
  metadata: {
    name: string;
    /** Set by the caller before storing (Driftless' default is `argocd`). */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A stored AppProject or ApplicationSet. */
export interface ArgoObjectRecord extends ApplicationKey {
  kind: ArgoObjectKind;
  manifest: ArgoObjectManifest;
  /** `config:<index>`, `api`, or `app:<ns>/<name>` for objects an app of apps registered. */
  origin: string;
  /** 1 when created, bumped by every write that changes the manifest. */
  generation: number;
  createdAt: string;
  updatedAt: string;
}

export interface UpsertArgoObjectInput {
  /** Its `metadata.namespace` and `metadata.name` are the key; the namespace must be set. */
  object: ArgoObjectManifest;
  origin: string;
}

export interface UpsertArgoObjectResult {
  record: ArgoObjectRecord;
  created: boolean;
  /** Whether the manifest or the origin differs from what was stored (true on creation). */
  changed: boolean;
}

export interface ListArgoObjectsOptions {
  kind: ArgoObjectKind;
  /** Only objects with one of these origins. */
  origins?: string[];
  namespaces?: string[];
}

export interface ArgoObjectKey extends ApplicationKey {
  kind: ArgoObjectKind;
}

/**
 * An ApplicationSet's status as the ApplicationSet controller last saved it
 * (Argo CD's ApplicationSetStatus: conditions, applicationStatus, resources;
 * plus Driftless fields). The store does not read it.
 */
export interface ApplicationSetStatusDocument {
  [field: string]: unknown;
}

/** The stored status of one ApplicationSet. */
export interface ApplicationSetStatusRecord extends ApplicationKey {
  status: ApplicationSetStatusDocument;
  /**
   * The applicationsSync policy the last reconcile applied (`sync`,
   * `create-update`, …): whether the set's Applications are deleted or kept
   * once the set itself is gone.
   */
  applicationsSync: string;
  reconciledAt: string;
}

export interface SaveApplicationSetStatusInput extends ApplicationKey {
  status: ApplicationSetStatusDocument;
  applicationsSync: string;
  /** Default now. */
  reconciledAt?: string;
}

/** An event of an ApplicationSet (generated apps created, updated, deleted; generation failures). */
export interface ApplicationSetEventRecord extends ApplicationKey {
  id: number;
  createdAt: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface AppendApplicationSetEventInput
  extends Omit<ApplicationSetEventRecord, 'id' | 'createdAt'> {
  /** Default now. */
  createdAt?: string;
  /** Keep only this many newest events of the set; default 500. */
  keep?: number;
}

export interface ListApplicationSetEventsOptions extends ApplicationKey {
  /** Default 100, at most 1000. */
  limit?: number;
  /** Only events older than this id (the last id of the previous page). */
  beforeId?: number;
}
