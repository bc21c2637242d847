import type { Application, KubernetesObject } from '@driftless/gitops-engine';
import { rm } from 'node:fs/promises';
import { createTestDatabases } from '../../__testUtils__/databases';
import type { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey, OperationRecord } from '../../database/types';
import type { ApplicationStatusBody } from './statusDocument';
import {
  applicationYaml,
  ControllerTestEnv,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

// kube-sim, git and kubectl kustomize run for real; a busy machine is slow.
jest.setTimeout(120_000);

const databases = createTestDatabases();

function application(
  name: string,
  repoURL: string,
  path: string,
  extra: Partial<Application['spec']> = {},
): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path },
      destination: { name: 'in-cluster', namespace: name },
      ...extra,
    },
  };
}

function liveObjects(env: ControllerTestEnv): KubernetesObject[] {
  return env.sim
    .snapshot()
    .objects.map(entry => entry.object as unknown as KubernetesObject);
}

async function statusOf(
  store: DatabaseGitOpsStore,
  key: ApplicationKey,
): Promise<ApplicationStatusBody | undefined> {
  return (await store.getApplication(key))?.status?.status as
    | ApplicationStatusBody
    | undefined;
}

describe('ApplicationController', () => {
  let env: ControllerTestEnv;
  let repo: TestGitRepo;
  let store: DatabaseGitOpsStore;

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    repo = await TestGitRepo.create(env.dir, `platform-${id}`);
    store = await env.store(await databases.init('SQLITE_3'));
  });

  it('reconciles a Kustomize app to OutOfSync and Missing before any sync, listing its resources', async () => {
    const sha = await repo.commit('shop', kustomizeAppFiles('shop'));
    await store.upsertApplication({
      application: application('shop', repo.url, 'apps/shop/overlays/dev'),
      origin: 'api',
    });
    const signals: unknown[] = [];
    const controller = env.controller(store, {
      signals: { publish: async signal => void signals.push(signal) },
    });
    await controller.refresh(
      { namespace: 'argocd', name: 'shop' },
      { hard: false },
    );

    const status = await statusOf(store, { namespace: 'argocd', name: 'shop' });
    expect(status).toMatchObject({
      sync: {
        status: 'OutOfSync',
        revision: sha,
        comparedTo: {
          source: {
            repoURL: repo.url,
            targetRevision: 'main',
            path: 'apps/shop/overlays/dev',
          },
          destination: { name: 'in-cluster', namespace: 'shop' },
        },
      },
      health: { status: 'Missing' },
      sourceType: 'Kustomize',
      conditions: [],
    });
    expect(status!.reconciledAt).toEqual(expect.any(String));
    expect(status!.resources).toEqual(
      [
        {
          group: '',
          version: 'v1',
          kind: 'ConfigMap',
          namespace: 'shop',
          name: expect.stringMatching(/^shop-config-[a-z0-9]+$/),
          status: 'OutOfSync',
          health: { status: 'Missing' },
          syncWave: 0,
        },
        {
          group: '',
          version: 'v1',
          kind: 'Service',
          namespace: 'shop',
          name: 'shop',
          status: 'OutOfSync',
          health: { status: 'Missing' },
          syncWave: 0,
        },
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'shop',
          status: 'OutOfSync',
          health: { status: 'Missing' },
          syncWave: 0,
        },
      ].sort((a, b) =>
        `${a.group}\0${a.kind}` < `${b.group}\0${b.kind}` ? -1 : 1,
      ),
    );
    const events = await store.listEvents({
      namespace: 'argocd',
      name: 'shop',
    });
    expect(events.map(event => event.message).sort()).toEqual([
      'Updated health status: Unknown -> Missing',
      'Updated sync status: Unknown -> OutOfSync',
    ]);
    expect(signals).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'gitops:applications',
        message: {
          key: 'argocd/shop',
          namespace: 'argocd',
          name: 'shop',
          sync: 'OutOfSync',
          health: 'Missing',
          revision: sha,
        },
      },
    ]);

    // The desired objects, applied as a sync applies them, make it Synced and then Healthy.
    const managed = await controller.getManagedResources({
      namespace: 'argocd',
      name: 'shop',
    });
    expect(managed).toHaveLength(3);
    await env.apply(
      managed.map(
        resource => JSON.parse(resource.targetState!) as KubernetesObject,
      ),
    );
    await eventually(async () => {
      await controller.refresh(
        { namespace: 'argocd', name: 'shop' },
        { hard: false },
      );
      const after = await statusOf(store, {
        namespace: 'argocd',
        name: 'shop',
      });
      return (
        after?.sync.status === 'Synced' && after.health.status === 'Healthy'
      );
    }, 'the applied app to be Synced and Healthy');
    const synced = await statusOf(store, { namespace: 'argocd', name: 'shop' });
    expect(synced!.summary.images).toEqual(['nginx:1.27']);
    const tree = await controller.getResourceTree({
      namespace: 'argocd',
      name: 'shop',
    });
    expect(tree.nodes.map(node => node.kind).sort()).toEqual(
      expect.arrayContaining([
        'ConfigMap',
        'Deployment',
        'Pod',
        'ReplicaSet',
        'Service',
      ]),
    );
    const pod = tree.nodes.find(node => node.kind === 'Pod')!;
    expect(pod.parentRefs).toEqual([
      expect.objectContaining({ kind: 'ReplicaSet', group: 'apps' }),
    ]);
  });

  it('shows an invalid spec as an InvalidSpecError, with sync and health Unknown', async () => {
    await store.upsertApplication({
      application: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'broken', namespace: 'argocd' },
        spec: { project: 'default', destination: { namespace: 'x' } },
      } as unknown as Application,
      origin: 'api',
    });
    await store.upsertApplication({
      application: application('lost', repo.url, 'apps/lost', {
        project: 'no-such-project',
      }),
      origin: 'api',
    });
    const controller = env.controller(store);
    await controller.refresh(
      { namespace: 'argocd', name: 'broken' },
      { hard: false },
    );
    await controller.refresh(
      { namespace: 'argocd', name: 'lost' },
      { hard: false },
    );

    expect(
      await statusOf(store, { namespace: 'argocd', name: 'broken' }),
    ).toMatchObject({
      sync: { status: 'Unknown' },
      health: { status: 'Unknown' },
      conditions: [
        {
          type: 'InvalidSpecError',
          message: 'spec: set source or sources',
          lastTransitionTime: expect.any(String),
        },
        {
          type: 'InvalidSpecError',
          message: 'spec.destination: set server or name',
        },
      ],
    });
    expect(
      await statusOf(store, { namespace: 'argocd', name: 'lost' }),
    ).toMatchObject({
      sync: { status: 'Unknown' },
      conditions: [
        {
          type: 'InvalidSpecError',
          message:
            'Application referencing project no-such-project which does not exist',
        },
      ],
    });
    const events = await store.listEvents({
      namespace: 'argocd',
      name: 'lost',
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'InvalidSpecError',
      }),
    );
  });

  it('refreshes only the app whose branch a push moved', async () => {
    await repo.commit('main', kustomizeAppFiles('shop'));
    const featureSha = await repo.commit(
      'feature',
      kustomizeAppFiles('shop'),
      'feature',
    );
    await store.upsertApplication({
      application: application('on-main', repo.url, 'apps/shop/overlays/dev'),
      origin: 'api',
    });
    await store.upsertApplication({
      application: application(
        'on-feature',
        repo.url,
        'apps/shop/overlays/dev',
        {
          source: {
            repoURL: repo.url,
            targetRevision: 'feature',
            path: 'apps/shop/overlays/dev',
          },
        },
      ),
      origin: 'api',
    });
    const controller = env.controller(store);
    const mainKey = { namespace: 'argocd', name: 'on-main' };
    const featureKey = { namespace: 'argocd', name: 'on-feature' };
    await controller.refresh(mainKey, { hard: false });
    await controller.refresh(featureKey, { hard: false });
    const mainBefore = await statusOf(store, mainKey);
    expect((await statusOf(store, featureKey))!.sync.revision).toBe(featureSha);

    const pushed = await repo.commit(
      'bump image',
      kustomizeAppFiles('shop', 'nginx:1.28'),
      'feature',
    );
    const refreshed = await controller.handlePush([
      {
        provider: 'github',
        repoURLs: [repo.url],
        ref: 'refs/heads/feature',
        branch: 'feature',
        defaultBranch: 'main',
        before: featureSha,
        after: pushed,
        created: false,
        deleted: false,
      },
    ]);
    expect(refreshed).toEqual([featureKey]);
    await eventually(
      async () => (await statusOf(store, featureKey))?.sync.revision === pushed,
      'the pushed commit to be compared',
    );
    expect((await statusOf(store, mainKey))!.reconciledAt).toBe(
      mainBefore!.reconciledAt,
    );
  });

  it('keeps the last resources and creates no operation when the repository cannot be read', async () => {
    await repo.commit('shop', kustomizeAppFiles('shop'));
    const key = { namespace: 'argocd', name: 'shop-auto' };
    await store.upsertApplication({
      application: application(
        'shop-auto',
        repo.url,
        'apps/shop/overlays/dev',
        {
          destination: { name: 'in-cluster', namespace: 'shop-auto' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      ),
      origin: 'api',
    });
    const controller = env.controller(store);
    await controller.refresh(key, { hard: false });
    // What a sync would have done: apply everything, then record its success.
    const managed = await controller.getManagedResources(key);
    await env.apply(
      managed.map(
        resource => JSON.parse(resource.targetState!) as KubernetesObject,
      ),
    );
    // No sync engine in this test: the controller claims the automated sync and leaves it.
    const automatic = (await eventually(async () => {
      const operation = await store.getCurrentOperation(key);
      return operation?.holder ? operation : undefined;
    }, 'the automated sync to be claimed')) as OperationRecord;
    expect(automatic.operation.initiatedBy).toEqual({ automated: true });
    await store.claimOperation({ id: automatic.id, holder: 'test' });
    await store.finishOperation({
      id: automatic.id,
      holder: 'test',
      phase: 'Succeeded',
      state: { syncResult: { revision: automatic.operation.sync!.revision } },
    });
    await eventually(async () => {
      await controller.refresh(key, { hard: false });
      return (await statusOf(store, key))?.sync.status === 'Synced';
    }, 'the app to be Synced');
    const before = await statusOf(store, key);

    await rm(repo.bare, { recursive: true, force: true });
    await controller.refresh(key, { hard: true });

    const after = await statusOf(store, key);
    expect(after).toMatchObject({
      sync: { status: 'Unknown' },
      health: before!.health,
      resources: before!.resources,
      conditions: [
        {
          type: 'ComparisonError',
          message: expect.stringContaining(repo.url.replace(/\/+$/, '')),
        },
      ],
    });
    expect(after!.conditions[0].message).toMatch(
      /^Failed to load target state: /,
    );
    await expect(store.getCurrentOperation(key)).resolves.toBeUndefined();
    expect(
      liveObjects(env).filter(
        object =>
          object.metadata.namespace === 'shop-auto' &&
          ['Deployment', 'Service', 'ConfigMap'].includes(object.kind),
      ),
    ).toHaveLength(3);
    const events = await store.listEvents(key);
    expect(events[0]).toMatchObject({
      type: 'Warning',
      reason: 'ComparisonError',
    });
  });

  it('registers the children of an app of apps, reports their health, and prunes them when Git drops them', async () => {
    await repo.commit('apps', {
      ...kustomizeAppFiles('web'),
      'bootstrap/web.yaml': applicationYaml({
        name: 'web',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'apps/web/overlays/dev',
        project: 'team',
      }),
      'bootstrap/api.yaml': applicationYaml({
        name: 'api',
        repoURL: repo.url,
        path: 'apps/web/overlays/dev',
      }),
      'bootstrap/project.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: AppProject',
        'metadata: {name: team, namespace: argocd}',
        "spec: {sourceRepos: ['*'], destinations: [{namespace: '*', name: '*'}]}",
        '',
      ].join('\n'),
    });
    const root = { namespace: 'argocd', name: 'root' };
    await store.upsertApplication({
      application: application('root', repo.url, 'bootstrap', {
        destination: { name: 'in-cluster', namespace: 'argocd' },
        syncPolicy: { automated: { prune: true } },
      }),
      origin: 'api',
    });
    const controller = env.controller(store);
    await controller.refresh(root, { hard: false });

    expect(
      (
        await store.listApplications({
          filter: { origins: ['app:argocd/root'] },
        })
      ).items.map(app => app.name),
    ).toEqual(['api', 'web']);
    await expect(
      store.getArgoObject({
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'team',
      }),
    ).resolves.toMatchObject({ origin: 'app:argocd/root' });

    // The children are reconciled, and the parent shows their health.
    await eventually(async () => {
      const web = await statusOf(store, { namespace: 'argocd', name: 'web' });
      const parent = await statusOf(store, root);
      return (
        web?.health.status === 'Missing' &&
        parent?.resources.find(resource => resource.name === 'web')?.health
          ?.status === 'Missing'
      );
    }, 'the parent to show the child health');
    const parent = await statusOf(store, root);
    expect(parent).toMatchObject({ sync: { status: 'Synced' } });
    expect(parent!.resources).toEqual([
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'team',
        status: 'Synced',
      },
      expect.objectContaining({
        kind: 'Application',
        name: 'api',
        status: 'Synced',
      }),
      expect.objectContaining({
        kind: 'Application',
        name: 'web',
        status: 'Synced',
      }),
    ]);
    // No Argo CD object went to the cluster.
    expect(
      liveObjects(env).filter(object => object.kind === 'Application'),
    ).toEqual([]);

    await repo.commit('drop api', { 'bootstrap/api.yaml': null });
    await controller.refresh(root, { hard: false });
    await expect(
      store.getApplication({ namespace: 'argocd', name: 'api' }),
    ).resolves.toBeUndefined();
    await expect(
      store.getApplication({ namespace: 'argocd', name: 'web' }),
    ).resolves.toBeDefined();
  });

  it('lists a dropped child as requiring pruning when the parent does not prune', async () => {
    await repo.commit('apps', {
      'bootstrap/api.yaml': applicationYaml({
        name: 'api',
        repoURL: repo.url,
        path: 'apps/api',
      }),
      'bootstrap/web.yaml': applicationYaml({
        name: 'web',
        repoURL: repo.url,
        path: 'apps/web',
      }),
    });
    const root = { namespace: 'argocd', name: 'root-no-prune' };
    await store.upsertApplication({
      application: application('root-no-prune', repo.url, 'bootstrap', {
        destination: { name: 'in-cluster', namespace: 'argocd' },
        syncPolicy: { automated: {} },
      }),
      origin: 'api',
    });
    const controller = env.controller(store);
    await controller.refresh(root, { hard: false });
    await repo.commit('drop api', { 'bootstrap/api.yaml': null });
    await controller.refresh(root, { hard: false });
    await expect(
      store.getApplication({ namespace: 'argocd', name: 'api' }),
    ).resolves.toBeDefined();
    const status = await statusOf(store, root);
    expect(status!.sync.status).toBe('OutOfSync');
    expect(status!.resources).toEqual([
      expect.objectContaining({
        kind: 'Application',
        name: 'api',
        status: 'OutOfSync',
        requiresPruning: true,
      }),
      expect.objectContaining({
        kind: 'Application',
        name: 'web',
        status: 'Synced',
      }),
    ]);
  });

  it('registers what the platform repositories of gitops.applications hold, and prunes what they drop', async () => {
    await repo.commit('platform', {
      'bootstrap/storefront.yaml': applicationYaml({
        name: 'storefront',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'apps/shop/overlays/dev',
        project: 'shop',
      }),
      'bootstrap/project.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: AppProject',
        'metadata: {name: shop, namespace: argocd}',
        'spec: {}',
        '',
      ].join('\n'),
      'bootstrap/README.md': 'not a manifest',
      ...kustomizeAppFiles('shop'),
    });
    const controller = env.controller(store, {
      sources: [
        {
          index: 0,
          origin: 'config:0',
          repoURL: repo.url,
          targetRevision: 'main',
          path: 'bootstrap',
        },
      ],
    });
    await controller.start();
    const shop = { namespace: 'argocd', name: 'storefront' };
    await eventually(
      async () => (await statusOf(store, shop))?.sync.status === 'OutOfSync',
      'the registered app to be reconciled',
    );
    expect((await store.getApplication(shop))!.origin).toBe('config:0');

    const pushed = await repo.commit('drop shop', {
      'bootstrap/storefront.yaml': null,
    });
    await controller.handlePush([
      {
        provider: 'github',
        repoURLs: [repo.url],
        ref: 'refs/heads/main',
        branch: 'main',
        defaultBranch: 'main',
        after: pushed,
        created: false,
        deleted: false,
      },
    ]);
    await eventually(
      async () => !(await store.getApplication(shop)),
      'the dropped app to be pruned',
    );
    await expect(
      store.getArgoObject({
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'shop',
      }),
    ).resolves.toMatchObject({ origin: 'config:0' });
  });

  it('refreshes every app periodically', async () => {
    const first = await repo.commit('shop', kustomizeAppFiles('shop'));
    const key = { namespace: 'argocd', name: 'periodic' };
    await store.upsertApplication({
      application: application('periodic', repo.url, 'apps/shop/overlays/dev'),
      origin: 'api',
    });
    const controller = env.controller(store, {
      settings: { reconciliationPeriodMs: 400, reconciliationJitterMs: 100 },
    });
    await controller.start();
    await eventually(
      async () => (await statusOf(store, key))?.sync.revision === first,
      'the first reconcile',
    );
    // No webhook, no refresh: the periodic reconcile finds the new commit.
    const second = await repo.commit(
      'bump',
      kustomizeAppFiles('shop', 'nginx:1.28'),
    );
    await eventually(
      async () => (await statusOf(store, key))?.sync.revision === second,
      'the periodic refresh to find the new commit',
    );
    const events = await store.listEvents(key);
    // Nothing but periodic refreshes ran: no operation, no event beyond the first statuses.
    expect(events.map(event => event.reason)).toEqual([
      'ResourceUpdated',
      'ResourceUpdated',
    ]);
  });

  it('reconciles an app when one of its live objects changes', async () => {
    await repo.commit('shop', kustomizeAppFiles('shop'));
    const key = { namespace: 'argocd', name: 'watched' };
    await store.upsertApplication({
      application: application('watched', repo.url, 'apps/shop/overlays/dev'),
      origin: 'api',
    });
    const controller = env.controller(store);
    await controller.refresh(key, { hard: false });
    const managed = await controller.getManagedResources(key);
    await env.apply(
      managed.map(
        resource => JSON.parse(resource.targetState!) as KubernetesObject,
      ),
    );
    await eventually(async () => {
      await controller.refresh(key, { hard: false });
      return (await statusOf(store, key))?.sync.status === 'Synced';
    }, 'the app to be Synced');

    // Someone edits the Service by hand; nothing asks the controller to refresh.
    env.sim.apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop', namespace: 'watched' },
        spec: { ports: [{ port: 80, targetPort: 9999 }] },
      } as never,
      { fieldManager: 'kubectl-edit', force: true },
    );
    await eventually(
      async () => (await statusOf(store, key))?.sync.status === 'OutOfSync',
      'the change to make the app OutOfSync',
    );
    const status = await statusOf(store, key);
    expect(
      status!.resources.find(resource => resource.kind === 'Service'),
    ).toMatchObject({
      status: 'OutOfSync',
    });
  });
});
