import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { GenerateApplicationSetResponse } from '@driftless/backstage-plugin-gitops-common';
import { GitMirrorSource } from '@driftless/gitops-engine';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey, ApplicationRecord } from '../../database/types';
import type {
  GitOpsController,
  GitPushEvent,
  Initiator,
  ManagedResource,
  OperationRecord,
  ResourceActionView,
  ResourceEventView,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  SyncRequest,
} from '../../services/controller/types';
import { ApplicationSetGeneration } from '../../services/applicationsets/ApplicationSetGeneration';
import { dryRunApplicationSet } from '../../services/applicationsets/dryRunApplicationSet';
import { DEFAULT_APPLICATION_SET_SETTINGS } from '../../services/applicationsets/readApplicationSetConfig';
import type { ClusterRegistry } from '../../services/clusters/ClusterRegistry';
import { matchDestination } from '../../services/controller/ClusterCaches';
import { applicationsAffectedByPush } from '../../services/webhooks';

/** One call the API made to the controller. */
export type ControllerCall = {
  [Method in keyof GitOpsController]: {
    method: Method;
    args: Parameters<GitOpsController[Method]>;
  };
}[keyof GitOpsController];

/**
 * A GitOpsController test double for the API's tests, while the real
 * controller is built separately. It records every call and does what the
 * API can observe through the real store: sync and rollback create
 * operations (so an operation in progress conflicts), terminate asks the
 * running one to stop, delete removes the app, a push refreshes the apps it
 * concerns. It renders and applies nothing: trees, diffs and actions are the
 * values a test sets. ApplicationSet dry runs are the real ones, over the
 * test's clusters and a Git mirror in the temp directory.
 */
export class RecordingGitOpsController implements GitOpsController {
  readonly calls: ControllerCall[] = [];
  resourceTree: ResourceTree = { nodes: [] };
  managedResources: ManagedResource[] = [];
  resourceActions: ResourceActionView[] = [];
  liveResources: Array<Record<string, unknown>> = [];
  /** Events about `liveResources`, returned for the one they involve. */
  resourceEvents: ResourceEventView[] = [];

  constructor(
    private readonly store: GitOpsStore,
    private readonly clusters: Pick<ClusterRegistry, 'list'> = {
      list: async () => [],
    },
  ) {}

  /** The recorded calls of one method, in order. */
  callsOf<Method extends keyof GitOpsController>(
    method: Method,
  ): Parameters<GitOpsController[Method]>[] {
    return this.calls
      .filter(call => call.method === method)
      .map(call => call.args as Parameters<GitOpsController[Method]>);
  }

  private async existing(key: ApplicationKey): Promise<ApplicationRecord> {
    const record = await this.store.getApplication(key);
    if (!record) {
      throw new NotFoundError(
        `Application ${key.namespace}/${key.name} does not exist`,
      );
    }
    return record;
  }

  async refresh(key: ApplicationKey, options: { hard: boolean }) {
    this.calls.push({ method: 'refresh', args: [key, options] });
    await this.existing(key);
  }

  async requestSync(
    key: ApplicationKey,
    request: SyncRequest,
    initiator: Initiator,
  ): Promise<OperationRecord> {
    this.calls.push({ method: 'requestSync', args: [key, request, initiator] });
    return this.store.createOperation({
      ...key,
      operation: {
        sync: {
          revision: request.revision,
          prune: request.prune,
          dryRun: request.dryRun,
          syncOptions: request.syncOptions,
          resources: request.resources,
          syncStrategy: request.strategy,
        },
        initiatedBy: initiator,
        retry: request.retry,
      },
      holder: 'recording-controller',
    });
  }

  async terminateOperation(key: ApplicationKey, initiator: Initiator) {
    this.calls.push({ method: 'terminateOperation', args: [key, initiator] });
    const operation = await this.store.requestOperationTermination(key);
    if (!operation) {
      throw new ConflictError(
        `No operation is in progress for application ${key.namespace}/${key.name}; there is nothing to terminate`,
      );
    }
  }

  async rollback(
    key: ApplicationKey,
    historyId: number,
    options: { prune?: boolean; dryRun?: boolean },
    initiator: Initiator,
  ): Promise<OperationRecord> {
    this.calls.push({
      method: 'rollback',
      args: [key, historyId, options, initiator],
    });
    const { manifest } = await this.existing(key);
    if (manifest.spec.syncPolicy?.automated) {
      throw new NotAllowedError(
        `Cannot roll back application ${key.namespace}/${key.name} while automated sync is on: it would sync back to Git at once. Turn automated sync off first`,
      );
    }
    const entry = await this.store.getHistoryEntry({ ...key, id: historyId });
    if (!entry) {
      throw new NotFoundError(
        `Application ${key.namespace}/${key.name} has no history entry ${historyId}`,
      );
    }
    return this.store.createOperation({
      ...key,
      operation: {
        sync: {
          revision: entry.revision,
          prune: options.prune,
          dryRun: options.dryRun,
        },
        initiatedBy: initiator,
      },
      holder: 'recording-controller',
    });
  }

  async deleteApplication(
    key: ApplicationKey,
    options: {
      cascade: boolean;
      propagationPolicy?: 'foreground' | 'background' | 'orphan';
    },
    initiator: Initiator,
  ) {
    this.calls.push({
      method: 'deleteApplication',
      args: [key, options, initiator],
    });
    await this.store.deleteApplication(key);
  }

  applicationChanged(key: ApplicationKey) {
    this.calls.push({ method: 'applicationChanged', args: [key] });
  }

  async getResourceTree(key: ApplicationKey) {
    this.calls.push({ method: 'getResourceTree', args: [key] });
    return this.resourceTree;
  }

  async getManagedResources(key: ApplicationKey) {
    this.calls.push({ method: 'getManagedResources', args: [key] });
    return this.managedResources;
  }

  async getLiveResource(key: ApplicationKey, resource: ResourceRef) {
    this.calls.push({ method: 'getLiveResource', args: [key, resource] });
    const found = this.liveResources.find(
      object =>
        object.kind === resource.kind &&
        (object.metadata as { name?: string } | undefined)?.name ===
          resource.name,
    );
    if (!found) {
      throw new NotFoundError(
        `${resource.kind} ${resource.name} is not a live resource of application ${key.namespace}/${key.name}`,
      );
    }
    return found;
  }

  async getResourceEvents(key: ApplicationKey, resource: ResourceObjectRef) {
    this.calls.push({ method: 'getResourceEvents', args: [key, resource] });
    const live = this.liveResources.some(
      object =>
        object.kind === resource.kind &&
        (object.metadata as { name?: string } | undefined)?.name ===
          resource.name,
    );
    if (!live) {
      throw new NotFoundError(
        `${resource.kind} ${resource.name} is not a live resource of application ${key.namespace}/${key.name}`,
      );
    }
    return this.resourceEvents.filter(
      event =>
        event.involvedObject.kind === resource.kind &&
        event.involvedObject.name === resource.name,
    );
  }

  async listResourceActions(key: ApplicationKey, resource: ResourceRef) {
    this.calls.push({ method: 'listResourceActions', args: [key, resource] });
    return this.resourceActions;
  }

  async runResourceAction(
    key: ApplicationKey,
    resource: ResourceRef,
    action: string,
    params: Array<{ name: string; value: string }>,
    initiator: Initiator,
  ) {
    this.calls.push({
      method: 'runResourceAction',
      args: [key, resource, action, params, initiator],
    });
    if (!this.resourceActions.some(known => known.name === action)) {
      throw new NotFoundError(
        `${resource.kind} ${resource.name} has no action '${action}'`,
      );
    }
  }

  async generateApplicationSet(
    applicationSet: Record<string, unknown>,
  ): Promise<GenerateApplicationSetResponse> {
    this.calls.push({
      method: 'generateApplicationSet',
      args: [applicationSet],
    });
    return dryRunApplicationSet(
      {
        store: this.store,
        generation: new ApplicationSetGeneration({
          git: new GitMirrorSource({
            cacheRoot: join(tmpdir(), 'driftless-recording-controller-git'),
          }),
          clusters: this.clusters,
          settings: DEFAULT_APPLICATION_SET_SETTINGS,
        }),
        settings: DEFAULT_APPLICATION_SET_SETTINGS,
        destinationProblem: async destination => {
          const match = matchDestination(
            await this.clusters.list(),
            destination,
          );
          return 'problem' in match ? match.problem : undefined;
        },
        controlPlaneNamespace: 'argocd',
      },
      applicationSet,
    );
  }

  async handlePush(pushes: GitPushEvent[]): Promise<ApplicationKey[]> {
    this.calls.push({ method: 'handlePush', args: [pushes] });
    const { items } = await this.store.listApplications({ limit: 1000 });
    return applicationsAffectedByPush(
      pushes,
      items.map(record => ({ ...record.manifest, key: record })),
    ).map(({ key }) => ({ namespace: key.namespace, name: key.name }));
  }
}
