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

/*
 * Applications, as `/api/gitops/applications` returns them: Argo CD's JSON
 * shapes (`argoproj.io/v1alpha1` Application, ApplicationTree, ResourceDiff,
 * ResourceAction), so code written against Argo CD's API reads them as is.
 * Fields marked "Driftless" are additions Argo CD does not have.
 */

/**
 * `status.sync.status`, and the sync status of one resource.
 *
 * @public
 */
export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

/**
 * Every {@link SyncStatusCode}, for validating filters.
 *
 * @public
 */
export const SYNC_STATUS_CODES: readonly SyncStatusCode[] = [
  'Synced',
  'OutOfSync',
  'Unknown',
];

/**
 * `status.health.status`, and the health of one resource.
 *
 * @public
 */
export type HealthStatusCode =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

/**
 * Every {@link HealthStatusCode}, for validating filters.
 *
 * @public
 */
export const HEALTH_STATUS_CODES: readonly HealthStatusCode[] = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
];

/**
 * Phase of a sync operation (`status.operationState.phase`).
 *
 * @public
 */
export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

/**
 * One source of an Application (`spec.source`, `spec.sources[]`).
 *
 * @public
 */
export interface ApplicationSourceView {
  repoURL: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  ref?: string;
  [field: string]: unknown;
}

/**
 * `spec.destination`: a cluster by `server` URL or by `name`, and a namespace.
 *
 * @public
 */
export interface ApplicationDestinationView {
  server?: string;
  name?: string;
  namespace?: string;
}

/**
 * `spec.syncPolicy.retry`, and a sync request's retry.
 *
 * @public
 */
export interface RetryStrategyView {
  /** Attempts after the first; negative means forever. */
  limit?: number;
  /** Go-style durations (`5s`, `3m`). */
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

/**
 * `spec` of an Application, as written.
 *
 * @public
 */
export interface ApplicationSpecView {
  project: string;
  source?: ApplicationSourceView;
  sources?: ApplicationSourceView[];
  destination: ApplicationDestinationView;
  syncPolicy?: {
    automated?: {
      prune?: boolean;
      selfHeal?: boolean;
      allowEmpty?: boolean;
      enabled?: boolean;
    } | null;
    syncOptions?: string[];
    retry?: RetryStrategyView;
    [field: string]: unknown;
  };
  revisionHistoryLimit?: number;
  [field: string]: unknown;
}

/**
 * A health status with the reason for it.
 *
 * @public
 */
export interface HealthStatusView {
  status: HealthStatusCode;
  message?: string;
}

/**
 * `status.sync`: the app's sync status and what it was compared with.
 *
 * @public
 */
export interface SyncStatusView {
  status: SyncStatusCode;
  /** The commit compared (single-source apps). */
  revision?: string;
  /** The commits compared, one per source (multi-source apps). */
  revisions?: string[];
  comparedTo?: {
    source?: ApplicationSourceView;
    sources?: ApplicationSourceView[];
    destination: ApplicationDestinationView;
    [field: string]: unknown;
  };
}

/**
 * One entry of `status.resources`: a resource the app manages.
 *
 * @public
 */
export interface ResourceStatusView {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: SyncStatusCode;
  health?: HealthStatusView;
  hook?: boolean;
  requiresPruning?: boolean;
  syncWave?: number;
}

/**
 * One entry of `status.conditions` (`ComparisonError`, `InvalidSpecError`,
 * `SyncError`, …).
 *
 * @public
 */
export interface ApplicationConditionView {
  type: string;
  message: string;
  lastTransitionTime?: string;
}

/**
 * Who started an operation: a user (entity ref) or the automated sync.
 *
 * @public
 */
export interface OperationInitiatorView {
  /** A Backstage user entity ref, or a service's subject when a service called. */
  username?: string;
  automated?: boolean;
}

/**
 * One resource named in a selective sync.
 *
 * @public
 */
export interface SyncResourceSelector {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Argo CD's `operation`: what a user or the automated sync asked for.
 *
 * @public
 */
export interface OperationView {
  sync?: {
    revision?: string;
    revisions?: string[];
    /** The source(s) synced: the spec's at request time, a history entry's for a rollback. */
    source?: ApplicationSourceView;
    sources?: ApplicationSourceView[];
    prune?: boolean;
    dryRun?: boolean;
    syncOptions?: string[];
    resources?: SyncResourceSelector[];
    syncStrategy?: { apply?: { force?: boolean }; hook?: { force?: boolean } };
    [field: string]: unknown;
  };
  initiatedBy?: OperationInitiatorView;
  retry?: RetryStrategyView;
}

/**
 * The result of syncing one resource or running one hook.
 *
 * @public
 */
export interface ResourceResultView {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  /** `Synced`, `SyncFailed`, `Pruned`, `PruneSkipped`. */
  status?: string;
  message?: string;
  hookType?: string;
  /** `Running`, `Succeeded`, `Failed`, `Error`, `Terminating`. */
  hookPhase?: string;
  /** `PreSync`, `Sync`, `PostSync`, `SyncFail`. */
  syncPhase?: string;
}

/**
 * `status.operationState`: the app's current or last operation.
 *
 * @public
 */
export interface OperationStateView {
  operation: OperationView;
  phase: OperationPhase;
  message?: string;
  startedAt: string;
  finishedAt?: string;
  retryCount?: number;
  syncResult?: {
    revision?: string;
    revisions?: string[];
    source?: ApplicationSourceView;
    sources?: ApplicationSourceView[];
    resources?: ResourceResultView[];
  };
}

/**
 * One deployment in `status.history` (Argo CD's `RevisionHistory`).
 *
 * @public
 */
export interface RevisionHistoryView {
  /** Rollback names this id. */
  id: number;
  revision?: string;
  revisions?: string[];
  source?: ApplicationSourceView;
  sources?: ApplicationSourceView[];
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy: OperationInitiatorView;
  /** Driftless: the sync's result phase. */
  phase?: string;
  /** Driftless: the resources that sync touched (group, kind, namespace, name, status). */
  resources?: Array<Record<string, unknown>>;
}

/**
 * `status` of an Application.
 *
 * @public
 */
export interface ApplicationStatusView {
  sync: SyncStatusView;
  health: HealthStatusView;
  resources?: ResourceStatusView[];
  conditions?: ApplicationConditionView[];
  operationState?: OperationStateView;
  /** Oldest first; only in single-application responses (`GET /applications/:namespace/:name`). */
  history?: RevisionHistoryView[];
  reconciledAt?: string;
  observedAt?: string;
  sourceType?: string;
  summary?: { images?: string[]; externalURLs?: string[] };
  [field: string]: unknown;
}

/**
 * Driftless: who manages an Application, and so whether the API may change it.
 *
 * @public
 */
export interface ApplicationManagementView {
  /**
   * `config:<index>` (the Git path at that index of app-config `gitops.applications`), `api`,
   * `applicationset:<ns>/<name>`, or `app:<ns>/<name>` (a child of that app of apps).
   */
  origin: string;
  /** Whether update and delete are open through the API: only for `api` apps. */
  editable: boolean;
  /** The ApplicationSet or app of apps that owns this app, when one does. */
  owner?: {
    kind: 'ApplicationSet' | 'Application';
    namespace: string;
    name: string;
  };
}

/**
 * An Application as the API returns it: Argo CD's JSON shape.
 *
 * @public
 */
export interface GitOpsApplication {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Bumped by every change of `spec`. */
    generation: number;
    creationTimestamp: string;
    [field: string]: unknown;
  };
  spec: ApplicationSpecView;
  /** The operation in progress, as in Argo CD; absent when none is. */
  operation?: OperationView;
  status: ApplicationStatusView;
  /** Driftless: who manages the app. */
  driftless: ApplicationManagementView;
}

/**
 * An Application's identity, as responses list affected apps.
 *
 * @public
 */
export interface ApplicationKeyView {
  namespace: string;
  name: string;
}

/**
 * Query of `GET /api/gitops/applications`. List values match any of their
 * entries (repeat the parameter or separate with commas); parameters combine
 * with AND.
 *
 * @public
 */
export interface ListApplicationsQuery {
  /** `spec.project`. */
  project?: string[];
  /** Destination cluster, by name or by server URL (either finds apps however they name it). */
  cluster?: string;
  /** Destination namespace (`spec.destination.namespace`). */
  namespace?: string[];
  /** The Applications' own namespace (`metadata.namespace`). */
  appNamespace?: string[];
  sync?: SyncStatusCode[];
  health?: HealthStatusCode[];
  /** Source repository URL, compared as Argo CD compares them. */
  repo?: string[];
  /** Kubernetes label selector on the Applications' labels. */
  selector?: string;
  /** A catalog entity ref: the apps its `argocd/*` or `driftless.dev/*` annotations link. */
  entity?: string;
  /** An owner's entity ref (`group:default/team-a`; kind defaults to group): the apps linked to the catalog entities it owns. */
  owner?: string;
  /** Text the Application's name contains, ignoring case. */
  search?: string;
  /** 1 to 1000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Ask for `totalCount` (given only when the caller may read every application). */
  includeTotalCount?: boolean;
}

/**
 * Response of `GET /api/gitops/applications`. A page can hold fewer than
 * `limit` items, even none, while `nextCursor` is set (applications the
 * caller may not read are left out): follow `nextCursor` until it is absent.
 *
 * @public
 */
export interface ListApplicationsResponse {
  items: GitOpsApplication[];
  nextCursor?: string;
  /** Every match across all pages; only when asked for and the caller may read every application. */
  totalCount?: number;
}

/**
 * One Application event, in the shape of a Kubernetes `Event` (as Argo CD's
 * events endpoint returns them).
 *
 * @public
 */
export interface ApplicationEventView {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  involvedObject: {
    apiVersion: 'argoproj.io/v1alpha1';
    kind: 'Application';
    namespace: string;
    name: string;
  };
  type: 'Normal' | 'Warning';
  /** CamelCase: `OperationStarted`, `ResourceUpdated`, `SyncError`, … */
  reason: string;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  source: { component: string };
  /** Driftless: the user who caused it, when one did (entity ref). */
  actor?: string;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/events`, newest first.
 *
 * @public
 */
export interface ApplicationEventsResponse {
  items: ApplicationEventView[];
  /** Pass as `cursor` for older events; absent on the last page. */
  nextCursor?: string;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/history`,
 * oldest first like `status.history`.
 *
 * @public
 */
export interface ApplicationHistoryResponse {
  items: RevisionHistoryView[];
}

/**
 * Body of `POST /api/gitops/applications/:namespace/:name/sync` (Argo CD's
 * sync request, without local manifests or source overrides).
 *
 * @public
 */
export interface SyncRequest {
  /** A branch, tag or commit; the app's targetRevision when absent. */
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  /** `Name=value`, e.g. `ServerSideApply=true`. */
  syncOptions?: string[];
  /** Sync only these resources. */
  resources?: SyncResourceSelector[];
  strategy?: { apply?: { force?: boolean }; hook?: { force?: boolean } };
  retry?: RetryStrategyView;
}

/**
 * Body of `POST /api/gitops/applications/:namespace/:name/rollback`.
 *
 * @public
 */
export interface RollbackRequest {
  /** `id` of a `status.history` entry. */
  id: number;
  prune?: boolean;
  dryRun?: boolean;
}

/**
 * A live resource, as Argo CD refers to one (`group` is empty for the core API).
 *
 * @public
 */
export interface ResourceRef {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/**
 * One node of an application's resource tree (Argo CD's `ResourceNode`).
 *
 * @public
 */
export interface ResourceNode extends ResourceRef {
  /** The owners (Deployment for a ReplicaSet, ReplicaSet for a Pod, …). */
  parentRefs?: ResourceRef[];
  /** Short facts shown on the node (`Status: Running`, `Containers: 1/1`). */
  info?: Array<{ name: string; value: string }>;
  networkingInfo?: {
    targetLabels?: Record<string, string>;
    targetRefs?: ResourceRef[];
    labels?: Record<string, string>;
    ingress?: Array<{ hostname?: string; ip?: string }>;
    externalURLs?: string[];
  };
  resourceVersion?: string;
  images?: string[];
  health?: HealthStatusView;
  createdAt?: string;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/resource-tree`
 * (Argo CD's `ApplicationTree`).
 *
 * @public
 */
export interface ResourceTree {
  /** The app's resources and everything they own. */
  nodes: ResourceNode[];
  /** Resources in the destination namespace that no app manages. */
  orphanedNodes?: ResourceNode[];
}

/**
 * One managed resource with its desired and live manifests and their diff
 * (Argo CD's `ResourceDiff`). The states are JSON texts of the objects, as in
 * Argo CD; Secret values are masked (`++++++++`).
 *
 * @public
 */
export interface ManagedResource {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The desired object from Git; absent when the resource is to be pruned. */
  targetState?: string;
  /** The object in the cluster; absent when it does not exist yet. */
  liveState?: string;
  /** What the live object would become once applied (server-side dry run). */
  predictedLiveState?: string;
  /** The live object with ignored differences and defaults removed, as compared. */
  normalizedLiveState?: string;
  /** Deprecated in Argo CD: a JSON patch from live to desired. */
  diff?: string;
  hook?: boolean;
  modified?: boolean;
  resourceVersion?: string;
  /** Driftless: the resource is extraneous and a sync with prune would delete it. */
  requiresPruning?: boolean;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/managed-resources`.
 *
 * @public
 */
export interface ManagedResourcesResponse {
  items: ManagedResource[];
}

/**
 * An action that can run on a live resource (Argo CD's `ResourceAction`).
 *
 * @public
 */
export interface ResourceActionView {
  /** `restart`, `promote-full`, `resume`, … */
  name: string;
  /** The action is known but cannot run in the resource's current state. */
  disabled?: boolean;
  displayName?: string;
  iconClass?: string;
  params?: Array<{
    name: string;
    value?: string;
    type?: string;
    default?: string;
  }>;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/resource/actions`.
 *
 * @public
 */
export interface ResourceActionsResponse {
  actions: ResourceActionView[];
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/resource`: one
 * live object of the app's resource tree, a managed resource or one they own
 * (a ReplicaSet, a Pod, an AnalysisRun), as JSON text (Argo CD's
 * `ApplicationResourceResponse`). Secret values are masked (`++++++++`).
 *
 * @public
 */
export interface ApplicationResourceResponse {
  manifest: string;
}

/**
 * A resource as `GET .../resource/events` takes it: found in the app's tree
 * by group, kind, namespace and name, so its API version may be left out;
 * with `uid`, only while it is still that object.
 *
 * @public
 */
export type ResourceObjectRef = Omit<ResourceRef, 'version'> & {
  version?: string;
};

/**
 * One Kubernetes Event about a live resource of an app, in Kubernetes'
 * core/v1 `Event` shape (`metadata.managedFields` left out). Events written
 * through `events.k8s.io/v1` may carry `eventTime` and `series` instead of
 * `firstTimestamp`, `lastTimestamp` and `count`.
 *
 * @public
 */
export interface ResourceEventView {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    namespace?: string;
    name?: string;
    uid?: string;
    resourceVersion?: string;
    /** The part of the object, e.g. `spec.containers{main}`. */
    fieldPath?: string;
  };
  /** `Normal` or `Warning`. */
  type?: string;
  /** CamelCase: `ScalingReplicaSet`, `BackOff`, `FailedScheduling`, … */
  reason?: string;
  message?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  action?: string;
}

/**
 * Response of `GET /api/gitops/applications/:namespace/:name/resource/events`:
 * the Kubernetes Events about one live resource of the app's tree, newest
 * first (as `kubectl describe` finds them: by the involved object's name,
 * namespace, kind and uid).
 *
 * @public
 */
export interface ResourceEventsResponse {
  items: ResourceEventView[];
}

/**
 * Body of `POST /api/gitops/applications/:namespace/:name/resource/actions`.
 *
 * @public
 */
export interface RunResourceActionRequest {
  /** Empty for the core API group. */
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  action: string;
  params?: Array<{ name: string; value: string }>;
}

/**
 * Response of `POST /api/gitops/webhook`: `202` with the refreshed apps for
 * a push, `200` for a ping or an event that refreshes nothing.
 *
 * @public
 */
export type GitWebhookResponse =
  | {
      type: 'push';
      provider: string;
      /** The Applications the push concerns; each was refreshed. */
      applications: ApplicationKeyView[];
    }
  | { type: 'ping'; provider: string; message: string }
  | { type: 'ignored'; provider: string; event: string; reason: string };

/*
 * ApplicationSets, as `/api/gitops/applicationsets` returns them: Argo CD's
 * `argoproj.io/v1alpha1` ApplicationSet with its status, plus a `driftless`
 * block saying who manages the set and which policy applies.
 */

/**
 * Label Driftless puts on every Application an ApplicationSet generates: the
 * set's name (left out when the name is too long for a label value). The
 * annotation of the same key holds `<namespace>/<name>` and is always set.
 *
 * @public
 */
export const APPLICATION_SET_OWNER_KEY = 'driftless.dev/applicationset';

/**
 * `syncPolicy.applicationsSync`: what the ApplicationSet controller may do
 * to the Applications it generates. `sync` creates, updates and deletes;
 * `create-update` never deletes; `create-delete` never updates;
 * `create-only` only creates.
 *
 * @public
 */
export type ApplicationsSyncPolicyCode =
  | 'create-only'
  | 'create-update'
  | 'create-delete'
  | 'sync';

/**
 * One entry of an ApplicationSet's `status.conditions` (Argo CD's
 * `ApplicationSetCondition`): `ErrorOccurred`, `ParametersGenerated`,
 * `ResourcesUpToDate`, `RolloutProgressing`.
 *
 * @public
 */
export interface ApplicationSetConditionView {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  message: string;
  /** CamelCase, e.g. `ApplicationSetUpToDate`, `ApplicationGenerationFromParamsError`. */
  reason: string;
  lastTransitionTime?: string;
}

/**
 * Where a generated Application is in a progressive sync (RollingSync).
 *
 * @public
 */
export type ProgressiveSyncStatusCode =
  | 'Waiting'
  | 'Pending'
  | 'Progressing'
  | 'Healthy';

/**
 * One entry of `status.applicationStatus`: a generated Application in a
 * progressive sync (Argo CD's `ApplicationSetApplicationStatus`).
 *
 * @public
 */
export interface ApplicationSetApplicationStatusView {
  /** The Application's name (in the set's namespace). */
  application: string;
  status: ProgressiveSyncStatusCode;
  message: string;
  /** The 1-based RollingSync step that selects it; `-1` when no step does. */
  step: string;
  /** The revisions the app was compared with when it entered this status. */
  targetRevisions: string[];
  lastTransitionTime?: string;
}

/**
 * One entry of `status.resources`: a generated Application with its sync
 * and health (Argo CD's `ResourceStatus`).
 *
 * @public
 */
export interface ApplicationSetResourceView {
  group: 'argoproj.io';
  version: 'v1alpha1';
  kind: 'Application';
  namespace: string;
  name: string;
  status?: SyncStatusCode;
  health?: HealthStatusView;
}

/**
 * `status` of an ApplicationSet. Empty conditions and resources until the
 * controller has reconciled the set once.
 *
 * @public
 */
export interface ApplicationSetStatusView {
  conditions: ApplicationSetConditionView[];
  /** Only with a RollingSync strategy. */
  applicationStatus?: ApplicationSetApplicationStatusView[];
  /** The Applications the set owns now, by name. */
  resources: ApplicationSetResourceView[];
  resourcesCount: number;
  /** Driftless: when the controller last reconciled the set. */
  reconciledAt?: string;
  /** Driftless: the set's `metadata.generation` that reconcile saw. */
  observedGeneration?: number;
  /** Driftless: the commits the Git generators read at that reconcile. */
  gitRevisions?: Array<{ repoURL: string; revision: string; sha: string }>;
}

/**
 * Driftless: who manages an ApplicationSet and the policy it runs with.
 *
 * @public
 */
export interface ApplicationSetManagementView {
  /** `config:<index>` (a platform repository of app-config), or `app:<ns>/<name>` (an app of apps). */
  origin: string;
  /** Always false: ApplicationSets are changed in Git, where they are defined. */
  editable: false;
  /** The app of apps that registered the set, when one did. */
  owner?: { kind: 'Application'; namespace: string; name: string };
  /** The policy in force: the set's own, or the controller's when it overrides (`gitops.applicationSets.policy`). */
  applicationsSync: ApplicationsSyncPolicyCode;
}

/**
 * An ApplicationSet as the API returns it: Argo CD's JSON shape.
 *
 * @public
 */
export interface GitOpsApplicationSet {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ApplicationSet';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Bumped by every change of the set's manifest. */
    generation: number;
    creationTimestamp: string;
    [field: string]: unknown;
  };
  /** As written in Git: generators, template, syncPolicy, strategy, … */
  spec: Record<string, unknown>;
  status: ApplicationSetStatusView;
  driftless: ApplicationSetManagementView;
}

/**
 * Response of `GET /api/gitops/applicationsets`, by namespace then name.
 *
 * @public
 */
export interface ListApplicationSetsResponse {
  items: GitOpsApplicationSet[];
}

/**
 * Body of `POST /api/gitops/applicationsets/generate`: the ApplicationSet to
 * generate from (Argo CD's `ApplicationSetGenerateRequest`). Its
 * `metadata.namespace` defaults to the controller's namespace.
 *
 * @public
 */
export interface GenerateApplicationSetRequest {
  applicationSet: Record<string, unknown>;
}

/**
 * An Application a dry run generated, as the controller would store it.
 *
 * @public
 */
export interface GeneratedApplicationView {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [field: string]: unknown;
  };
  spec: ApplicationSpecView;
}

/**
 * Response of the dry-run routes (`POST /api/gitops/applicationsets/generate`
 * and `POST /api/gitops/applicationsets/:namespace/:name/generate`): what the
 * set generates now, and what the controller would change among the
 * Applications a stored set of that name owns. Nothing is written.
 *
 * @public
 */
export interface GenerateApplicationSetResponse {
  /** In generation order (Argo CD's `applications`). */
  applications: GeneratedApplicationView[];
  /** Which generator and parameter set produced each Application (same order). */
  sources: Array<{ generator: string; paramSet: number }>;
  /** When the controller would generate again without an event; absent for list and clusters generators. */
  requeueAfterSeconds?: number;
  /** The policy the controller would apply. */
  applicationsSync: ApplicationsSyncPolicyCode;
  /** Against the Applications the stored set of this name owns now (all `create` when there is none). */
  changes: {
    create: string[];
    update: string[];
    /** Owned Applications no longer generated that the policy deletes. */
    delete: string[];
    unchanged: string[];
    /** Owned Applications no longer generated that the policy keeps, or generated ones it may not update. */
    kept: string[];
    /** Generated names taken by an Application another origin manages; the controller leaves those alone. */
    conflicts: Array<{ name: string; origin: string }>;
  };
  /** Generated Applications the controller would not write, and why (unknown project or destination cluster). */
  invalid: Array<{ name: string; message: string }>;
}

/**
 * One event of an ApplicationSet, in the shape of a Kubernetes `Event`.
 *
 * @public
 */
export interface ApplicationSetEventView {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  involvedObject: {
    apiVersion: 'argoproj.io/v1alpha1';
    kind: 'ApplicationSet';
    namespace: string;
    name: string;
  };
  type: 'Normal' | 'Warning';
  /** CamelCase: `ApplicationCreated`, `ApplicationDeleted`, `GenerationFailed`, … */
  reason: string;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  source: { component: string };
}

/**
 * Response of `GET /api/gitops/applicationsets/:namespace/:name/events`, newest first.
 *
 * @public
 */
export interface ApplicationSetEventsResponse {
  items: ApplicationSetEventView[];
  /** Pass as `cursor` for older events; absent on the last page. */
  nextCursor?: string;
}

/**
 * The Backstage signals channel the GitOps backend publishes an
 * {@link ApplicationStatusSignal} on whenever an Application's sync status,
 * health or revision changes (when the signals plugin is installed).
 *
 * @public
 */
export const APPLICATIONS_SIGNAL_CHANNEL = 'gitops:applications';

/**
 * What {@link APPLICATIONS_SIGNAL_CHANNEL} carries: the new summary of one
 * Application. It tells the portal what to load again; the REST API stays
 * the source of the full state.
 *
 * @public
 */
export interface ApplicationStatusSignal {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  sync: SyncStatusCode;
  health: HealthStatusCode;
  revision?: string;
}
