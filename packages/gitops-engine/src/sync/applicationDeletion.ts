import type { Application } from '../application/types';
import type { PropagationPolicy } from '../cluster/connection';
import type { KubernetesObject } from '../render/types';
import { DELETION_APPROVED_ANNOTATION } from './SyncEngine';
import { SyncOptions } from './syncOptions';
import { isCustomResourceDefinition, syncWaveOf } from './syncTasks';

/** Argo CD's finalizer for a cascading delete in the background (the plain one deletes in the foreground). */
export const BACKGROUND_RESOURCES_FINALIZER =
  'resources-finalizer.argocd.argoproj.io/background';
const HELM_RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';

/** What to do next while an Application is deleted with its resources. */
export interface ApplicationDeletionStep {
  /** Delete these now: the highest sync wave of what is left. */
  deleteNow: KubernetesObject[];
  propagationPolicy: PropagationPolicy;
  /**
   * Why nothing is deleted this time: objects are still going (their
   * deletion must finish before the next wave), or an object with
   * `Delete=confirm`/`Prune=confirm` waits for the Application's
   * `argocd.argoproj.io/deletion-approved` annotation.
   */
  waitingFor?: { reason: 'deletion' | 'approval'; objects: KubernetesObject[] };
  /** Objects the Application's deletion leaves in place, and why. */
  kept: Array<{ object: KubernetesObject; reason: string }>;
  /** Nothing is left to delete or wait for: the Application can go. */
  done: boolean;
}

function optionValue(
  object: KubernetesObject,
  application: Application,
  name: string,
): string | undefined {
  return (
    SyncOptions.ofObject(object).value(name) ??
    new SyncOptions(application.spec.syncPolicy?.syncOptions).value(name)
  );
}

/**
 * One step of an Application's cascading deletion, as Argo CD's controller
 * does it (`finalizeApplicationDeletion`, `shouldBeDeleted`,
 * `FilterObjectsForDeletion`): never CRDs (their deletion takes every custom
 * resource with them), objects with `Delete=false` (annotation, else the
 * app's sync options) or `helm.sh/resource-policy: keep`, or the Application
 * itself; the rest wave by wave, highest first, each wave once the one
 * before has gone. Call it again with the live objects after each deletion.
 */
export function planApplicationDeletion(
  application: Application,
  trackedLiveObjects: readonly KubernetesObject[],
  options: {
    /** When the Application's deletion was asked for (RFC 3339); `Delete=confirm` needs approval after it. */
    deletionRequestedAt?: string;
  } = {},
): ApplicationDeletionStep {
  const propagationPolicy: PropagationPolicy = (
    (application.metadata.finalizers as string[] | undefined) ?? []
  ).includes(BACKGROUND_RESOURCES_FINALIZER)
    ? 'Background'
    : 'Foreground';
  const kept: ApplicationDeletionStep['kept'] = [];
  const candidates: KubernetesObject[] = [];
  for (const object of trackedLiveObjects) {
    if (isCustomResourceDefinition(object)) {
      kept.push({
        object,
        reason:
          'CustomResourceDefinitions are never deleted with an application',
      });
    } else if (
      object.kind === 'Application' &&
      object.apiVersion.startsWith('argoproj.io/') &&
      object.metadata.name === application.metadata.name &&
      (object.metadata.namespace ?? '') ===
        (application.metadata.namespace ?? '')
    ) {
      kept.push({ object, reason: 'the application itself' });
    } else if (optionValue(object, application, 'Delete') === 'false') {
      kept.push({ object, reason: 'Delete=false' });
    } else if (
      (object.metadata.annotations?.[HELM_RESOURCE_POLICY_ANNOTATION] ?? '')
        .split(',')
        .some(value => value.trim() === 'keep')
    ) {
      kept.push({ object, reason: 'helm.sh/resource-policy: keep' });
    } else {
      candidates.push(object);
    }
  }

  const going = trackedLiveObjects.filter(
    object => object.metadata.deletionTimestamp,
  );
  if (going.length > 0) {
    return {
      deleteNow: [],
      propagationPolicy,
      waitingFor: { reason: 'deletion', objects: going },
      kept,
      done: false,
    };
  }

  const approvedAt = Date.parse(
    application.metadata.annotations?.[DELETION_APPROVED_ANNOTATION] ?? '',
  );
  const requestedAt = options.deletionRequestedAt
    ? Math.floor(Date.parse(options.deletionRequestedAt) / 1000) * 1000
    : Number.NEGATIVE_INFINITY;
  const approved = !Number.isNaN(approvedAt) && approvedAt >= requestedAt;
  const unconfirmed = candidates.filter(
    object =>
      optionValue(object, application, 'Delete') === 'confirm' ||
      optionValue(object, application, 'Prune') === 'confirm',
  );
  if (unconfirmed.length > 0 && !approved) {
    return {
      deleteNow: [],
      propagationPolicy,
      waitingFor: { reason: 'approval', objects: unconfirmed },
      kept,
      done: false,
    };
  }

  if (candidates.length === 0)
    return { deleteNow: [], propagationPolicy, kept, done: true };
  const highest = Math.max(...candidates.map(syncWaveOf));
  return {
    deleteNow: candidates.filter(object => syncWaveOf(object) === highest),
    propagationPolicy,
    kept,
    done: false,
  };
}
