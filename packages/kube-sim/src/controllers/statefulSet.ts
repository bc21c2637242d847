import { templateHash } from '../machinery/naming';
import { cloneJson, JsonObject, KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, controllerOf, keyOf, splitKey } from './controller';
import {
  isPodActive,
  isPodAvailable,
  isPodReady,
  ownedObjects,
  podFromTemplate,
} from './workloadHelpers';

const REVISION_LABEL = 'controller-revision-hash';

/**
 * StatefulSets: pods `<name>-<ordinal>` created in order (OrderedReady) or all
 * at once (Parallel), claims from volumeClaimTemplates, rolling updates from
 * the highest ordinal (respecting partition), and the status the controller
 * writes (current/update revisions and counts).
 */
export class StatefulSetController extends Controller {
  readonly name = 'statefulSet';
  readonly manager = 'kube-controller-manager';
  readonly eventSource = 'statefulset-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'statefulsets.apps') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'StatefulSet')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const sts of this.client.list('apps', 'StatefulSet'))
      this.enqueue(keyOf(sts));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const sts = this.client.get('apps', 'StatefulSet', namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const desired = Number(sts.spec.replicas ?? 1);
    const updateRevision = `${name}-${templateHash(sts.spec.template)}`;
    const ordered = sts.spec.podManagementPolicy !== 'Parallel';
    const pods = ownedObjects(this.context.api, sts, 'Pod').filter(isPodActive);
    const byOrdinal = new Map<number, KubeObject>();
    for (const pod of pods)
      byOrdinal.set(Number(pod.metadata.name!.slice(name.length + 1)), pod);

    let blocked = false;
    for (let ordinal = 0; ordinal < desired; ordinal++) {
      const existing = byOrdinal.get(ordinal);
      if (existing) {
        if (ordered && !isPodReady(existing)) blocked = true;
        continue;
      }
      if (blocked) break;
      this.ensureClaims(sts, ordinal);
      const pod = this.client.create(this.pod(sts, ordinal, updateRevision));
      byOrdinal.set(ordinal, pod);
      this.client.event(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${pod.metadata.name} in StatefulSet ${name} successful`,
        this.now(),
      );
      if (ordered) blocked = true;
    }
    const surplus = [...byOrdinal.keys()]
      .filter(ordinal => ordinal >= desired)
      .sort((a, b) => b - a);
    for (const ordinal of ordered ? surplus.slice(0, 1) : surplus) {
      this.client.delete(byOrdinal.get(ordinal)!);
      byOrdinal.delete(ordinal);
    }
    const allReady =
      [...byOrdinal.values()].every(isPodReady) && byOrdinal.size === desired;
    const partition = Number(
      sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0,
    );
    if (sts.spec.updateStrategy?.type !== 'OnDelete' && allReady) {
      const stale = [...byOrdinal.entries()]
        .filter(
          ([ordinal, pod]) =>
            ordinal >= partition &&
            pod.metadata.labels?.[REVISION_LABEL] !== updateRevision,
        )
        .sort((a, b) => b[0] - a[0]);
      if (stale.length > 0) {
        this.client.delete(stale[0][1]);
        byOrdinal.delete(stale[0][0]);
      }
    }
    this.writeStatus(sts, [...byOrdinal.values()], updateRevision);
  }

  private pod(sts: KubeObject, ordinal: number, revision: string): KubeObject {
    const podName = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(sts, sts.spec.template, podName, {
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    pod.spec.hostname = podName;
    if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    for (const claim of sts.spec.volumeClaimTemplates ?? []) {
      const volumes: JsonObject[] = (pod.spec.volumes ??= []);
      if (!volumes.some(volume => volume.name === claim.metadata?.name)) {
        volumes.push({
          name: claim.metadata?.name,
          persistentVolumeClaim: {
            claimName: `${claim.metadata?.name}-${podName}`,
          },
        });
      }
    }
    return pod;
  }

  private ensureClaims(sts: KubeObject, ordinal: number): void {
    for (const claim of sts.spec.volumeClaimTemplates ?? []) {
      const claimName = `${claim.metadata?.name}-${sts.metadata.name}-${ordinal}`;
      if (
        this.client.get(
          '',
          'PersistentVolumeClaim',
          sts.metadata.namespace,
          claimName,
        )
      )
        continue;
      this.client.create({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace: sts.metadata.namespace,
          labels: {
            ...(sts.spec.selector?.matchLabels ?? {}),
            ...(claim.metadata?.labels ?? {}),
          },
        },
        spec: cloneJson(claim.spec ?? {}),
      });
    }
  }

  private writeStatus(
    sts: KubeObject,
    pods: KubeObject[],
    updateRevision: string,
  ): void {
    const minReadyMs = this.specSeconds(Number(sts.spec.minReadySeconds ?? 0));
    const updated = pods.filter(
      pod => pod.metadata.labels?.[REVISION_LABEL] === updateRevision,
    ).length;
    const previousCurrent: string | undefined = sts.status?.currentRevision;
    const currentRevision =
      updated === pods.length && pods.length === Number(sts.spec.replicas ?? 1)
        ? updateRevision
        : previousCurrent ?? updateRevision;
    const current = pods.filter(
      pod => pod.metadata.labels?.[REVISION_LABEL] === currentRevision,
    ).length;
    const status: JsonObject = {
      observedGeneration: sts.metadata.generation,
      replicas: pods.length,
      readyReplicas: pods.filter(isPodReady).length,
      currentReplicas: current,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: pods.filter(pod =>
        isPodAvailable(pod, minReadyMs, Date.now()),
      ).length,
    };
    for (const field of ['readyReplicas', 'currentReplicas', 'updatedReplicas'])
      if (status[field] === 0) delete status[field];
    if (JSON.stringify(sts.status ?? {}) !== JSON.stringify(status))
      this.client.updateStatus({ ...sts, status });
  }
}
