import { usePermission } from '@backstage/plugin-permission-react';
import {
  gitopsApplicationActionPermission,
  gitopsApplicationOverridePermission,
  gitopsApplicationReadPermission,
  gitopsApplicationSyncPermission,
  toApplicationResourceRef,
  type ApplicationIdentity,
} from '@driftless/backstage-plugin-gitops-common';

export interface PermissionState {
  allowed: boolean;
  loading: boolean;
}

export interface ApplicationPermissions {
  /** Refresh and hard refresh (they only re-read Git and the cluster). */
  read: PermissionState;
  /** Sync, rollback, terminate. */
  sync: PermissionState;
  /** Sync to a revision other than the target revision. */
  override: PermissionState;
  /** Resource actions (Rollout promote, abort, …). */
  action: PermissionState;
}

/**
 * What the signed-in user may do to one application, asked of the
 * permission framework with the app as resource, exactly as the backend
 * asks before it acts. The UI uses it to show or disable actions; the
 * backend's check is the one that counts.
 */
export function useApplicationPermissions(
  app: ApplicationIdentity,
): ApplicationPermissions {
  const resourceRef = toApplicationResourceRef(app);
  const read = usePermission({
    permission: gitopsApplicationReadPermission,
    resourceRef,
  });
  const sync = usePermission({
    permission: gitopsApplicationSyncPermission,
    resourceRef,
  });
  const override = usePermission({
    permission: gitopsApplicationOverridePermission,
    resourceRef,
  });
  const action = usePermission({
    permission: gitopsApplicationActionPermission,
    resourceRef,
  });
  const state = ({ allowed, loading }: PermissionState) => ({
    allowed,
    loading,
  });
  return {
    read: state(read),
    sync: state(sync),
    override: state(override),
    action: state(action),
  };
}
