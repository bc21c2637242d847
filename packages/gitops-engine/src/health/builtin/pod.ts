import { isHook } from '../hooks';
import { TypedFieldReader } from '../objectFields';
import { annotationsOf } from '../resourceIdentity';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf, quote } from './checkSupport';

/** Makes a Pod with restartPolicy OnFailure or Never be judged like a long-running one (not honoured on hooks). */
export const IGNORE_RESTART_POLICY_ANNOTATION =
  'argocd.argoproj.io/ignore-restart-policy';

function isContainerErrorReason(reason: string): boolean {
  return (
    reason.startsWith('Err') ||
    reason.endsWith('Error') ||
    reason.endsWith('BackOff')
  );
}

function terminatedMessage(container: TypedFieldReader): string {
  if (!container.has('state', 'terminated')) return '';
  const message = container.string('state', 'terminated', 'message') ?? '';
  if (message) return message;
  const reason = container.string('state', 'terminated', 'reason') ?? '';
  if (reason === 'OOMKilled') return reason;
  const exitCode = container.int('state', 'terminated', 'exitCode') ?? 0;
  if (exitCode !== 0) {
    return `container ${quote(
      container.string('name') ?? '',
    )} failed with exit code ${exitCode}`;
  }
  return '';
}

export function podHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'Pod');
  const restartPolicy = r.string('spec', 'restartPolicy') ?? '';
  const statusMessage = r.string('status', 'message') ?? '';
  // A Pod with restartPolicy OnFailure/Never is usually a hook: calling it
  // Degraded on ImagePullBackOff would fail the hook before the image appears.
  const judgedAsLongRunning =
    restartPolicy === 'Always' ||
    (annotationsOf(obj)[IGNORE_RESTART_POLICY_ANNOTATION] === 'true' &&
      !isHook(obj));
  const containers = r.records('status', 'containerStatuses');

  if (judgedAsLongRunning) {
    const errorMessages = containers
      .filter(
        c =>
          c.has('state', 'waiting') &&
          isContainerErrorReason(c.string('state', 'waiting', 'reason') ?? ''),
      )
      .map(c => c.string('state', 'waiting', 'message') ?? '');
    if (errorMessages.length > 0) {
      return healthOf('Degraded', errorMessages.join(', '));
    }
  }

  switch (r.string('status', 'phase')) {
    case 'Pending':
      return healthOf('Progressing', statusMessage);
    case 'Succeeded':
      return healthOf('Healthy', statusMessage);
    case 'Failed': {
      if (statusMessage) return healthOf('Degraded', statusMessage);
      const allContainers = [
        ...r.records('status', 'initContainerStatuses'),
        ...containers,
      ];
      for (const container of allContainers) {
        const message = terminatedMessage(container);
        if (message) return healthOf('Degraded', message);
      }
      return healthOf('Degraded', '');
    }
    case 'Running': {
      if (judgedAsLongRunning) {
        const ready = r
          .records('status', 'conditions')
          .some(
            c => c.string('type') === 'Ready' && c.string('status') === 'True',
          );
        if (ready) return healthOf('Healthy', statusMessage);
        if (containers.some(c => c.has('lastState', 'terminated'))) {
          return healthOf('Degraded', statusMessage);
        }
        return healthOf('Progressing', statusMessage);
      }
      if (restartPolicy === 'OnFailure' || restartPolicy === 'Never') {
        // Pods that run to completion are Progressing until they succeed.
        return healthOf('Progressing', statusMessage);
      }
      break;
    }
    default:
      break;
  }
  return healthOf('Unknown', statusMessage);
}
