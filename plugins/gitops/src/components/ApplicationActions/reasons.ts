import type { GitOpsApplication } from '@driftless/backstage-plugin-gitops-common';
import type {
  ApplicationPermissions,
  PermissionState,
} from '../../hooks/useApplicationPermissions';
import { isAutomatedSync, isOperationRunning } from '../../lib/applications';

/**
 * Why each application action cannot run now, or undefined when it can.
 * The texts say what would have to change; the backend enforces the same
 * rules (plugins/gitops-backend/src/routes/operationRoutes.ts).
 */
export interface ActionAvailability {
  sync?: string;
  refresh?: string;
  rollback?: string;
  terminate?: string;
}

export const AUTOMATED_ROLLBACK_REASON =
  'Rollback is refused while automated sync is on: the controller would sync the app straight back to what Git says. Revert the commit in Git instead, or turn off spec.syncPolicy.automated in Git first.';

export const OPERATION_RUNNING_REASON =
  'An operation is running; wait for it to finish or terminate it.';

function denied(
  permission: PermissionState,
  what: string,
  permissionName: string,
): string | undefined {
  if (permission.loading) return 'Checking your permissions…';
  return permission.allowed
    ? undefined
    : `You are not allowed to ${what} this application (permission ${permissionName}).`;
}

function rollbackRefusal(app: GitOpsApplication): string | undefined {
  if (isAutomatedSync(app)) return AUTOMATED_ROLLBACK_REASON;
  if (isOperationRunning(app)) return OPERATION_RUNNING_REASON;
  // Only single-application responses carry the history; the list leaves it out.
  const history = app.status.history;
  if (history && history.length < 2) {
    return 'There is no earlier deployment to roll back to.';
  }
  return undefined;
}

function terminateRefusal(app: GitOpsApplication): string | undefined {
  if (!isOperationRunning(app)) return 'No operation is running.';
  if (app.status.operationState?.phase === 'Terminating') {
    return 'Termination was already requested; the operation stops after its current step.';
  }
  return undefined;
}

export function actionAvailability(
  app: GitOpsApplication,
  permissions: ApplicationPermissions,
): ActionAvailability {
  const syncName = 'gitops.application.sync';
  return {
    sync:
      denied(permissions.sync, 'sync', syncName) ??
      (isOperationRunning(app) ? OPERATION_RUNNING_REASON : undefined),
    refresh: denied(permissions.read, 'refresh', 'gitops.application.read'),
    rollback:
      denied(permissions.sync, 'roll back', syncName) ?? rollbackRefusal(app),
    terminate:
      denied(permissions.sync, 'terminate operations of', syncName) ??
      terminateRefusal(app),
  };
}
