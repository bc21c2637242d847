import { templateHash } from '../machinery/naming';
import { JsonObject, KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, controllerOf, keyOf, splitKey } from './controller';
import {
  generatedName,
  isPodActive,
  isPodAvailable,
  isPodReady,
  ownedObjects,
  podFromTemplate,
} from './workloadHelpers';
import { NODE_NAME } from './pods';

/** DaemonSets: one pod on the single node, replaced when the template changes, and the status counts. */
export class DaemonSetController extends Controller {
  readonly name = 'daemonSet';
  readonly manager = 'kube-controller-manager';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'daemonsets.apps') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'DaemonSet')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const ds of this.client.list('apps', 'DaemonSet'))
      this.enqueue(keyOf(ds));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = this.client.get('apps', 'DaemonSet', namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = templateHash(ds.spec.template);
    let pods = ownedObjects(this.context.api, ds, 'Pod').filter(isPodActive);
    const stale = pods.filter(
      pod => pod.metadata.labels?.['controller-revision-hash'] !== hash,
    );
    if (ds.spec.updateStrategy?.type !== 'OnDelete') {
      for (const pod of stale) this.client.delete(pod);
      pods = pods.filter(pod => !stale.includes(pod));
    }
    if (pods.length === 0) {
      const pod = podFromTemplate(
        ds,
        ds.spec.template,
        generatedName(name, this.context.random),
        {
          'controller-revision-hash': hash,
          'pod-template-generation': String(ds.metadata.generation ?? 1),
        },
      );
      pod.spec.nodeName = NODE_NAME;
      pods.push(this.client.create(pod));
    }
    this.writeStatus(ds, pods, hash);
  }

  private writeStatus(ds: KubeObject, pods: KubeObject[], hash: string): void {
    const minReadyMs = this.specSeconds(Number(ds.spec.minReadySeconds ?? 0));
    const available = pods.filter(pod =>
      isPodAvailable(pod, minReadyMs, Date.now()),
    ).length;
    const status: JsonObject = {
      currentNumberScheduled: pods.length,
      desiredNumberScheduled: 1,
      numberAvailable: available,
      numberMisscheduled: 0,
      numberReady: pods.filter(isPodReady).length,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: pods.filter(
        pod => pod.metadata.labels?.['controller-revision-hash'] === hash,
      ).length,
    };
    if (available < 1) status.numberUnavailable = 1 - available;
    if (status.numberAvailable === 0) delete status.numberAvailable;
    if (status.updatedNumberScheduled === 0)
      delete status.updatedNumberScheduled;
    if (JSON.stringify(ds.status ?? {}) !== JSON.stringify(status))
      this.client.updateStatus({ ...ds, status });
  }
}
