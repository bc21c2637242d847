import { getField } from '../objectFields';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

/** Argo Workflows' Workflow: its `status.phase` decides. */
export function argoWorkflowHealth(obj: UnstructuredObject): HealthStatus {
  const phase = getField(obj, ['status', 'phase']);
  const rawMessage = getField(obj, ['status', 'message']);
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  switch (typeof phase === 'string' ? phase : '') {
    case '':
    case 'Pending':
    case 'Running':
      return healthOf('Progressing', message);
    case 'Succeeded':
      return healthOf('Healthy', message);
    case 'Failed':
    case 'Error':
      return healthOf('Degraded', message);
    default:
      return healthOf('Unknown', message);
  }
}
