import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ApplicationEventsResponse,
  ApplicationHistoryResponse,
  ApplicationIdentity,
  GitOpsApplication,
  GitOpsHealthResponse,
  ListApplicationsQuery,
  ListApplicationSetsResponse,
  ListApplicationsResponse,
  ListClustersResponse,
  ManagedResourcesResponse,
  ResourceActionsResponse,
  ResourceEventsResponse,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  RollbackRequest,
  RunResourceActionRequest,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';

/**
 * Client of the Driftless GitOps backend (`/api/gitops`). Every method is one
 * request; errors are `ResponseError`s carrying the backend's error body.
 *
 * @public
 */
export interface GitOpsApi {
  getHealth(): Promise<GitOpsHealthResponse>;
  listClusters(): Promise<ListClustersResponse>;

  /** One page of the applications the user may read; follow `nextCursor`. */
  listApplications(
    query?: ListApplicationsQuery,
  ): Promise<ListApplicationsResponse>;
  /** The ApplicationSets the user may read, with their generated applications. */
  listApplicationSets(query?: {
    namespace?: string[];
    project?: string[];
  }): Promise<ListApplicationSetsResponse>;
  /** One application, with `status.history`. */
  getApplication(app: ApplicationIdentity): Promise<GitOpsApplication>;
  getResourceTree(app: ApplicationIdentity): Promise<ResourceTree>;
  getManagedResources(
    app: ApplicationIdentity,
  ): Promise<ManagedResourcesResponse>;
  /** Newest first; pass `nextCursor` as `cursor` for older ones. */
  getEvents(
    app: ApplicationIdentity,
    options?: { limit?: number; cursor?: string },
  ): Promise<ApplicationEventsResponse>;
  getHistory(app: ApplicationIdentity): Promise<ApplicationHistoryResponse>;

  /** Starts a sync operation; answers with the app and its operation. */
  sync(
    app: ApplicationIdentity,
    request: SyncRequest,
  ): Promise<GitOpsApplication>;
  /** Re-reads Git (and, with `hard`, renders again); answers once compared. */
  refresh(
    app: ApplicationIdentity,
    options?: { hard?: boolean },
  ): Promise<GitOpsApplication>;
  rollback(
    app: ApplicationIdentity,
    request: RollbackRequest,
  ): Promise<GitOpsApplication>;
  /** Asks the running operation to stop. */
  terminateOperation(app: ApplicationIdentity): Promise<void>;

  /**
   * One live object of the app's resource tree (a managed resource or one
   * they own, such as an AnalysisRun), Secret values masked.
   */
  getLiveResource(
    app: ApplicationIdentity,
    resource: ResourceRef,
  ): Promise<Record<string, unknown>>;
  /**
   * The Kubernetes Events about one live object of the app's resource tree,
   * newest first. With `uid`, a 404 when the object was since deleted and
   * created again.
   */
  getResourceEvents(
    app: ApplicationIdentity,
    resource: ResourceObjectRef,
  ): Promise<ResourceEventsResponse>;
  /** The actions the resource offers now (`disabled` when it cannot run one). */
  getResourceActions(
    app: ApplicationIdentity,
    resource: ResourceRef,
  ): Promise<ResourceActionsResponse>;
  runResourceAction(
    app: ApplicationIdentity,
    request: RunResourceActionRequest,
  ): Promise<void>;
}

/**
 * API reference for {@link GitOpsApi}.
 *
 * @public
 */
export const gitopsApiRef = createApiRef<GitOpsApi>({
  id: 'plugin.gitops.service',
});
