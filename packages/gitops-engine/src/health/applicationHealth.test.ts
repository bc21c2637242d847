import {
  aggregateApplicationHealth,
  AssessedResource,
} from './applicationHealth';
import { DefaultHealthAssessor } from './assessor';
import {
  HEALTH_STATUS_CODES,
  HealthStatusCode,
  isWorseHealth,
  UnstructuredObject,
} from './types';

function liveObject(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
): UnstructuredObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: 'shop', annotations },
  };
}

function resource(
  name: string,
  status: HealthStatusCode | null,
  options: {
    kind?: string;
    group?: string;
    annotations?: Record<string, string>;
    live?: boolean;
  } = {},
): AssessedResource {
  const kind = options.kind ?? 'ConfigMap';
  return {
    group: options.group ?? '',
    kind,
    namespace: 'shop',
    name,
    target: liveObject(kind, name),
    live:
      options.live === false
        ? null
        : liveObject(kind, name, options.annotations),
    health: status ? { status, message: `${name} is ${status}` } : null,
  };
}

describe('health order', () => {
  it('is Healthy < Suspended < Progressing < Missing < Degraded < Unknown', () => {
    expect(HEALTH_STATUS_CODES).toEqual([
      'Healthy',
      'Suspended',
      'Progressing',
      'Missing',
      'Degraded',
      'Unknown',
    ]);
    HEALTH_STATUS_CODES.forEach((better, i) =>
      HEALTH_STATUS_CODES.forEach((worse, j) =>
        expect(isWorseHealth(better, worse)).toBe(j > i),
      ),
    );
  });

  it.each(
    HEALTH_STATUS_CODES.flatMap(a =>
      HEALTH_STATUS_CODES.filter(b => b !== 'Missing' && a !== 'Missing').map(
        b => [a, b] as const,
      ),
    ),
  )('an app with %s and %s resources is the worse of the two', (a, b) => {
    const app = aggregateApplicationHealth([
      resource('a', a),
      resource('b', b),
    ]);
    const worse = isWorseHealth(a, b) ? b : a;
    expect(app.status).toBe(worse);
  });
});

describe('aggregateApplicationHealth', () => {
  it('names up to three causes of the worst health', () => {
    const app = aggregateApplicationHealth([
      resource('ok', 'Healthy'),
      ...['d1', 'd2', 'd3', 'd4', 'd5'].map(n =>
        resource(n, 'Degraded', { group: 'apps', kind: 'Deployment' }),
      ),
      resource('slow', 'Progressing'),
    ]);
    expect(app).toMatchObject({
      status: 'Degraded',
      message:
        'Caused by apps/Deployment:shop/d1, apps/Deployment:shop/d2, apps/Deployment:shop/d3 and 2 more',
    });
  });

  it('is Healthy with no message when every resource is', () => {
    expect(
      aggregateApplicationHealth([
        resource('a', 'Healthy'),
        resource('b', 'Healthy'),
      ]),
    ).toMatchObject({
      status: 'Healthy',
      message: '',
    });
  });

  it('records Missing resources without letting them decide app health', () => {
    const app = aggregateApplicationHealth([
      resource('gone', null, { live: false }),
      resource('here', 'Progressing'),
    ]);
    expect(app.status).toBe('Progressing');
    expect(app.resources[0].health).toEqual({ status: 'Missing', message: '' });
  });

  it('is Missing when none of its resources exists', () => {
    const app = aggregateApplicationHealth([
      resource('a', null, { live: false }),
      resource('b', null, { live: false }),
    ]);
    expect(app).toMatchObject({ status: 'Missing', message: '' });
  });

  it('leaves out hooks, Skip targets, ignore-healthcheck resources and kinds without health', () => {
    const skipTarget = resource('skipped', 'Degraded');
    skipTarget.target = liveObject('ConfigMap', 'skipped', {
      'argocd.argoproj.io/hook': 'Skip',
    });
    const app = aggregateApplicationHealth([
      resource('hook', 'Degraded', {
        annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
      }),
      resource('helm-hook', 'Degraded', {
        annotations: { 'helm.sh/hook': 'pre-install' },
      }),
      resource('ignored', 'Degraded', {
        annotations: { 'argocd.argoproj.io/ignore-healthcheck': 'true' },
      }),
      skipTarget,
      resource('no-check', null),
      resource('fine', 'Healthy'),
    ]);
    expect(app.status).toBe('Healthy');
    expect(app.resources.map(r => r.health?.status ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
      'Healthy',
    ]);
  });

  it('counts a resource whose Helm hook annotation marks a CRD', () => {
    const app = aggregateApplicationHealth([
      resource('crd', 'Degraded', {
        annotations: { 'helm.sh/hook': 'crd-install' },
      }),
    ]);
    expect(app.status).toBe('Degraded');
  });

  it('leaves out child Applications that are Missing or Unknown, but not Degraded ones', () => {
    const child = (name: string, status: HealthStatusCode) =>
      resource(name, status, { group: 'argoproj.io', kind: 'Application' });
    expect(
      aggregateApplicationHealth([
        child('a', 'Unknown'),
        child('b', 'Missing'),
        resource('c', 'Healthy'),
      ]).status,
    ).toBe('Healthy');
    expect(
      aggregateApplicationHealth([
        child('a', 'Degraded'),
        resource('c', 'Healthy'),
      ]).status,
    ).toBe('Degraded');
  });

  it('leaves out the application itself when it manages itself', () => {
    const self = resource('root', 'Degraded', {
      group: 'argoproj.io',
      kind: 'Application',
    });
    const app = aggregateApplicationHealth([self, resource('c', 'Healthy')], {
      application: { name: 'root', namespace: 'shop' },
    });
    expect(app.status).toBe('Healthy');
  });
});

describe('DefaultHealthAssessor.assessApplication', () => {
  it('runs health checks only for resources that count', async () => {
    const failingCheck = 'error("this check must not run")';
    const assessor = new DefaultHealthAssessor({
      customizations: {
        'resource.customizations.health.ConfigMap': failingCheck,
      },
    });
    const hook = liveObject('ConfigMap', 'hook', {
      'argocd.argoproj.io/hook': 'PostSync',
    });
    const pod: UnstructuredObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { restartPolicy: 'Always' },
      status: { phase: 'Pending' },
    };
    const app = await assessor.assessApplication([
      {
        group: '',
        kind: 'ConfigMap',
        namespace: 'shop',
        name: 'hook',
        target: hook,
        live: hook,
      },
      {
        group: '',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web',
        target: pod,
        live: pod,
      },
      {
        group: '',
        kind: 'Service',
        namespace: 'shop',
        name: 'missing',
        target: liveObject('Service', 'missing'),
      },
    ]);
    expect(app).toEqual({
      status: 'Progressing',
      message: 'Caused by Pod:shop/web',
      resources: [
        {
          group: '',
          kind: 'ConfigMap',
          namespace: 'shop',
          name: 'hook',
          health: null,
        },
        {
          group: '',
          kind: 'Pod',
          namespace: 'shop',
          name: 'web',
          health: { status: 'Progressing', message: '' },
        },
        {
          group: '',
          kind: 'Service',
          namespace: 'shop',
          name: 'missing',
          health: { status: 'Missing', message: '' },
        },
      ],
    });
  });
});
