import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  toApplicationResourceRef,
  type GitOpsApplicationPermission,
} from '@driftless/backstage-plugin-gitops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ApplicationKey } from '../database/types';

/**
 * Throws NotAllowedError unless the caller holds every permission on the
 * application. Checked before the app is loaded, so a caller without access
 * learns nothing about whether it exists.
 */
export async function authorizeOnApplication(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  key: ApplicationKey,
  required: GitOpsApplicationPermission[],
): Promise<void> {
  const resourceRef = toApplicationResourceRef(key);
  const decisions = await permissions.authorize(
    required.map(permission => ({ permission, resourceRef })),
    { credentials },
  );
  const refused = required.filter(
    (_, index) => decisions[index].result !== AuthorizeResult.ALLOW,
  );
  if (refused.length > 0) {
    throw new NotAllowedError(
      `You may not do this on application ${resourceRef}: it needs the permission ${refused
        .map(permission => `'${permission.name}'`)
        .join(
          ' and ',
        )}. Ask an administrator of the Backstage permission policy to grant it`,
    );
  }
}

/**
 * How the caller may read applications in general: every one (ALLOW), none
 * (DENY), or some, decided per application (CONDITIONAL).
 */
export async function applicationReadScope(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: GitOpsApplicationPermission,
): Promise<AuthorizeResult> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  return decision.result;
}

/** Which of `keys` the caller holds `permission` on, in one batch request. */
export async function authorizedKeys<Key extends ApplicationKey>(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: GitOpsApplicationPermission,
  keys: Key[],
): Promise<Key[]> {
  if (keys.length === 0) {
    return [];
  }
  const decisions = await permissions.authorize(
    keys.map(key => ({
      permission,
      resourceRef: toApplicationResourceRef(key),
    })),
    { credentials },
  );
  return keys.filter(
    (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
  );
}
