import type { KubernetesObject } from '../render/types';
import {
  ARGOCD_TRACKING_ANNOTATION,
  applicationInstanceName,
  DRIFTLESS_TRACKING_ANNOTATION,
  formatTrackingId,
  INSTANCE_LABEL,
  parseTrackingId,
  ResourceTracking,
  TrackingIdError,
  truncateLabelValue,
} from './ResourceTracking';

const deployment: KubernetesObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { tier: 'front' } },
  spec: {},
};
const clusterRole: KubernetesObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'reader' },
};
const configMap: KubernetesObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
};

describe('tracking ids', () => {
  it('formats and parses <app>:<group>/<kind>:<namespace>/<name>', () => {
    const id = {
      appInstanceName: 'shop',
      group: '',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'settings',
    };
    expect(formatTrackingId(id)).toBe('shop:/ConfigMap:shop/settings');
    expect(parseTrackingId('shop:/ConfigMap:shop/settings')).toEqual(id);
    expect(parseTrackingId('apps_shop:apps/Deployment:shop/web')).toEqual({
      appInstanceName: 'apps_shop',
      group: 'apps',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
  });

  it('splits on the first two colons only, as Argo CD does', () => {
    // A name cannot hold ':', but the third part is taken whole.
    expect(parseTrackingId('a:g/K:ns/n:x')).toMatchObject({
      namespace: 'ns',
      name: 'n:x',
    });
  });

  it.each([
    'shop',
    'shop:apps/Deployment',
    'shop:Deployment:shop/web',
    'shop:apps/Deployment:web',
    'shop:a/b/c:ns/n',
  ])('refuses the malformed id %j', value => {
    expect(() => parseTrackingId(value)).toThrow(TrackingIdError);
    expect(() => parseTrackingId(value)).toThrow(
      'should read <application-name>:<group>/<kind>:<namespace>/<name>',
    );
  });

  it('names apps outside the control-plane namespace <namespace>_<name>', () => {
    expect(applicationInstanceName({ name: 'shop' }, 'argocd')).toBe('shop');
    expect(
      applicationInstanceName({ name: 'shop', namespace: 'argocd' }, 'argocd'),
    ).toBe('shop');
    expect(
      applicationInstanceName({ name: 'shop', namespace: 'team-a' }, 'argocd'),
    ).toBe('team-a_shop');
  });

  it("truncates label values to 63 characters ending on a letter or digit (Argo CD's TruncateLabel)", () => {
    expect(truncateLabelValue('short')).toBe('short');
    const long = `${'a'.repeat(60)}-_.bbb`;
    expect(truncateLabelValue(long)).toBe('a'.repeat(60));
    expect(truncateLabelValue('x'.repeat(70))).toHaveLength(63);
    expect(() => truncateLabelValue(`${'-'.repeat(70)}`)).toThrow(
      /no letter or digit/,
    );
  });
});

describe('ResourceTracking', () => {
  it('stamps the driftless annotation by default, leaving the input untouched', () => {
    const tracking = new ResourceTracking();
    const stamped = tracking.stamp(deployment, 'shop', 'shop');
    expect(stamped.metadata.annotations).toEqual({
      [DRIFTLESS_TRACKING_ANNOTATION]: 'shop:apps/Deployment:shop/web',
    });
    expect(stamped.metadata.labels).toEqual({ tier: 'front' });
    expect(deployment.metadata.annotations).toBeUndefined();
  });

  it('uses the destination namespace in the id of cluster-scoped objects', () => {
    const stamped = new ResourceTracking().stamp(clusterRole, 'shop', 'shop');
    expect(stamped.metadata.annotations![DRIFTLESS_TRACKING_ANNOTATION]).toBe(
      'shop:rbac.authorization.k8s.io/ClusterRole:shop/reader',
    );
  });

  it('stamps the label for label tracking, not truncated, and both for annotation+label, truncated', () => {
    const longName = `team-a_${'a'.repeat(70)}`;
    const label = new ResourceTracking({ method: 'label' }).stamp(
      configMap,
      longName,
    );
    expect(label.metadata.labels).toEqual({ [INSTANCE_LABEL]: longName });
    expect(label.metadata.annotations).toBeUndefined();
    const both = new ResourceTracking({ method: 'annotation+label' }).stamp(
      configMap,
      longName,
    );
    expect(both.metadata.labels![INSTANCE_LABEL]).toBe(
      truncateLabelValue(longName),
    );
    expect(both.metadata.annotations![DRIFTLESS_TRACKING_ANNOTATION]).toBe(
      `${longName}:/ConfigMap:shop/settings`,
    );
  });

  it('leaves CustomResourceDefinitions unmarked, as Argo CD does', () => {
    const crd: KubernetesObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
    };
    expect(new ResourceTracking().stamp(crd, 'shop')).toBe(crd);
  });

  it("reads Argo CD's keys for a cluster taken over from Argo CD", () => {
    const tracking = ResourceTracking.argoCD();
    expect(tracking.annotationKey).toBe(ARGOCD_TRACKING_ANNOTATION);
    const live = tracking.stamp(deployment, 'shop', 'shop');
    expect(live.metadata.annotations).toEqual({
      'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web',
    });
    expect(tracking.ownerOf(live)).toBe('shop');
    expect(new ResourceTracking().ownerOf(live)).toBeUndefined();
    const labelled = {
      ...configMap,
      metadata: {
        ...configMap.metadata,
        labels: { [INSTANCE_LABEL]: 'legacy' },
      },
    };
    expect(ResourceTracking.argoCD('label').ownerOf(labelled)).toBe('legacy');
    expect(
      new ResourceTracking({
        method: 'label',
        labelKey: 'example.com/app',
      }).ownerOf(labelled),
    ).toBeUndefined();
  });

  describe('ownership', () => {
    const tracking = new ResourceTracking();
    const live = tracking.stamp(deployment, 'shop', 'shop');

    it('tells which app owns an object by its tracking id', () => {
      expect(tracking.trackedAppName(live)).toBe('shop');
      expect(tracking.trackingIdOf(live)).toMatchObject({
        kind: 'Deployment',
        name: 'web',
      });
      expect(tracking.ownerOf(live)).toBe('shop');
      expect(tracking.ownerOf(configMap)).toBeUndefined();
    });

    it('does not claim an object that carries a tracking id copied from another object', () => {
      // An operator copied the Deployment's annotations onto its ReplicaSet.
      const copy: KubernetesObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'web-5d4f',
          namespace: 'shop',
          annotations: live.metadata.annotations,
        },
      };
      expect(tracking.trackedAppName(copy)).toBe('shop');
      expect(tracking.isSelfReferenced(copy)).toBe(false);
      expect(tracking.ownerOf(copy)).toBeUndefined();
      const renamed = {
        ...live,
        metadata: { ...live.metadata, name: 'web-copy' },
      };
      expect(tracking.ownerOf(renamed)).toBeUndefined();
      const moved = {
        ...live,
        metadata: { ...live.metadata, namespace: 'other' },
      };
      expect(tracking.ownerOf(moved)).toBeUndefined();
    });

    it('accepts a cluster-scoped object whose id holds the destination namespace', () => {
      const role = tracking.stamp(clusterRole, 'shop', 'shop');
      expect(tracking.isSelfReferenced(role)).toBe(true);
      expect(tracking.ownerOf(role)).toBe('shop');
    });

    it('checks against the desired object when there is one (an apiVersion upgrade keeps the object)', () => {
      const oldIngress: KubernetesObject = {
        apiVersion: 'extensions/v1beta1',
        kind: 'Ingress',
        metadata: {
          name: 'web',
          namespace: 'shop',
          annotations: {
            [DRIFTLESS_TRACKING_ANNOTATION]: 'shop:extensions/Ingress:shop/web',
          },
        },
      };
      const desired = { ...oldIngress, apiVersion: 'networking.k8s.io/v1' };
      const liveAsServed = {
        ...oldIngress,
        apiVersion: 'networking.k8s.io/v1',
      };
      expect(tracking.isSelfReferenced(liveAsServed)).toBe(false);
      expect(tracking.isSelfReferenced(liveAsServed, desired)).toBe(true);
    });

    it('ignores a malformed tracking annotation', () => {
      const broken = {
        ...configMap,
        metadata: {
          ...configMap.metadata,
          annotations: { [DRIFTLESS_TRACKING_ANNOTATION]: 'nonsense' },
        },
      };
      expect(tracking.trackedAppName(broken)).toBeUndefined();
      expect(tracking.ownerOf(broken)).toBeUndefined();
    });
  });

  describe('normalizeForDiff (moving from label to annotation tracking)', () => {
    const tracking = new ResourceTracking();
    const desired = tracking.stamp(configMap, 'shop', 'shop');

    it('gives a labelled live object the desired annotation and drops the label the desired object lacks', () => {
      const live: KubernetesObject = {
        ...configMap,
        metadata: {
          ...configMap.metadata,
          labels: { [INSTANCE_LABEL]: 'shop' },
        },
      };
      tracking.normalizeForDiff(desired, live);
      expect(live.metadata.annotations).toEqual(desired.metadata.annotations);
      expect(live.metadata.labels).toBeUndefined();
    });

    it('keeps a differing live annotation: the object moved to another app is a real difference', () => {
      const live: KubernetesObject = {
        ...configMap,
        metadata: {
          ...configMap.metadata,
          labels: { [INSTANCE_LABEL]: 'shop', keep: 'me' },
          annotations: {
            [DRIFTLESS_TRACKING_ANNOTATION]: 'other:/ConfigMap:shop/settings',
          },
        },
      };
      tracking.normalizeForDiff(desired, live);
      expect(live.metadata.annotations![DRIFTLESS_TRACKING_ANNOTATION]).toBe(
        'other:/ConfigMap:shop/settings',
      );
      expect(live.metadata.labels).toEqual({ keep: 'me' });
    });

    it('does nothing for label tracking or unlabelled objects', () => {
      const live = structuredClone(configMap);
      tracking.normalizeForDiff(desired, live);
      expect(live).toEqual(configMap);
      const labelled = {
        ...configMap,
        metadata: {
          ...configMap.metadata,
          labels: { [INSTANCE_LABEL]: 'shop' },
        },
      };
      const copy = structuredClone(labelled);
      new ResourceTracking({ method: 'label' }).normalizeForDiff(desired, copy);
      expect(copy).toEqual(labelled);
    });
  });

  it('refuses an unknown tracking method', () => {
    expect(() => new ResourceTracking({ method: 'owner' as never })).toThrow(
      'unknown tracking method "owner"; use one of annotation, label, annotation+label',
    );
  });
});
