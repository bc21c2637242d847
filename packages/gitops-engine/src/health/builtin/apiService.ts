import { TypedFieldReader } from '../objectFields';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

/** APIService (apiregistration.k8s.io v1 and v1beta1): its `Available` condition decides. */
export function apiServiceHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'APIService');
  const available = r
    .records('status', 'conditions')
    .find(c => c.string('type') === 'Available');
  if (!available) return healthOf('Progressing', 'Waiting to be processed');
  const message = `${available.string('reason') ?? ''}: ${
    available.string('message') ?? ''
  }`;
  return healthOf(
    available.string('status') === 'True' ? 'Healthy' : 'Progressing',
    message,
  );
}
