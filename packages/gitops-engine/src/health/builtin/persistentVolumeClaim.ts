import { TypedFieldReader } from '../objectFields';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

export function persistentVolumeClaimHealth(
  obj: UnstructuredObject,
): HealthStatus {
  const r = new TypedFieldReader(obj, 'PersistentVolumeClaim');
  switch (r.string('status', 'phase')) {
    case 'Lost':
      return healthOf('Degraded');
    case 'Pending':
      return healthOf('Progressing');
    case 'Bound':
      return healthOf('Healthy');
    default:
      return healthOf('Unknown');
  }
}
