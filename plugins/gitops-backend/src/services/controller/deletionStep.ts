import {
  describeResourceKey,
  planApplicationDeletion,
  resourceKeyOf,
  type Application,
  type WatchRequest,
} from '@driftless/gitops-engine';
import type { ClusterHandle } from './ClusterCaches';
import type { ResourceStatusEntry } from './statusDocument';

/** What one pass of an app's cascading deletion did. */
export interface DeletionStepResult {
  /** Every resource the app's deletion removes is gone. */
  done: boolean;
  /** Deletions the cluster accepted in this pass. */
  deleted: number;
  /** What the deletion waits for, for the app's condition. */
  waitingFor?: string;
}

/**
 * One pass of Argo CD's cascading deletion of an app's resources
 * (`planApplicationDeletion`: never CRDs, `Delete=false` or
 * `helm.sh/resource-policy: keep`; the highest sync wave first, each once the
 * previous has gone; Foreground propagation, Background with the
 * `/background` finalizer). The kinds of the app's last known resources are
 * watched first, so objects of kinds the cache does not hold yet are found.
 * Call it again until `done`.
 */
export async function deletionStep(options: {
  application: Application;
  handle: ClusterHandle;
  appInstanceName: string;
  previousResources: ResourceStatusEntry[];
  /** When the deletion was asked for (`metadata.deletionTimestamp`). */
  deletionRequestedAt?: string;
}): Promise<DeletionStepResult> {
  const { handle } = options;
  const requests: WatchRequest[] = options.previousResources
    .filter(resource => resource.group !== 'argoproj.io')
    .map(resource => ({
      apiVersion: resource.group
        ? `${resource.group}/${resource.version}`
        : resource.version,
      kind: resource.kind,
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
    }));
  // A kind that is no longer served has nothing left to delete.
  await handle.cache.watch(requests).catch(() => undefined);
  const step = planApplicationDeletion(
    options.application,
    handle.cache.trackedObjects(options.appInstanceName),
    { deletionRequestedAt: options.deletionRequestedAt },
  );
  const failures: string[] = [];
  let deleted = 0;
  for (const object of step.deleteNow) {
    const key = resourceKeyOf(object);
    try {
      const resource = await handle.connection.findResource(
        object.apiVersion,
        object.kind,
      );
      const uid = object.metadata.uid ? String(object.metadata.uid) : undefined;
      if (
        await handle.connection.delete(
          resource,
          key.name,
          resource.namespaced ? key.namespace : undefined,
          {
            propagationPolicy: step.propagationPolicy,
            ...(uid ? { preconditions: { uid } } : {}),
          },
        )
      ) {
        deleted++;
      }
    } catch (error) {
      failures.push(`${describeResourceKey(key)}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(
      `Could not delete ${failures.length} resources on cluster '${
        handle.cluster.name
      }': ${failures.join('; ')}`,
    );
  }
  const waiting = step.waitingFor;
  return {
    done: step.done,
    deleted,
    ...(waiting
      ? {
          waitingFor: `${
            waiting.reason === 'approval'
              ? 'approval (argocd.argoproj.io/deletion-approved) to delete'
              : 'the deletion of'
          } ${waiting.objects
            .map(object => describeResourceKey(resourceKeyOf(object)))
            .join(', ')}`,
        }
      : {}),
  };
}
