import { KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, controllerOf, keyOf, splitKey } from './controller';
import {
  availableAt,
  generatedName,
  isPodActive,
  isPodAvailable,
  isPodReady,
  ownedObjects,
  podFromTemplate,
} from './workloadHelpers';

/**
 * ReplicaSets: creates and deletes pods to match spec.replicas, and writes
 * replicas/fullyLabeledReplicas/readyReplicas/availableReplicas/observedGeneration.
 */
export class ReplicaSetController extends Controller {
  readonly name = 'replicaSet';
  readonly manager = 'kube-controller-manager';
  readonly eventSource = 'replicaset-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'replicasets.apps') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'ReplicaSet')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const rs of this.client.list('apps', 'ReplicaSet'))
      this.enqueue(keyOf(rs));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.client.get('apps', 'ReplicaSet', namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = ownedObjects(this.context.api, rs, 'Pod');
    const active = pods.filter(isPodActive);
    const desired = Number(rs.spec?.replicas ?? 1);
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) {
        const pod = this.client.create(
          podFromTemplate(
            rs,
            rs.spec.template,
            generatedName(rs.metadata.name!, this.context.random),
          ),
        );
        active.push(pod);
        this.client.event(
          rs,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          this.now(),
        );
      }
    } else if (active.length > desired) {
      const ranked = [...active].sort(
        (a, b) =>
          rank(a) - rank(b) ||
          (b.metadata.creationTimestamp! < a.metadata.creationTimestamp!
            ? -1
            : 1),
      );
      for (const pod of ranked.slice(0, active.length - desired)) {
        this.client.delete(pod);
        active.splice(active.indexOf(pod), 1);
        this.client.event(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          this.now(),
        );
      }
    }
    this.writeStatus(rs, active);
  }

  private writeStatus(rs: KubeObject, active: KubeObject[]): void {
    const minReadyMs = this.specSeconds(Number(rs.spec?.minReadySeconds ?? 0));
    const now = Date.now();
    const ready = active.filter(isPodReady).length;
    const available = active.filter(pod =>
      isPodAvailable(pod, minReadyMs, now),
    ).length;
    const pendingAvailability = active
      .map(pod => availableAt(pod, minReadyMs))
      .filter((at): at is number => at !== undefined && at > now);
    if (pendingAvailability.length > 0)
      this.enqueue(keyOf(rs), Math.min(...pendingAvailability) - now + 1);
    const status: Record<string, unknown> = { replicas: active.length };
    if (active.length > 0) status.fullyLabeledReplicas = active.length;
    if (ready > 0) status.readyReplicas = ready;
    if (available > 0) status.availableReplicas = available;
    status.observedGeneration = rs.metadata.generation;
    if (rs.status?.conditions) status.conditions = rs.status.conditions;
    const next = { ...rs, status };
    if (JSON.stringify(rs.status) !== JSON.stringify(status))
      this.client.updateStatus(next);
  }
}

/** Deletion preference: unscheduled, then pending, then not ready, then ready pods. */
function rank(pod: KubeObject): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Pending') return 1;
  if (!isPodReady(pod)) return 2;
  return 3;
}
