import type {
  GenerateApplicationSetResponse,
  ManagedResource,
  ResourceActionView,
  ResourceEventView,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import type { ApplicationKey, OperationRecord } from '../../database/types';
import type { GitPushEvent } from '../webhooks/types';

/*
 * What the REST API (src/router.ts, src/routes/**) asks of the application
 * controller. The resource shapes are Argo CD's JSON shapes, defined in
 * gitops-common because the frontend reads them too.
 */

export type {
  GenerateApplicationSetResponse,
  ManagedResource,
  ResourceActionView,
  ResourceEventView,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  SyncRequest,
};
export type { ApplicationKey, GitPushEvent, OperationRecord };

/** Who asked for an operation. */
export interface Initiator {
  /** The caller's user entity ref; a service's subject when a service called on its own behalf. */
  username?: string;
  automated?: boolean;
}

/**
 * The fields of `OperationRecord.state` the API shows as Argo CD's
 * `status.operationState` (phase and times come from the record's columns).
 * The sync engine keeps its own resumable state in other keys of the same
 * document; the API never returns those, since they may hold rendered
 * manifests.
 */
export interface OperationStateDocument {
  message?: string;
  retryCount?: number;
  syncResult?: {
    revision?: string;
    revisions?: string[];
    source?: Record<string, unknown>;
    sources?: Array<Record<string, unknown>>;
    resources?: Array<Record<string, unknown>>;
  };
  [engineField: string]: unknown;
}

/**
 * The application controller. Errors are `@backstage/errors` classes, which
 * the API passes through: NotFoundError (unknown app, history entry or
 * resource), ConflictError (an operation is in progress), InputError (a bad
 * request), NotAllowedError (e.g. rollback while automated sync is on).
 */
export interface GitOpsController {
  /** Queues a reconcile (re-reading Git and, when `hard`, skipping caches); resolves when it is done. */
  refresh(key: ApplicationKey, options: { hard: boolean }): Promise<void>;
  /** Records a sync operation and starts it. */
  requestSync(
    key: ApplicationKey,
    request: SyncRequest,
    initiator: Initiator,
  ): Promise<OperationRecord>;
  /** Asks the running operation to stop. */
  terminateOperation(key: ApplicationKey, initiator: Initiator): Promise<void>;
  /** Syncs to a history entry's revision and source. */
  rollback(
    key: ApplicationKey,
    historyId: number,
    options: { prune?: boolean; dryRun?: boolean },
    initiator: Initiator,
  ): Promise<OperationRecord>;
  /** Deletes the app, and with `cascade` its resources first. */
  deleteApplication(
    key: ApplicationKey,
    options: {
      cascade: boolean;
      propagationPolicy?: 'foreground' | 'background' | 'orphan';
    },
    initiator: Initiator,
  ): Promise<void>;
  /** Called after the API created or updated an app, so it is reconciled soon. */
  applicationChanged(key: ApplicationKey): void;
  /** Argo CD's ApplicationTree: the app's resources and what they own. */
  getResourceTree(key: ApplicationKey): Promise<ResourceTree>;
  /** Desired and live manifests with their diff; Secret values masked. */
  getManagedResources(key: ApplicationKey): Promise<ManagedResource[]>;
  /** One live object of the app's resource tree, Secret values masked; NotFoundError when it is not in the tree. */
  getLiveResource(
    key: ApplicationKey,
    resource: ResourceRef,
  ): Promise<Record<string, unknown>>;
  /**
   * The Kubernetes Events about one live object of the app's resource tree,
   * newest first, read from the app's destination cluster. NotFoundError when
   * the object is not in the tree (or, with `uid`, is no longer that
   * object); ServiceUnavailableError when the cluster cannot be read.
   */
  getResourceEvents(
    key: ApplicationKey,
    resource: ResourceObjectRef,
  ): Promise<ResourceEventView[]>;
  /** The actions a live resource of the app offers. */
  listResourceActions(
    key: ApplicationKey,
    resource: ResourceRef,
  ): Promise<ResourceActionView[]>;
  /** Runs one action on a live resource of the app. */
  runResourceAction(
    key: ApplicationKey,
    resource: ResourceRef,
    action: string,
    params: Array<{ name: string; value: string }>,
    initiator: Initiator,
  ): Promise<void>;
  /** Refreshes the apps the pushes concern and returns them. */
  handlePush(pushes: GitPushEvent[]): Promise<ApplicationKey[]>;
  /**
   * A dry run of an ApplicationSet manifest (given in a request, or a stored
   * set's): what it generates now and what would change among the apps a
   * stored set of that name owns. Nothing is written. InputError for a set
   * that cannot be used, ServiceUnavailableError when the ApplicationSet
   * controller is not running or Git cannot be read.
   */
  generateApplicationSet(
    applicationSet: Record<string, unknown>,
  ): Promise<GenerateApplicationSetResponse>;
}

/**
 * The ApplicationSet controller as the application controller drives it
 * (`ApplicationController.attachApplicationSets`): started and stopped with
 * it, told about pushes and about status changes of generated apps.
 */
export interface ApplicationSetControllerHooks {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sets whose Git generators read a pushed branch generate again. */
  handlePush(pushes: GitPushEvent[]): void;
  /** The sync or health of an app with an `applicationset:` origin changed. */
  applicationStatusChanged(key: ApplicationKey, origin: string): void;
  generate(
    applicationSet: Record<string, unknown>,
  ): Promise<GenerateApplicationSetResponse>;
}
