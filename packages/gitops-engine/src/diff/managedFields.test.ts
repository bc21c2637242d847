import type { KubernetesObject } from '../render/types';
import {
  removeManagedFieldsDifferences,
  removeWebhookMutations,
} from './managedFields';
import { maskSecretPair, unifiedDiff } from './presentation';

const entry = (manager: string, fieldsV1: object, operation = 'Apply') => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1,
});

const deployment = (
  spec: object,
  managedFields: object[] = [],
): KubernetesObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', managedFields },
  spec,
});

describe('removeManagedFieldsDifferences (managedFieldsManagers)', () => {
  const live = deployment(
    {
      replicas: 7,
      paused: false,
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:2',
              resources: { limits: { cpu: '2' } },
            },
            { name: 'side', image: 'side:1' },
          ],
        },
      },
    },
    [
      entry('driftless', { 'f:spec': { 'f:template': {} } }),
      entry(
        'vpa',
        {
          'f:spec': {
            'f:replicas': {},
            'f:paused': {},
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    'f:resources': { 'f:limits': { 'f:cpu': {} } },
                  },
                },
              },
            },
          },
        },
        'Update',
      ),
    ],
  );
  const desired = deployment({
    replicas: 3,
    paused: false,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'web:3', resources: { limits: { cpu: '1' } } },
          { name: 'side', image: 'side:1' },
        ],
      },
    },
  });

  it('removes the fields a trusted manager owns where desired would change them, from both', () => {
    const result = removeManagedFieldsDifferences(live, desired, ['vpa']);
    for (const object of [result.live, result.desired]) {
      expect(object.spec).not.toHaveProperty('replicas');
      expect(
        (object.spec as any).template.spec.containers[0].resources.limits,
      ).toEqual({});
    }
    // Owned but equal: kept, so it is still compared.
    expect((result.live.spec as any).paused).toBe(false);
    // Not owned by the manager: kept, a real difference.
    expect((result.live.spec as any).template.spec.containers[0].image).toBe(
      'web:2',
    );
    expect((result.desired.spec as any).template.spec.containers[0].image).toBe(
      'web:3',
    );
    // The inputs are not touched.
    expect((live.spec as any).replicas).toBe(7);
    expect((desired.spec as any).replicas).toBe(3);
  });

  it('changes nothing for managers that are not trusted', () => {
    const result = removeManagedFieldsDifferences(live, desired, ['kubectl']);
    expect(result.live).toEqual(live);
    expect(result.desired).toEqual(desired);
  });
});

describe('removeWebhookMutations', () => {
  it('gives fields the manager does not own their live value, and drops what live lacks', () => {
    const live = deployment({
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'web:1', imagePullPolicy: 'Always' },
          ],
        },
      },
    });
    const predicted = deployment(
      {
        replicas: 2,
        injected: 'by-webhook',
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'web:2', imagePullPolicy: 'IfNotPresent' },
              { name: 'istio-proxy', image: 'proxy:1' },
            ],
          },
        },
      },
      [
        entry('driftless', {
          'f:spec': {
            'f:replicas': {},
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} },
                },
              },
            },
          },
        }),
        entry('istio-webhook', {
          'f:spec': {
            'f:template': {
              'f:spec': { 'f:containers': { 'k:{"name":"istio-proxy"}': {} } },
            },
          },
        }),
      ],
    );
    const result = removeWebhookMutations(predicted, live, 'driftless') as any;
    expect(result.spec).toEqual({
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'web:2', imagePullPolicy: 'Always' },
          ],
        },
      },
    });
  });

  it('keeps the predicted value of a field the manager owned live and now gives up', () => {
    const live: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 's',
        managedFields: [
          entry('driftless', { 'f:spec': { 'f:type': {}, 'f:selector': {} } }),
        ],
      },
      spec: { type: 'NodePort', selector: { a: 'b' } },
    };
    const predicted: KubernetesObject = {
      ...live,
      metadata: {
        name: 's',
        managedFields: [entry('driftless', { 'f:spec': { 'f:selector': {} } })],
      },
      spec: { type: 'ClusterIP', selector: { a: 'b' } },
    };
    expect(
      (removeWebhookMutations(predicted, live, 'driftless').spec as any).type,
    ).toBe('ClusterIP');
  });

  it("counts a Secret's stringData ownership as owning those data keys", () => {
    const live: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: 'bGl2ZQ==' },
    };
    const predicted: KubernetesObject = {
      ...live,
      metadata: {
        name: 's',
        managedFields: [
          entry('driftless', { 'f:stringData': { 'f:password': {} } }),
        ],
      },
      data: { password: 'ZGVzaXJlZA==' },
    };
    expect(removeWebhookMutations(predicted, live, 'driftless').data).toEqual({
      password: 'ZGVzaXJlZA==',
    });
  });

  it('returns the prediction unchanged when the manager owns nothing in it', () => {
    const predicted = deployment({ replicas: 1 }, [
      entry('someone-else', { 'f:spec': { 'f:replicas': {} } }),
    ]);
    expect(
      removeWebhookMutations(predicted, deployment({}), 'driftless'),
    ).toEqual(predicted);
  });
});

describe('presentation', () => {
  const secret = (data: Record<string, string>): KubernetesObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data,
  });

  it("masks Secret values per key: equal values alike, different ones with four more '+'", () => {
    const { desired, live } = maskSecretPair(
      secret({ a: 'x', b: 'same', c: 'new' }),
      secret({ a: 'y', b: 'same', d: 'old' }),
    );
    expect(desired!.data).toEqual({
      a: '++++++++',
      b: '++++++++',
      c: '++++++++',
    });
    expect(live!.data).toEqual({
      a: '++++++++++++',
      b: '++++++++',
      d: '++++++++',
    });
  });

  it('leaves objects other than Secrets alone', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'x' },
    };
    expect(maskSecretPair(configMap, undefined).desired).toBe(configMap);
  });

  it('renders a unified diff of sorted YAML, empty when equal', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { b: '2', a: '1' },
    };
    const desired = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c' },
      data: { a: '1', b: '3' },
    };
    expect(unifiedDiff('core/ConfigMap/c', live, { ...live })).toBe('');
    expect(unifiedDiff('core/ConfigMap/c', live, desired)).toBe(
      [
        '--- live/core/ConfigMap/c',
        '+++ desired/core/ConfigMap/c',
        '@@ -1,7 +1,7 @@',
        ' apiVersion: v1',
        ' data:',
        '   a: "1"',
        '-  b: "2"',
        '+  b: "3"',
        ' kind: ConfigMap',
        ' metadata:',
        '   name: c',
        '',
      ].join('\n'),
    );
  });
});
