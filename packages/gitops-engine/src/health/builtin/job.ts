import { TypedFieldReader } from '../objectFields';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

export function jobHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'Job');
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  // As in Argo CD, a Failed or Complete condition counts whatever its status.
  for (const condition of r.records('status', 'conditions')) {
    switch (condition.string('type')) {
      case 'Failed':
        failed = true;
        complete = true;
        failMessage = condition.string('message') ?? '';
        break;
      case 'Complete':
        complete = true;
        message = condition.string('message') ?? '';
        break;
      case 'Suspended':
        complete = true;
        message = condition.string('message') ?? '';
        if (condition.string('status') === 'True') suspended = true;
        break;
      default:
        break;
    }
  }
  if (!complete) return healthOf('Progressing', message);
  if (failed) return healthOf('Degraded', failMessage);
  if (suspended) return healthOf('Suspended', message);
  return healthOf('Healthy', message);
}
