import type { ManagedResource } from '@driftless/backstage-plugin-gitops-common';
import { ensureSecretValuesMasked } from './secretMasking';

function secret(states: Partial<ManagedResource>): ManagedResource {
  return {
    group: '',
    kind: 'Secret',
    namespace: 'shop',
    name: 'db',
    ...states,
  };
}

describe('ensureSecretValuesMasked', () => {
  it('leaves masked Secrets and other kinds untouched', () => {
    const resources: ManagedResource[] = [
      secret({
        targetState: JSON.stringify({
          data: { a: '++++++++', b: '+++++++++' },
        }),
        liveState: 'null',
        diff: '[]',
      }),
      {
        group: 'apps',
        kind: 'Deployment',
        name: 'web',
        // Not a Secret: a `data` field here is no secret's.
        targetState: JSON.stringify({ data: { a: 'plain' } }),
      },
      // A custom resource named Secret in another group is not core/v1 Secret.
      {
        group: 'example.com',
        kind: 'Secret',
        name: 'x',
        targetState: JSON.stringify({ data: { a: 'plain' } }),
      },
    ];
    expect(ensureSecretValuesMasked(resources)).toEqual({
      items: resources,
      unmaskedSecrets: [],
    });
  });

  it('masks values left in clear, equal values alike, and drops the diff', () => {
    const { items, unmaskedSecrets } = ensureSecretValuesMasked([
      secret({
        targetState: JSON.stringify({
          data: { user: 'YWRtaW4=', password: 'czNjcmV0' },
          stringData: { copy: 'YWRtaW4=' },
        }),
        liveState: JSON.stringify({
          data: { user: 'YWRtaW4=', password: 'b2xk' },
        }),
        diff: 'password: czNjcmV0',
        modified: true,
      }),
    ]);
    expect(unmaskedSecrets).toEqual(['shop/db']);
    const target = JSON.parse(items[0].targetState!);
    const live = JSON.parse(items[0].liveState!);
    expect(target.data.user).toBe(live.data.user);
    expect(target.stringData.copy).toBe(target.data.user);
    // Different values, different masks: the diff still shows that password changed.
    expect(target.data.password).not.toBe(live.data.password);
    expect(JSON.stringify(items)).not.toMatch(/YWRtaW4=|czNjcmV0|b2xk/);
    expect(items[0].diff).toBeUndefined();
    expect(items[0].modified).toBe(true);
  });

  it("masks kubectl's last-applied copy and drops states that are not JSON", () => {
    const { items, unmaskedSecrets } = ensureSecretValuesMasked([
      secret({
        liveState: JSON.stringify({
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration':
                '{"data":{"password":"czNjcmV0"}}',
              team: 'a',
            },
          },
          data: { password: '++++++++' },
        }),
        targetState: 'password: czNjcmV0',
      }),
    ]);
    expect(unmaskedSecrets).toEqual(['shop/db']);
    expect(items[0].targetState).toBeUndefined();
    const live = JSON.parse(items[0].liveState!);
    expect(live.metadata.annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': '++++++++',
      team: 'a',
    });
  });
});
