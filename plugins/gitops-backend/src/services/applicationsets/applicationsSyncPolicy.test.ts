import {
  allowsDelete,
  allowsUpdate,
  effectiveApplicationsSync,
} from './applicationsSyncPolicy';

describe('effectiveApplicationsSync (Argo CD DefaultPolicy)', () => {
  it.each([
    // [set's policy, controller policy, override, effective]
    [undefined, undefined, true, 'sync'],
    ['create-only', undefined, true, 'create-only'],
    ['create-only', undefined, false, 'sync'],
    [undefined, 'create-update', false, 'create-update'],
    ['sync', 'create-update', false, 'create-update'],
    ['sync', 'create-update', true, 'sync'],
    ['create-delete', 'create-only', true, 'create-delete'],
  ] as const)(
    'set %p, controller %p, override %p → %p',
    (own, controller, override, expected) => {
      expect(
        effectiveApplicationsSync(own ? { applicationsSync: own } : undefined, {
          policy: controller,
          enablePolicyOverride: override,
        }),
      ).toBe(expected);
    },
  );

  it.each([
    ['create-only', false, false],
    ['create-update', true, false],
    ['create-delete', false, true],
    ['sync', true, true],
  ] as const)('%s: update %p, delete %p', (policy, update, remove) => {
    expect(allowsUpdate(policy)).toBe(update);
    expect(allowsDelete(policy)).toBe(remove);
  });
});
