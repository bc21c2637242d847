import { DiffSettings, IgnoreDifferences } from '../diff/ignoreDifferences';
import type { KubernetesObject } from '../render/types';
import { keepIgnoredFields } from './keepIgnoredFields';

const rulesFor = (rules: ConstructorParameters<typeof IgnoreDifferences>[0]) =>
  new IgnoreDifferences(rules, DiffSettings.defaults).rulesFor(
    'apps',
    'Deployment',
    'web',
    'shop',
  );

function deploymentWith(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec,
    ...extra,
  };
}

const containers = (...images: string[]) =>
  images.map((image, i) => ({ name: `c${i}`, image }));

describe('keepIgnoredFields', () => {
  it('takes the live value of a field a JSON pointer ignores, and leaves the rest as desired', () => {
    const target = deploymentWith({ replicas: 1, paused: false });
    const live = deploymentWith(
      { replicas: 5, paused: true },
      { status: { replicas: 5 } },
    );
    expect(
      keepIgnoredFields(
        target,
        live,
        rulesFor([
          {
            group: 'apps',
            kind: 'Deployment',
            jsonPointers: ['/spec/replicas'],
          },
        ]),
      ),
    ).toEqual(deploymentWith({ replicas: 5, paused: false }));
  });

  it('leaves an ignored field out when live has none, and never copies status', () => {
    const target = deploymentWith({ replicas: 1 });
    const live = deploymentWith({}, { status: { ready: 1 } });
    expect(
      keepIgnoredFields(
        target,
        live,
        rulesFor([
          {
            group: 'apps',
            kind: 'Deployment',
            jsonPointers: ['/spec/replicas'],
          },
        ]),
      ),
    ).toEqual(deploymentWith({}));
  });

  it('follows jq path expressions into list items', () => {
    const target = deploymentWith({
      template: { spec: { containers: containers('app:2', 'sidecar:1') } },
    });
    const live = deploymentWith({
      template: { spec: { containers: containers('app:1', 'sidecar:9') } },
    });
    const rules = rulesFor([
      {
        group: 'apps',
        kind: 'Deployment',
        jqPathExpressions: [
          '.spec.template.spec.containers[] | select(.name == "c1") | .image',
        ],
      },
    ]);
    expect(keepIgnoredFields(target, live, rules)).toEqual(
      deploymentWith({
        template: { spec: { containers: containers('app:2', 'sidecar:9') } },
      }),
    );
  });

  it('keeps the fields trusted managers own', () => {
    const target = deploymentWith({ replicas: 1, paused: false });
    const live = deploymentWith(
      { replicas: 4, paused: false },
      {
        metadata: {
          name: 'web',
          namespace: 'shop',
          managedFields: [
            {
              manager: 'autoscaler',
              operation: 'Apply',
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:spec': { 'f:replicas': {} } },
            },
          ],
        },
      },
    );
    const result = keepIgnoredFields(
      target,
      live,
      rulesFor([
        {
          group: 'apps',
          kind: 'Deployment',
          managedFieldsManagers: ['autoscaler'],
        },
      ]),
    );
    expect(result.spec).toEqual({ replicas: 4, paused: false });
    expect(result.metadata.managedFields).toBeUndefined();
  });

  it('returns the target itself when no rule applies', () => {
    const target = deploymentWith({ replicas: 1 });
    expect(
      keepIgnoredFields(target, deploymentWith({ replicas: 2 }), rulesFor([])),
    ).toBe(target);
  });
});
