import { join } from 'node:path';
import { ClusterCache } from '../cache/ClusterCache';
import {
  eventually,
  startTestCluster,
  type TestCluster,
} from '../cluster/__testUtils__/testCluster';
import { KubernetesClusterConnection } from '../cluster/KubernetesClusterConnection';
import { ApplicationSourceRenderer } from '../render/ApplicationSourceRenderer';
import type { KubernetesObject } from '../render/types';
import { resourceKeyOf } from '../cluster/resourceKey';
import { runTool } from '../tools/runTool';
import { ResourceTracking } from '../tracking/ResourceTracking';
import {
  ApplicationComparator,
  compareRequestFor,
  type ApplicationDiff,
  type CompareRequest,
} from './ApplicationComparator';
import { DiffSettings } from './ignoreDifferences';

// kube-sim, kubectl and kubectl kustomize run for real; a busy machine is slow.
jest.setTimeout(60_000);

const KUSTOMIZE = join(__dirname, '..', 'render', '__fixtures__', 'kustomize');
const OVERLAYS = ['dev', 'staging', 'prod'] as const;

/** Kustomize overlays rendered with the installed kubectl, diffed against kube-sim with its controllers running. */
describe('ApplicationComparator', () => {
  let cluster: TestCluster;
  let cache: ClusterCache;
  let comparator: ApplicationComparator;
  const renderer = new ApplicationSourceRenderer();
  const tracking = new ResourceTracking();

  beforeAll(async () => {
    cluster = await startTestCluster({
      controllers: true,
      namespaces: ['web-dev', 'web-staging', 'web-prod', 'shop'],
    });
    cache = new ClusterCache({ connection: cluster.connection, tracking });
    comparator = new ApplicationComparator({
      connection: cluster.connection,
      live: cache,
      tracking,
    });
  });
  afterAll(async () => {
    cache.stop();
    await cluster.stop();
  });
  afterEach(() => cluster.sim.faults.clear());

  async function render(overlay: string): Promise<KubernetesObject[]> {
    const result = await renderer.render({
      checkoutDir: KUSTOMIZE,
      repoURL: 'https://git.example.internal/web.git',
      sha: '0000000000000000000000000000000000000000',
      source: { path: `overlays/${overlay}` },
      appName: `web-${overlay}`,
      destinationNamespace: `web-${overlay}`,
    });
    return result.objects;
  }

  function request(
    app: string,
    desired: KubernetesObject[],
    extra: Partial<CompareRequest> = {},
  ): CompareRequest {
    return {
      appInstanceName: app,
      destinationNamespace: app,
      desired,
      ...extra,
    };
  }

  /**
   * Waits until the cache holds these versions of the objects (or newer). The cache
   * follows the cluster through watch events, so right after a write it may
   * still hold the object before it, as a controller's cache would.
   */
  async function cacheHolds(objects: KubernetesObject[]): Promise<void> {
    const holds = async (object: KubernetesObject) => {
      const key = resourceKeyOf(object);
      // kube-sim's resourceVersions are numbers; controllers may have moved on already.
      const held = async () =>
        Number(
          (await cache.getObject(key, object.apiVersion))?.metadata
            .resourceVersion,
        ) >= Number(object.metadata.resourceVersion);
      await eventually(
        held,
        `the cache to hold ${key.kind} ${key.namespace}/${key.name} at resourceVersion ${object.metadata.resourceVersion}`,
      );
    };
    await Promise.all(objects.map(holds));
  }

  /** What a sync does: server-side apply of the prepared objects as `driftless`, forcing conflicts. */
  async function sync(compareRequest: CompareRequest): Promise<void> {
    const { objects } = await comparator.prepare(compareRequest);
    const applied: KubernetesObject[] = [];
    for (const object of objects)
      applied.push(await cluster.connection.apply(object, { force: true }));
    await cacheHolds(applied);
  }

  /** Another field manager's server-side apply. */
  async function applyAs(
    fieldManager: string,
    object: KubernetesObject,
  ): Promise<void> {
    await cacheHolds(
      cluster.sim.apply(object as any, {
        fieldManager,
        force: true,
      }) as KubernetesObject[],
    );
  }

  const dryRuns = () =>
    cluster.requests.filter(
      r => r.startsWith('PATCH ') && r.includes('dryRun=All'),
    ).length;

  /** Dry-run applies since `before`, as kube-sim logged them and as the differ counted them. */
  async function dryRunsSince(
    before: { sim: number; differ: number },
    expected: number,
  ): Promise<void> {
    if (expected === 0) await new Promise(resolve => setTimeout(resolve, 50));
    await eventually(
      () => dryRuns() - before.sim === expected,
      `${expected} dry-run requests in kube-sim's log`,
    );
    expect(comparator.differ.dryRuns - before.differ).toBe(expected);
  }
  const counters = () => ({
    sim: dryRuns(),
    differ: comparator.differ.dryRuns,
  });

  const statuses = (result: ApplicationDiff) =>
    Object.fromEntries(
      result.resources.map(r => [`${r.kind}/${r.name}`, r.status]),
    );

  async function deploymentSettled(namespace: string, name: string) {
    const resource = await cluster.connection.findResource(
      'apps/v1',
      'Deployment',
    );
    await eventually(async () => {
      const live = (await cluster.connection.get(
        resource,
        name,
        namespace,
      )) as any;
      return (
        live?.status?.observedGeneration === live?.metadata.generation &&
        live?.status?.availableReplicas === live?.spec.replicas
      );
    }, `${namespace}/${name} to roll out`);
  }

  describe.each(OVERLAYS)('the %s overlay', overlay => {
    const app = `web-${overlay}`;

    it('is Missing before a sync and Synced after it, defaults and controller changes included', async () => {
      const desired = await render(overlay);
      expect(desired.map(o => o.kind).sort()).toEqual([
        'ConfigMap',
        'Deployment',
        'Service',
      ]);

      const before = await comparator.compare(request(app, desired));
      expect(before.status).toBe('OutOfSync');
      expect(
        before.resources.every(
          r =>
            r.missing && r.status === 'OutOfSync' && r.method === 'structural',
        ),
      ).toBe(true);
      const deployment = before.resources.find(r => r.kind === 'Deployment')!;
      expect(deployment.diff).toMatch(
        new RegExp(
          `^--- /dev/null\\n\\+\\+\\+ desired/apps/Deployment/${app}/${overlay}-web\\n`,
        ),
      );
      expect(deployment.diff).toContain(
        `+    driftless.dev/tracking-id: ${app}:apps/Deployment:${app}/${overlay}-web`,
      );

      await sync(request(app, desired));
      await deploymentSettled(app, `${overlay}-web`);
      const after = await comparator.compare(request(app, desired));
      expect(after.conditions).toEqual([]);
      expect(statuses(after)).toEqual(
        Object.fromEntries(
          desired.map(o => [`${o.kind}/${o.metadata.name}`, 'Synced']),
        ),
      );
      expect(after.status).toBe('Synced');
      expect(
        after.resources.every(
          r => r.method === 'server-side' && r.diff === '' && !r.missing,
        ),
      ).toBe(true);
      // The server filled in defaults the manifests do not set; they are in the prediction, not in the diff.
      const predicted = after.resources.find(r => r.kind === 'Deployment')!
        .predictedLive as any;
      expect(predicted.spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      });
      expect(
        predicted.spec.template.spec.containers[0].terminationMessagePath,
      ).toBe('/dev/termination-log');
      expect(predicted).not.toHaveProperty('status');
    });
  });

  it('shows a change made with kubectl as OutOfSync with a readable diff', async () => {
    const desired = await render('dev');
    await sync(request('web-dev', desired));
    const kubectl = await runTool('kubectl', [
      '--kubeconfig',
      cluster.kubeconfigPath,
      '-n',
      'web-dev',
      'set',
      'image',
      'deployment/dev-web',
      'web=ghcr.io/example/web:9.9.9',
    ]);
    expect(kubectl.stdout).toContain('image updated');
    const resource = await cluster.connection.findResource(
      'apps/v1',
      'Deployment',
    );
    await cacheHolds([
      (await cluster.connection.get(resource, 'dev-web', 'web-dev'))!,
    ]);
    const result = await comparator.compare(request('web-dev', desired));
    expect(result.status).toBe('OutOfSync');
    const deployment = result.resources.find(r => r.kind === 'Deployment')!;
    expect(deployment.status).toBe('OutOfSync');
    expect(deployment.diff).toContain(
      '--- live/apps/Deployment/web-dev/dev-web\n+++ desired/apps/Deployment/web-dev/dev-web\n',
    );
    expect(deployment.diff).toMatch(
      /^-\s+image: ghcr\.io\/example\/web:9\.9\.9\n\+\s+image: ghcr\.io\/example\/web:1\.1\.0-rc\.1$/m,
    );
    expect(
      deployment.diff.split('\n').filter(line => /^[-+] /.test(line)),
    ).toHaveLength(2);
    expect(statuses(result)).toMatchObject({ 'Service/dev-web': 'Synced' });
    await sync(request('web-dev', desired));
    expect((await comparator.compare(request('web-dev', desired))).status).toBe(
      'Synced',
    );
  });

  it('shows a change another field manager applied as OutOfSync', async () => {
    const desired = await render('staging');
    await sync(request('web-staging', desired));
    const configMap = desired.find(o => o.kind === 'ConfigMap')!;
    await applyAs('debug-tool', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configMap.metadata.name, namespace: 'web-staging' },
      data: { LOG_LEVEL: 'trace' },
    });
    const result = await comparator.compare(request('web-staging', desired));
    const diff = result.resources.find(r => r.kind === 'ConfigMap')!;
    expect(diff.status).toBe('OutOfSync');
    expect(diff.diff).toContain('-  LOG_LEVEL: trace\n+  LOG_LEVEL: info\n');
  });

  describe('an HPA that owns spec.replicas', () => {
    const hpa: KubernetesObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'prod-web' },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'prod-web',
        },
        minReplicas: 6,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
      },
    };
    let desired: KubernetesObject[];

    beforeAll(async () => {
      desired = [...(await render('prod')), hpa];
      await sync(request('web-prod', desired));
      const resource = await cluster.connection.findResource(
        'apps/v1',
        'Deployment',
      );
      // kube-sim's HPA controller scales the target into [min, max] as kube-controller-manager.
      await eventually(
        async () =>
          (
            (await cluster.connection.get(
              resource,
              'prod-web',
              'web-prod',
            )) as any
          )?.spec.replicas === 6,
        'the HPA to scale to 6',
      );
      await deploymentSettled('web-prod', 'prod-web');
    });

    it('is OutOfSync without ignoreDifferences', async () => {
      const result = await comparator.compare(request('web-prod', desired));
      const deployment = result.resources.find(r => r.kind === 'Deployment')!;
      expect(deployment.status).toBe('OutOfSync');
      expect(deployment.diff).toContain('-  replicas: 6\n+  replicas: 4\n');
      expect(statuses(result)['HorizontalPodAutoscaler/prod-web']).toBe(
        'Synced',
      );
    });

    it.each([
      [
        'jsonPointers',
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      ],
      [
        'jqPathExpressions',
        {
          group: 'apps',
          kind: 'Deployment',
          name: 'prod-web',
          jqPathExpressions: ['.spec.replicas'],
        },
      ],
      [
        'managedFieldsManagers',
        {
          group: 'apps',
          kind: 'Deployment',
          managedFieldsManagers: ['kube-controller-manager'],
        },
      ],
    ])('stays Synced with ignoreDifferences %s', async (_, rule) => {
      const result = await comparator.compare(
        request('web-prod', desired, { ignoreDifferences: [rule] }),
      );
      expect(result.conditions).toEqual([]);
      expect(statuses(result)).toEqual({
        'ConfigMap/prod-web-config-bhtgbm8567': 'Synced',
        'Service/prod-web': 'Synced',
        'Deployment/prod-web': 'Synced',
        'HorizontalPodAutoscaler/prod-web': 'Synced',
      });
      expect(result.status).toBe('Synced');
    });

    it('stays Synced with the rule in argocd-cm instead of the Application', async () => {
      const withSettings = new ApplicationComparator({
        connection: cluster.connection,
        live: cache,
        tracking,
        settings: DiffSettings.fromConfig({
          'resource.customizations.ignoreDifferences.apps_Deployment':
            'managedFieldsManagers:\n- kube-controller-manager\n',
        }),
      });
      expect(
        (await withSettings.compare(request('web-prod', desired))).status,
      ).toBe('Synced');
    });

    it('shows other changes still, with the replicas ignored', async () => {
      const changed = desired.map(o =>
        o.kind === 'Deployment'
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                labels: { ...o.metadata.labels, release: 'next' },
              },
            }
          : o,
      );
      const result = await comparator.compare(
        request('web-prod', changed, {
          ignoreDifferences: [
            {
              group: 'apps',
              kind: 'Deployment',
              managedFieldsManagers: ['kube-controller-manager'],
            },
          ],
        }),
      );
      const deployment = result.resources.find(r => r.kind === 'Deployment')!;
      expect(deployment.status).toBe('OutOfSync');
      expect(deployment.diff).toContain('+    release: next\n');
      expect(deployment.diff).not.toContain('replicas');
    });
  });

  describe('missing, extraneous and hooks', () => {
    const app = 'shop';
    const configMap = (
      name: string,
      extra: Partial<KubernetesObject['metadata']> = {},
    ): KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, ...extra },
      data: { name },
    });

    it('reports a desired object that is not live as Missing', async () => {
      const desired = [configMap('present'), configMap('absent')];
      await sync(request(app, [desired[0]]));
      const result = await comparator.compare(request(app, desired));
      expect(result.status).toBe('OutOfSync');
      const absent = result.resources.find(r => r.name === 'absent')!;
      expect(absent).toMatchObject({
        status: 'OutOfSync',
        missing: true,
        requiresPruning: false,
        method: 'structural',
      });
      expect(result.resources.find(r => r.name === 'present')).toMatchObject({
        status: 'Synced',
        missing: false,
      });
    });

    it('reports a tracked object that is no longer desired as extraneous (would prune)', async () => {
      await sync(request(app, [configMap('kept'), configMap('dropped')]));
      const result = await comparator.compare(
        request(app, [configMap('kept')]),
      );
      const dropped = result.resources.find(r => r.name === 'dropped')!;
      expect(dropped).toMatchObject({
        status: 'OutOfSync',
        requiresPruning: true,
        ignoreExtraneous: false,
        missing: false,
      });
      expect(dropped.diff).toMatch(
        /^--- live\/core\/ConfigMap\/shop\/dropped\n\+\+\+ \/dev\/null\n/,
      );
      expect(result.status).toBe('OutOfSync');
    });

    it('keeps the app Synced for an extraneous object marked IgnoreExtraneous', async () => {
      const marked = configMap('marked', {
        annotations: {
          'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
        },
      });
      await sync(
        request('quiet', [
          configMap('stays', { namespace: 'shop' }),
          { ...marked, metadata: { ...marked.metadata, namespace: 'shop' } },
        ]),
      );
      const result = await comparator.compare(
        request('quiet', [configMap('stays', { namespace: 'shop' })], {
          destinationNamespace: 'shop',
        }),
      );
      expect(result.resources.find(r => r.name === 'marked')).toMatchObject({
        status: 'OutOfSync',
        requiresPruning: true,
        ignoreExtraneous: true,
      });
      expect(result.status).toBe('Synced');
    });

    it('does not claim an object whose tracking id was copied from another object', async () => {
      const { objects } = await comparator.prepare(
        request(app, [configMap('original')]),
      );
      const copied = {
        ...configMap('copy'),
        metadata: {
          name: 'copy',
          namespace: 'shop',
          annotations: objects[0].metadata.annotations,
        },
      };
      await cacheHolds(
        cluster.sim.apply([objects[0], copied as any]) as KubernetesObject[],
      );
      const result = await comparator.compare(
        request(app, [configMap('original')]),
      );
      expect(result.resources.map(r => r.name)).not.toContain('copy');
    });

    it('warns when a desired object is tracked by another app', async () => {
      await sync(
        request('other-app', [configMap('shared', { namespace: 'shop' })], {
          destinationNamespace: 'shop',
        }),
      );
      const result = await comparator.compare(
        request(app, [configMap('shared')]),
      );
      expect(result.conditions).toContainEqual({
        type: 'SharedResourceWarning',
        message:
          'ConfigMap shop/shared is part of applications shop and other-app',
      });
      // The tracking annotation differs, so a sync would take it over.
      expect(result.resources[0].diff).toContain(
        '-    driftless.dev/tracking-id: other-app:/ConfigMap:shop/shared\n+    driftless.dev/tracking-id: shop:/ConfigMap:shop/shared\n',
      );
    });

    it('gives hooks and Skip resources no status and does not diff them', async () => {
      const job: KubernetesObject = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'migrate',
          annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
        },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'm', image: 'busybox' }],
            },
          },
        },
      };
      const skipped = configMap('skipped', {
        annotations: { 'argocd.argoproj.io/hook': 'Skip' },
      });
      const before = counters();
      const result = await comparator.compare(
        request('hooked', [job, skipped], { destinationNamespace: 'shop' }),
      );
      expect(result.resources).toEqual([
        expect.objectContaining({ kind: 'Job', hook: true, diff: '' }),
        expect.objectContaining({ kind: 'ConfigMap', skipped: true, diff: '' }),
      ]);
      expect(result.resources.map(r => r.status)).toEqual([
        undefined,
        undefined,
      ]);
      expect(result.status).toBe('Synced');
      await dryRunsSince(before, 0);
    });
  });

  describe('Secrets', () => {
    const secret: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      type: 'Opaque',
      stringData: { password: 'hunter2-very-secret' },
      data: { user: Buffer.from('app-user').toString('base64') },
    };

    it('masks values the way Argo CD does and never holds them in clear', async () => {
      await sync(request('vault', [secret], { destinationNamespace: 'shop' }));
      const synced = await comparator.compare(
        request('vault', [secret], { destinationNamespace: 'shop' }),
      );
      expect(synced.status).toBe('Synced');
      await applyAs('rotator', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        data: {
          password: Buffer.from('leaked-and-rotated').toString('base64'),
        },
      });
      const result = await comparator.compare(
        request('vault', [secret], { destinationNamespace: 'shop' }),
      );
      const diff = result.resources[0];
      expect(diff.status).toBe('OutOfSync');
      // As in Argo CD, the desired value is masked first (8 '+'), a different live one with 4 more.
      expect(diff.diff).toContain(
        '-  password: ++++++++++++\n+  password: ++++++++\n',
      );
      expect(diff.diff).toContain('   user: ++++++++\n');
      const everything = JSON.stringify([result, synced]);
      for (const clear of [
        'hunter2-very-secret',
        'leaked-and-rotated',
        'app-user',
      ]) {
        expect(everything).not.toContain(clear);
        expect(everything).not.toContain(Buffer.from(clear).toString('base64'));
      }
      const cached = JSON.stringify([
        ...(comparator.differ.predictionCache as any).entries.values(),
      ]);
      expect(cached).not.toContain(
        Buffer.from('hunter2-very-secret').toString('base64'),
      );
      expect(cached).toContain('sha256:');
    });
  });

  describe('Replace=true', () => {
    it('diffs structurally, without a dry-run, and still sees changes', async () => {
      const replaced = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'replaced',
          annotations: { 'argocd.argoproj.io/sync-options': 'Replace=true' },
        },
        data: { mode: 'full' },
      };
      await sync(
        request('replacer', [replaced], { destinationNamespace: 'shop' }),
      );
      const before = counters();
      const synced = await comparator.compare(
        request('replacer', [replaced], { destinationNamespace: 'shop' }),
      );
      expect(synced.resources[0]).toMatchObject({
        status: 'Synced',
        method: 'structural',
      });
      const changed = await comparator.compare(
        request('replacer', [{ ...replaced, data: { mode: 'partial' } }], {
          destinationNamespace: 'shop',
        }),
      );
      expect(changed.resources[0]).toMatchObject({
        status: 'OutOfSync',
        method: 'structural',
      });
      expect(changed.resources[0].diff).toContain(
        '-  mode: full\n+  mode: partial\n',
      );
      const appWide = await comparator.compare(
        request('replacer', [{ ...replaced, metadata: { name: 'replaced' } }], {
          destinationNamespace: 'shop',
          syncOptions: ['Replace=true'],
        }),
      );
      expect(appWide.resources[0].method).toBe('structural');
      await dryRunsSince(before, 0);
    });
  });

  describe('the prediction cache', () => {
    it('asks the server once per (manifest, live resourceVersion)', async () => {
      const objects = ['one', 'two', 'three'].map(name => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cached-${name}` },
        data: { name },
      }));
      const compareRequest = request('cached', objects, {
        destinationNamespace: 'shop',
      });
      await sync(compareRequest);
      let before = counters();
      const first = await comparator.compare(compareRequest);
      await dryRunsSince(before, 3);
      expect(first.resources.map(r => r.predictionCacheHit)).toEqual([
        false,
        false,
        false,
      ]);

      before = counters();
      const second = await comparator.compare(compareRequest);
      await dryRunsSince(before, 0);
      expect(second.resources.map(r => r.predictionCacheHit)).toEqual([
        true,
        true,
        true,
      ]);
      expect(second.status).toBe('Synced');

      // A live change (new resourceVersion) and a manifest change each cost one request.
      await applyAs('other', {
        ...objects[0],
        metadata: { name: 'cached-one', namespace: 'shop' },
        data: { name: 'changed' },
      });
      const changedManifest = [
        objects[0],
        objects[1],
        { ...objects[2], data: { name: 'three', extra: 'x' } },
      ];
      before = counters();
      const third = await comparator.compare(
        request('cached', changedManifest, { destinationNamespace: 'shop' }),
      );
      await dryRunsSince(before, 2);
      expect(third.resources.map(r => r.predictionCacheHit)).toEqual([
        false,
        true,
        false,
      ]);
      expect(third.resources.map(r => r.status)).toEqual([
        'OutOfSync',
        'Synced',
        'OutOfSync',
      ]);
    });

    it('needs no dry run after a sync told it what the apply returned', async () => {
      const objects = ['one', 'two'].map(name => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `applied-${name}` },
        data: { name },
      }));
      const compareRequest = request('applied', objects, {
        destinationNamespace: 'shop',
      });
      const { objects: prepared } = await comparator.prepare(compareRequest);
      const applied: KubernetesObject[] = [];
      for (const object of prepared) {
        const result = await cluster.connection.apply(object, { force: true });
        comparator.differ.rememberApplied(object, result);
        applied.push(result);
      }
      await cacheHolds(applied);

      const before = counters();
      const compared = await comparator.compare(compareRequest);
      await dryRunsSince(before, 0);
      expect(compared.resources.map(r => r.predictionCacheHit)).toEqual([
        true,
        true,
      ]);
      expect(compared.status).toBe('Synced');

      // Someone else changes one: its new resourceVersion needs a real dry run, which replaces the old prediction.
      await applyAs('other', {
        ...prepared[0],
        data: { name: 'changed' },
      });
      const size = comparator.differ.predictionCache!.size;
      const beforeChange = counters();
      const again = await comparator.compare(compareRequest);
      await dryRunsSince(beforeChange, 1);
      expect(again.resources.map(r => r.status)).toEqual([
        'OutOfSync',
        'Synced',
      ]);
      expect(comparator.differ.predictionCache!.size).toBe(size);
    });
  });

  describe('errors', () => {
    it('reports a kind the cluster does not serve as Unknown, with the reason', async () => {
      const gadget = {
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g' },
      };
      const result = await comparator.compare(
        request(
          'gadgets',
          [
            gadget,
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fine' } },
          ],
          { destinationNamespace: 'shop' },
        ),
      );
      expect(result.status).toBe('Unknown');
      expect(result.resources[0]).toMatchObject({
        kind: 'Gadget',
        status: 'Unknown',
        message:
          "cluster 'kube-sim' does not serve example.com/v1 Gadget: install the CustomResourceDefinition that defines it, or use an apiVersion the cluster serves (kubectl api-resources lists them)",
      });
      expect(result.resources[1]).toMatchObject({
        kind: 'ConfigMap',
        status: 'OutOfSync',
        missing: true,
      });
    });

    it('reports a manifest the server refuses as Unknown, with the server message', async () => {
      const desired = await render('dev');
      await sync(request('web-dev', desired));
      const broken = desired.map(o =>
        o.kind === 'Deployment'
          ? { ...o, spec: { ...(o.spec as object), replicas: 'many' } }
          : o,
      );
      const result = await comparator.compare(request('web-dev', broken));
      const deployment = result.resources.find(r => r.kind === 'Deployment')!;
      expect(deployment.status).toBe('Unknown');
      expect(deployment.message).toMatch(
        /^cluster 'kube-sim': dry-run apply Deployment web-dev\/dev-web \(apps\/v1\) failed with (400|422) \w+: .*replicas/,
      );
      expect(result.status).toBe('Unknown');
    });

    it('reports a forbidden list as a comparison error', async () => {
      cluster.sim.faults.add({
        verbs: ['list'],
        resources: ['configmaps'],
        namespace: 'forbidden',
        effect: {
          type: 'error',
          code: 403,
          reason: 'Forbidden',
          message: 'configmaps is forbidden: cannot list',
        },
      });
      const result = await comparator.compare(
        request('forbidden', [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        ]),
      );
      expect(result.status).toBe('Unknown');
      expect(result.conditions).toEqual([
        {
          type: 'ComparisonError',
          message:
            "cluster 'kube-sim' forbids list configmaps (v1) in namespace forbidden (403 Forbidden): configmaps is forbidden: cannot list; grant the credentials' user or ServiceAccount RBAC permission for it",
        },
      ]);
    });

    it('reports an unreachable cluster as a comparison error', async () => {
      const connection = new KubernetesClusterConnection({
        ...cluster.config,
        server: 'https://127.0.0.1:1',
      });
      const offline = new ApplicationComparator({
        connection,
        live: new ClusterCache({ connection, tracking }),
      });
      const result = await offline.compare(
        request('web-dev', await render('dev')),
      );
      connection.close();
      expect(result.status).toBe('Unknown');
      expect(result.conditions[0].type).toBe('ComparisonError');
      expect(result.conditions[0].message).toMatch(
        /^cluster 'kube-sim' \(https:\/\/127\.0\.0\.1:1\) is unreachable: .*ECONNREFUSED/,
      );
    });

    it('reports an invalid ignoreDifferences rule as a comparison error naming the rule', async () => {
      const result = await comparator.compare(
        request('web-dev', await render('dev'), {
          ignoreDifferences: [
            {
              group: 'apps',
              kind: 'Deployment',
              jqPathExpressions: ['.spec | to_entries'],
            },
          ],
        }),
      );
      expect(result).toEqual({
        status: 'Unknown',
        resources: [],
        conditions: [
          {
            type: 'ComparisonError',
            message: `Application spec.ignoreDifferences[0] (apps/Deployment): jqPathExpressions[0]: jq path expression ".spec | to_entries": function 'to_entries' is not supported; supported are select, empty, not, startswith, endswith, test, has, contains, length, type`,
          },
        ],
      });
    });
  });

  it('builds the request from an Application with Argo CD instance naming', () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1' as const,
      kind: 'Application' as const,
      metadata: {
        name: 'web',
        namespace: 'team-a',
        annotations: {
          'argocd.argoproj.io/compare-options': 'IncludeMutationWebhook=true',
        },
      },
      spec: {
        project: 'default',
        destination: { namespace: 'web' },
        ignoreDifferences: [
          { kind: 'Service', jsonPointers: ['/spec/clusterIP'] },
        ],
        syncPolicy: { syncOptions: ['Replace=true'] },
      },
    };
    expect(
      compareRequestFor(application, [], {
        controlPlaneNamespace: 'driftless',
      }),
    ).toEqual({
      appInstanceName: 'team-a_web',
      destinationNamespace: 'web',
      desired: [],
      ignoreDifferences: [
        { kind: 'Service', jsonPointers: ['/spec/clusterIP'] },
      ],
      syncOptions: ['Replace=true'],
      compareOptions: 'IncludeMutationWebhook=true',
      extraTypes: undefined,
    });
    expect(compareRequestFor(application, []).appInstanceName).toBe('web');
  });
});
