import { InputError } from '@backstage/errors';
import {
  isCreatePermission,
  isDeletePermission,
  isReadPermission,
  isResourcePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  GITOPS_APPLICATION_RESOURCE_TYPE,
  gitopsApplicationActionPermission,
  gitopsApplicationCreatePermission,
  gitopsApplicationDeletePermission,
  gitopsApplicationOverridePermission,
  gitopsApplicationReadPermission,
  gitopsApplicationSyncPermission,
  gitopsApplicationUpdatePermission,
  gitopsPermissions,
  parseApplicationResourceRef,
  toApplicationResourceRef,
} from './permissions';

describe('gitops permissions', () => {
  // The names are the contract with policies and RBAC files: renaming one silently revokes or grants access.
  it.each([
    ['gitops.application.read', 'read', gitopsApplicationReadPermission],
    ['gitops.application.create', 'create', gitopsApplicationCreatePermission],
    ['gitops.application.update', 'update', gitopsApplicationUpdatePermission],
    ['gitops.application.delete', 'delete', gitopsApplicationDeletePermission],
    ['gitops.application.sync', 'update', gitopsApplicationSyncPermission],
    ['gitops.application.action', 'update', gitopsApplicationActionPermission],
    [
      'gitops.application.override',
      'update',
      gitopsApplicationOverridePermission,
    ],
  ])(
    '%s is a gitops-application resource permission with action %s',
    (name, action, permission) => {
      expect(permission).toEqual({
        type: 'resource',
        name,
        attributes: { action },
        resourceType: 'gitops-application',
      });
      expect(isResourcePermission(permission)).toBe(true);
      expect(
        isResourcePermission(permission, GITOPS_APPLICATION_RESOURCE_TYPE),
      ).toBe(true);
      expect(isResourcePermission(permission, 'catalog-entity')).toBe(false);
    },
  );

  it('lists every permission once, in gitopsPermissions', () => {
    expect(gitopsPermissions.map(p => p.name)).toEqual([
      'gitops.application.read',
      'gitops.application.create',
      'gitops.application.update',
      'gitops.application.delete',
      'gitops.application.sync',
      'gitops.application.action',
      'gitops.application.override',
    ]);
    expect(
      gitopsPermissions.every(p =>
        isResourcePermission(p, 'gitops-application'),
      ),
    ).toBe(true);
  });

  it('lets policies written against the generic attributes tell reading from changing', () => {
    expect(gitopsPermissions.filter(p => isReadPermission(p))).toEqual([
      gitopsApplicationReadPermission,
    ]);
    expect(gitopsPermissions.filter(p => isCreatePermission(p))).toEqual([
      gitopsApplicationCreatePermission,
    ]);
    expect(gitopsPermissions.filter(p => isDeletePermission(p))).toEqual([
      gitopsApplicationDeletePermission,
    ]);
    // Sync, actions and overrides change the cluster, so a "no updates" policy must catch them.
    expect(gitopsPermissions.filter(p => isUpdatePermission(p))).toEqual([
      gitopsApplicationUpdatePermission,
      gitopsApplicationSyncPermission,
      gitopsApplicationActionPermission,
      gitopsApplicationOverridePermission,
    ]);
  });
});

describe('application resource refs', () => {
  it('builds <namespace>/<name>', () => {
    expect(
      toApplicationResourceRef({ namespace: 'argocd', name: 'shop' }),
    ).toBe('argocd/shop');
  });

  it('reads back what it builds', () => {
    const ref = toApplicationResourceRef({
      namespace: 'team-a',
      name: 'shop-prod',
    });
    expect(parseApplicationResourceRef(ref)).toEqual({
      namespace: 'team-a',
      name: 'shop-prod',
    });
  });

  it.each([
    [{ namespace: '', name: 'shop' }, /namespace is empty/],
    [{ namespace: 'argocd', name: ' ' }, /name is empty/],
    [{ namespace: 'a/b', name: 'shop' }, /namespace 'a\/b' contains '\/'/],
    [{ namespace: 'argocd', name: 'x/y' }, /name 'x\/y' contains '\/'/],
  ])('refuses %o', (identity, message) => {
    expect(() => toApplicationResourceRef(identity)).toThrow(InputError);
    expect(() => toApplicationResourceRef(identity)).toThrow(message);
  });

  it.each([
    ['shop', /expected <namespace>\/<name>/],
    ['/shop', /namespace is empty/],
    ['argocd/', /name is empty/],
    ['argocd/shop/extra', /name 'shop\/extra' contains '\/'/],
  ])('refuses the ref %s, naming it', (ref, message) => {
    expect(() => parseApplicationResourceRef(ref)).toThrow(InputError);
    expect(() => parseApplicationResourceRef(ref)).toThrow(
      `Invalid gitops-application resource ref '${ref}'`,
    );
    expect(() => parseApplicationResourceRef(ref)).toThrow(message);
  });
});
