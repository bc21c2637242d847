import { quantityToNumber } from '../machinery/quantity';
import { JsonObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, keyOf, splitKey } from './controller';

/** Services of type LoadBalancer get an ingress IP, as a cloud load balancer controller gives them. */
export class LoadBalancerController extends Controller {
  readonly name = 'service';
  readonly manager = 'service-controller';
  private next = 1;

  observe(event: ChangeEvent): void {
    if (event.storageKey !== 'services' || event.type === 'DELETED') return;
    if (
      event.object.spec?.type === 'LoadBalancer' &&
      !(event.object.status?.loadBalancer?.ingress ?? []).length
    ) {
      this.enqueue(keyOf(event.object), this.context.timings.loadBalancerMs);
    }
  }

  resync(): void {
    for (const service of this.client.list('', 'Service')) {
      for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
        const last = Number(String(ingress.ip ?? '').split('.')[3]);
        if (Number.isFinite(last)) this.next = Math.max(this.next, last + 1);
      }
    }
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const service = this.client.get('', 'Service', namespace, name);
    if (
      !service ||
      service.spec?.type !== 'LoadBalancer' ||
      (service.status?.loadBalancer?.ingress ?? []).length
    )
      return;
    const ip = `172.18.255.${this.next++ % 250}`;
    this.client.updateStatus({
      ...service,
      status: {
        ...(service.status ?? {}),
        loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] },
      },
    });
  }
}

/** PersistentVolumeClaims bind to a volume named after them, with the requested capacity. */
export class VolumeBinder extends Controller {
  readonly name = 'persistentVolumeClaim';
  readonly manager = 'kube-controller-manager';

  observe(event: ChangeEvent): void {
    if (
      event.storageKey !== 'persistentvolumeclaims' ||
      event.type === 'DELETED'
    )
      return;
    if (event.object.status?.phase !== 'Bound')
      this.enqueue(keyOf(event.object), this.context.timings.volumeBindMs);
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const claim = this.client.get('', 'PersistentVolumeClaim', namespace, name);
    if (
      !claim ||
      claim.metadata.deletionTimestamp ||
      claim.status?.phase === 'Bound'
    )
      return;
    const volumeName = claim.spec?.volumeName ?? `pvc-${claim.metadata.uid}`;
    let bound = claim;
    if (
      claim.spec?.volumeName !== volumeName ||
      !claim.metadata.annotations?.['pv.kubernetes.io/bind-completed']
    ) {
      bound = this.client.update({
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...(claim.metadata.annotations ?? {}),
            'pv.kubernetes.io/bind-completed': 'yes',
            'pv.kubernetes.io/bound-by-controller': 'yes',
          },
        },
        spec: { ...claim.spec, volumeName },
      });
    }
    const requested = claim.spec?.resources?.requests?.storage ?? '1Gi';
    const status: JsonObject = {
      phase: 'Bound',
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      capacity: {
        storage: quantityToNumber(requested) > 0 ? requested : '1Gi',
      },
    };
    this.client.updateStatus({ ...bound, status });
  }
}

/** Ingresses get a load balancer address, as an ingress controller writes it. */
export class IngressAddressController extends Controller {
  readonly name = 'ingress';
  readonly manager = 'ingress-controller';

  observe(event: ChangeEvent): void {
    if (
      event.storageKey !== 'ingresses.networking.k8s.io' ||
      event.type === 'DELETED'
    )
      return;
    if (!(event.object.status?.loadBalancer?.ingress ?? []).length) {
      this.enqueue(keyOf(event.object), this.context.timings.ingressAddressMs);
    }
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const ingress = this.client.get(
      'networking.k8s.io',
      'Ingress',
      namespace,
      name,
    );
    if (!ingress || (ingress.status?.loadBalancer?.ingress ?? []).length)
      return;
    this.client.updateStatus({
      ...ingress,
      status: { loadBalancer: { ingress: [{ ip: '172.18.0.100' }] } },
    });
  }
}
