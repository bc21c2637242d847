/**
 * Permissions of the Driftless GitOps plugins, checked through the Backstage
 * permission framework. Every permission is a resource permission on one
 * Application, so a policy can decide per Application (by project, by owner,
 * by namespace) without the routes changing when projects and RBAC arrive.
 */
import { InputError } from '@backstage/errors';
import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The resource type of every GitOps permission: one Argo CD Application,
 * referred to by {@link toApplicationResourceRef}.
 *
 * @public
 */
export const GITOPS_APPLICATION_RESOURCE_TYPE = 'gitops-application';

/**
 * {@link GITOPS_APPLICATION_RESOURCE_TYPE} as a type.
 *
 * @public
 */
export type GitOpsApplicationResourceType =
  typeof GITOPS_APPLICATION_RESOURCE_TYPE;

/**
 * A permission on one Application.
 *
 * @public
 */
export type GitOpsApplicationPermission =
  ResourcePermission<GitOpsApplicationResourceType>;

/**
 * See an Application: spec, status, resource tree, diffs, live manifests
 * (Secrets masked), events and history. Argo CD's `applications, get`, which
 * also covers a refresh or hard refresh: those only re-read Git and the cluster.
 *
 * @public
 */
export const gitopsApplicationReadPermission = createPermission({
  name: 'gitops.application.read',
  attributes: { action: 'read' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Create an Application through the API. Argo CD's `applications, create`.
 *
 * @public
 */
export const gitopsApplicationCreatePermission = createPermission({
  name: 'gitops.application.create',
  attributes: { action: 'create' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Change an Application's spec, labels or annotations. Argo CD's
 * `applications, update`.
 *
 * @public
 */
export const gitopsApplicationUpdatePermission = createPermission({
  name: 'gitops.application.update',
  attributes: { action: 'update' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Delete an Application (with or without its resources), or delete one of its
 * live resources. Argo CD's `applications, delete`.
 *
 * @public
 */
export const gitopsApplicationDeletePermission = createPermission({
  name: 'gitops.application.delete',
  attributes: { action: 'delete' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Sync an Application to its target state, roll it back to a history entry,
 * or terminate its running operation. Argo CD's `applications, sync`.
 *
 * The action attribute is `update` although the spec is not edited: a sync
 * changes what runs in the cluster, and policies written against the generic
 * attributes ("readers may only `read`") must refuse it without knowing this
 * plugin. The name tells a policy that wants to grant sync alone.
 *
 * @public
 */
export const gitopsApplicationSyncPermission = createPermission({
  name: 'gitops.application.sync',
  attributes: { action: 'update' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Run a resource action on one of the Application's live resources (Argo
 * Rollouts promote, abort, restart, …, or a configured Lua action). Argo CD's
 * `applications, action/<group>/<kind>/<action>`. `update`, as for
 * {@link gitopsApplicationSyncPermission}: actions patch live objects.
 *
 * @public
 */
export const gitopsApplicationActionPermission = createPermission({
  name: 'gitops.application.action',
  attributes: { action: 'update' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Sync with parameters the spec does not hold: overridden source or
 * manifests given in the request instead of those in Git. Argo CD's
 * `applications, override`. Checked in addition to
 * {@link gitopsApplicationSyncPermission}, and `update` for the same reason:
 * it deploys what no commit records, so policies should grant it more
 * narrowly than sync.
 *
 * @public
 */
export const gitopsApplicationOverridePermission = createPermission({
  name: 'gitops.application.override',
  attributes: { action: 'update' },
  resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
});

/**
 * Every GitOps permission, for `permissionsRegistry.addPermissions` and for
 * policies that list what a plugin defines.
 *
 * @public
 */
export const gitopsPermissions: readonly GitOpsApplicationPermission[] = [
  gitopsApplicationReadPermission,
  gitopsApplicationCreatePermission,
  gitopsApplicationUpdatePermission,
  gitopsApplicationDeletePermission,
  gitopsApplicationSyncPermission,
  gitopsApplicationActionPermission,
  gitopsApplicationOverridePermission,
];

/**
 * What identifies an Application, in the permission framework and elsewhere.
 *
 * @public
 */
export interface ApplicationIdentity {
  namespace: string;
  name: string;
}

function checkRefPart(
  part: string,
  label: 'namespace' | 'name',
  where: string,
  kind: 'Application' | 'ApplicationSet' = 'Application',
): void {
  if (part.trim() === '') {
    throw new InputError(`${where}: the ${kind} ${label} is empty`);
  }
  // A '/' would make `<namespace>/<name>` ambiguous; Kubernetes names never hold one.
  if (part.includes('/')) {
    throw new InputError(
      `${where}: the ${kind} ${label} '${part}' contains '/', which Kubernetes names cannot`,
    );
  }
}

/**
 * The resource ref of an Application, `<namespace>/<name>`, the string passed
 * as `resourceRef` when authorizing a GitOps permission.
 *
 * @public
 */
export function toApplicationResourceRef(app: ApplicationIdentity): string {
  const where = 'Cannot build a gitops-application resource ref';
  checkRefPart(app.namespace, 'namespace', where);
  checkRefPart(app.name, 'name', where);
  return `${app.namespace}/${app.name}`;
}

/**
 * Reads a resource ref made by {@link toApplicationResourceRef}, as a
 * permission rule's resource loader receives it.
 *
 * @public
 */
export function parseApplicationResourceRef(ref: string): ApplicationIdentity {
  const where = `Invalid gitops-application resource ref '${ref}'`;
  const slash = ref.indexOf('/');
  if (slash < 0) {
    throw new InputError(`${where}: expected <namespace>/<name>`);
  }
  const namespace = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  checkRefPart(namespace, 'namespace', where);
  checkRefPart(name, 'name', where);
  return { namespace, name };
}

/**
 * The resource type of ApplicationSet permissions: one Argo CD
 * ApplicationSet, referred to by {@link toApplicationSetResourceRef}. A type
 * of its own, as Argo CD's RBAC has the `applicationsets` resource beside
 * `applications`: seeing a set shows what it generates, and a dry run of a
 * set reads Git and SCM APIs with the backend's credentials.
 *
 * @public
 */
export const GITOPS_APPLICATION_SET_RESOURCE_TYPE = 'gitops-applicationset';

/**
 * {@link GITOPS_APPLICATION_SET_RESOURCE_TYPE} as a type.
 *
 * @public
 */
export type GitOpsApplicationSetResourceType =
  typeof GITOPS_APPLICATION_SET_RESOURCE_TYPE;

/**
 * A permission on one ApplicationSet.
 *
 * @public
 */
export type GitOpsApplicationSetPermission =
  ResourcePermission<GitOpsApplicationSetResourceType>;

/**
 * See an ApplicationSet: spec, status, conditions, the Applications it
 * generated with their sync and health, its events, and a dry run of the
 * stored set (what it would generate now). Argo CD's `applicationsets, get`.
 *
 * @public
 */
export const gitopsApplicationSetReadPermission = createPermission({
  name: 'gitops.applicationset.read',
  attributes: { action: 'read' },
  resourceType: GITOPS_APPLICATION_SET_RESOURCE_TYPE,
});

/**
 * Generate from an ApplicationSet given in the request (a dry run of a set
 * that is not stored, or not as written). Argo CD asks `applicationsets,
 * create` for its generate call: the set's generators read any repository
 * and SCM organization the backend's credentials reach, so it is granted as
 * narrowly as creating a set would be. Nothing is stored.
 *
 * @public
 */
export const gitopsApplicationSetCreatePermission = createPermission({
  name: 'gitops.applicationset.create',
  attributes: { action: 'create' },
  resourceType: GITOPS_APPLICATION_SET_RESOURCE_TYPE,
});

/**
 * Every ApplicationSet permission, for `permissionsRegistry.addPermissions`.
 *
 * @public
 */
export const gitopsApplicationSetPermissions: readonly GitOpsApplicationSetPermission[] =
  [gitopsApplicationSetReadPermission, gitopsApplicationSetCreatePermission];

/**
 * The resource ref of an ApplicationSet, `<namespace>/<name>`, the string
 * passed as `resourceRef` when authorizing a GitOps ApplicationSet permission.
 *
 * @public
 */
export function toApplicationSetResourceRef(
  appSet: ApplicationIdentity,
): string {
  const where = 'Cannot build a gitops-applicationset resource ref';
  checkRefPart(appSet.namespace, 'namespace', where, 'ApplicationSet');
  checkRefPart(appSet.name, 'name', where, 'ApplicationSet');
  return `${appSet.namespace}/${appSet.name}`;
}
