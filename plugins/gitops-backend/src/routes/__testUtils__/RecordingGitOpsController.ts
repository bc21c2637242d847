import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey, ApplicationRecord } from '../../database/types';
import type {
  GitOpsController,
  GitPushEvent,
  Initiator,
  ManagedResource,
  OperationRecord,
  ResourceActionView,
  ResourceRef,
  ResourceTree,
  SyncRequest,
} from '../../services/controller/types';
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
 * values a test sets.
 */
export class RecordingGitOpsController implements GitOpsController {
  readonly calls: ControllerCall[] = [];
  resourceTree: ResourceTree = { nodes: [] };
  managedResources: ManagedResource[] = [];
  resourceActions: ResourceActionView[] = [];

  constructor(private readonly store: GitOpsStore) {}

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

  async handlePush(pushes: GitPushEvent[]): Promise<ApplicationKey[]> {
    this.calls.push({ method: 'handlePush', args: [pushes] });
    const { items } = await this.store.listApplications({ limit: 1000 });
    return applicationsAffectedByPush(
      pushes,
      items.map(record => ({ ...record.manifest, key: record })),
    ).map(({ key }) => ({ namespace: key.namespace, name: key.name }));
  }
}
