import { getField, TypedFieldReader } from '../objectFields';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

export function serviceHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'Service');
  if (r.string('spec', 'type') === 'LoadBalancer') {
    const assigned = r.arrayLength('status', 'loadBalancer', 'ingress') > 0;
    return healthOf(assigned ? 'Healthy' : 'Progressing');
  }
  return healthOf('Healthy');
}

/** Ingress of any API version (extensions, networking.k8s.io): Healthy once a load balancer address is assigned. */
export function ingressHealth(obj: UnstructuredObject): HealthStatus {
  const ingress = getField(obj, ['status', 'loadBalancer', 'ingress']);
  const assigned = Array.isArray(ingress) && ingress.length > 0;
  return healthOf(assigned ? 'Healthy' : 'Progressing');
}
