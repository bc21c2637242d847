import { NotAllowedError } from '@backstage/errors';
import type { Application } from '@driftless/gitops-engine';
import { createTestDatabases } from '../../__testUtils__/databases';
import type { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey } from '../../database/types';
import type { ApplicationController } from './ApplicationController';
import { ControllerMetrics } from './ControllerMetrics';
import type { ApplicationStatusBody } from './statusDocument';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';
import {
  applicationYaml,
  ControllerTestEnv,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';
import { RecordingMetricsService } from './__testUtils__/RecordingMetricsService';

// Real syncs into kube-sim with its controllers: pods start, Deployments get healthy.
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

async function statusOf(
  store: DatabaseGitOpsStore,
  key: ApplicationKey,
): Promise<ApplicationStatusBody | undefined> {
  return (await store.getApplication(key))?.status?.status as
    | ApplicationStatusBody
    | undefined;
}

describe('ApplicationController with the sync engine', () => {
  let env: ControllerTestEnv;
  let repo: TestGitRepo;
  let store: DatabaseGitOpsStore;
  let metricsService: RecordingMetricsService;

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    repo = await TestGitRepo.create(env.dir, `platform-${id}`);
    store = await env.store(await databases.init('SQLITE_3'));
    metricsService = new RecordingMetricsService();
  });

  function controller(): ApplicationController {
    return env.controller(store, {
      operationRunner: new SyncEngineOperationRunner({
        waveDelayMs: 50,
        stepIntervalMs: 25,
      }),
      metrics: new ControllerMetrics(metricsService),
    });
  }

  async function synced(key: ApplicationKey, revision?: string) {
    return eventually(async () => {
      const status = await statusOf(store, key);
      return (
        status?.sync.status === 'Synced' &&
        status.health.status === 'Healthy' &&
        (!revision || status.sync.revision === revision) &&
        !(await store.getCurrentOperation(key))
      );
    }, `${key.name} to be Synced and Healthy${revision ? ` at ${revision}` : ''}`);
  }

  it('syncs an automated app, records history, events and metrics, and self-heals a manual change', async () => {
    const sha = await repo.commit('shop', kustomizeAppFiles('shop'));
    const key = { namespace: 'argocd', name: 'auto-shop' };
    await store.upsertApplication({
      application: application(
        'auto-shop',
        repo.url,
        'apps/shop/overlays/dev',
        {
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true'],
          },
        },
      ),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(key, { hard: false });
    await synced(key, sha);

    const history = await store.listHistory(key);
    expect(history).toEqual([
      expect.objectContaining({
        revision: sha,
        initiatedBy: { automated: true },
        phase: 'Succeeded',
        source: {
          repoURL: repo.url,
          targetRevision: 'main',
          path: 'apps/shop/overlays/dev',
        },
      }),
    ]);
    const reasons = (await store.listEvents(key)).map(event => event.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['OperationStarted', 'OperationCompleted']),
    );
    expect(metricsService.recorded('argocd_app_sync_total')).toContainEqual({
      name: 'argocd_app_sync_total',
      value: 1,
      attributes: expect.objectContaining({
        name: 'auto-shop',
        namespace: 'argocd',
        project: 'default',
        phase: 'Succeeded',
        dest_server: env.cluster.server,
      }),
    });
    expect(
      metricsService.recorded('argocd_app_reconcile').length,
    ).toBeGreaterThan(0);
    expect(await metricsService.collect('argocd_app_info')).toContainEqual({
      name: 'argocd_app_info',
      value: 1,
      attributes: expect.objectContaining({
        name: 'auto-shop',
        sync_status: 'Synced',
        health_status: 'Healthy',
        repo: repo.url,
      }),
    });

    // A manual change: the watch refreshes the app, self-heal reverts it.
    env.sim.apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop', namespace: 'auto-shop' },
        spec: { ports: [{ port: 80, targetPort: 9999 }] },
      } as never,
      { fieldManager: 'kubectl-edit', force: true },
    );
    await eventually(async () => {
      const operation = await store.getLatestOperation(key);
      return (
        operation?.operation.sync?.autoHealAttemptsCount === 1 &&
        operation.phase === 'Succeeded'
      );
    }, 'a self-heal sync');
    await synced(key);
  });

  it('runs a requested sync, and rolls back to a history entry only without automated sync', async () => {
    const first = await repo.commit(
      'v1',
      kustomizeAppFiles('web', 'nginx:1.27'),
    );
    const key = { namespace: 'argocd', name: 'manual-web' };
    await store.upsertApplication({
      application: application(
        'manual-web',
        repo.url,
        'apps/web/overlays/dev',
        {
          syncPolicy: { syncOptions: ['CreateNamespace=true'] },
          revisionHistoryLimit: 2,
        },
      ),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(key, { hard: false });
    expect((await statusOf(store, key))!.sync.status).toBe('OutOfSync');
    // Not automated: nothing syncs by itself.
    await expect(store.getLatestOperation(key)).resolves.toBeUndefined();

    const operation = await gitops.requestSync(
      key,
      { prune: true },
      { username: 'user:default/alice' },
    );
    expect(operation.operation).toMatchObject({
      sync: { prune: true },
      initiatedBy: { username: 'user:default/alice' },
    });
    await synced(key, first);

    const second = await repo.commit(
      'v2',
      kustomizeAppFiles('web', 'nginx:1.28'),
    );
    await gitops.refresh(key, { hard: false });
    await gitops.requestSync(key, {}, { username: 'user:default/alice' });
    await synced(key, second);
    const third = await repo.commit(
      'v3',
      kustomizeAppFiles('web', 'nginx:1.29'),
    );
    await gitops.refresh(key, { hard: false });
    await gitops.requestSync(
      key,
      { revision: third },
      { username: 'user:default/bob' },
    );
    await synced(key, third);

    // revisionHistoryLimit: 2 keeps the newest two.
    const history = await store.listHistory(key);
    expect(history.map(entry => entry.revision)).toEqual([second, third]);
    expect(history[1].initiatedBy).toEqual({ username: 'user:default/bob' });

    await gitops.rollback(
      key,
      history[0].id,
      {},
      { username: 'user:default/alice' },
    );
    await eventually(async () => {
      const latest = await store.getLatestOperation(key);
      return latest?.phase === 'Succeeded' &&
        (latest.state as { syncResult?: { revision?: string } }).syncResult
          ?.revision === second
        ? latest
        : undefined;
    }, 'the rollback to finish');
    await gitops.refresh(key, { hard: false });
    // The live state is the older revision's, so the app is OutOfSync with Git again.
    expect((await statusOf(store, key))!.sync.status).toBe('OutOfSync');
    expect((await store.listHistory(key)).map(entry => entry.revision)).toEqual(
      [third, second],
    );

    const automated = (await store.getApplication(key))!.manifest;
    await store.upsertApplication({
      application: {
        ...automated,
        spec: { ...automated.spec, syncPolicy: { automated: { prune: true } } },
      },
      origin: 'api',
    });
    const refusal = gitops.rollback(key, history[0].id, {}, {});
    await expect(refusal).rejects.toBeInstanceOf(NotAllowedError);
    await expect(refusal).rejects.toThrow(
      'Rollback cannot be initiated while automated sync is enabled for application argocd/manual-web: disable automated sync (spec.syncPolicy.automated) first',
    );
  });

  it('does not retry a failed revision automatically, and says so in a SyncError condition', async () => {
    const files = kustomizeAppFiles('bad');
    // The API server refuses this Deployment: replicas must be a number.
    files['apps/bad/base/deployment.yaml'] = files[
      'apps/bad/base/deployment.yaml'
    ].replace('replicas: 1', 'replicas: many');
    const sha = await repo.commit('bad', files);
    const key = { namespace: 'argocd', name: 'bad' };
    await store.upsertApplication({
      application: application('bad', repo.url, 'apps/bad/overlays/dev', {
        syncPolicy: {
          automated: { prune: true },
          syncOptions: ['CreateNamespace=true'],
          retry: { limit: 0 },
        },
      }),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(key, { hard: false });
    await eventually(
      async () => (await store.getLatestOperation(key))?.phase === 'Failed',
      'the automated sync to fail',
    );
    await gitops.refresh(key, { hard: false });
    const status = await statusOf(store, key);
    expect(status!.conditions).toContainEqual(
      expect.objectContaining({
        type: 'SyncError',
        message: expect.stringMatching(
          new RegExp(`^Failed last sync attempt to ${sha}: `),
        ),
      }),
    );
    const operations = await store.listEvents(key);
    expect(
      operations.filter(event => event.reason === 'OperationStarted'),
    ).toHaveLength(1);
    await expect(store.getCurrentOperation(key)).resolves.toBeUndefined();
  });

  it('registers the children of a synced app of apps, and deletes an app with its resources', async () => {
    await repo.commit('apps', {
      ...kustomizeAppFiles('child'),
      'bootstrap/child.yaml': applicationYaml({
        name: 'child',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'apps/child/overlays/dev',
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
        syncPolicy: [
          '    automated: {prune: true}',
          '    syncOptions: [CreateNamespace=true]',
        ].join('\n'),
      }),
    });
    const root = { namespace: 'argocd', name: 'bootstrap' };
    const child = { namespace: 'argocd', name: 'child' };
    await store.upsertApplication({
      application: application('bootstrap', repo.url, 'bootstrap', {
        destination: { name: 'in-cluster', namespace: 'argocd' },
      }),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(root, { hard: false });
    // Not automated: the child is listed as missing, not registered.
    expect((await statusOf(store, root))!.resources).toEqual([
      expect.objectContaining({
        kind: 'Application',
        name: 'child',
        status: 'OutOfSync',
      }),
    ]);
    await expect(store.getApplication(child)).resolves.toBeUndefined();

    await gitops.requestSync(root, {}, { username: 'user:default/alice' });
    await eventually(
      async () =>
        (await store.getApplication(child))?.origin === 'app:argocd/bootstrap',
      'the child to be registered',
    );
    await synced(child);
    await eventually(async () => {
      const status = await statusOf(store, root);
      return (
        status?.sync.status === 'Synced' &&
        status.resources[0]?.health?.status === 'Healthy'
      );
    }, 'the parent to show its healthy child');

    // Cascading delete of the parent: the child goes, and with its finalizer its resources.
    await gitops.deleteApplication(
      root,
      { cascade: true },
      { username: 'user:default/alice' },
    );
    await eventually(
      async () =>
        !(await store.getApplication(root)) &&
        !(await store.getApplication(child)),
      'both apps to be deleted',
    );
    await eventually(
      () =>
        !env.sim
          .snapshot()
          .objects.some(
            entry =>
              entry.object.metadata.namespace === 'child' &&
              ['Deployment', 'Service', 'ConfigMap'].includes(
                entry.object.kind,
              ),
          ),
      "the child's resources to be deleted",
    );
  });

  it('terminates a running sync when asked', async () => {
    const files = kustomizeAppFiles('slow');
    files['apps/slow/base/migrate.yaml'] = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: migrate',
      '  annotations: {argocd.argoproj.io/hook: PreSync}',
      'spec:',
      '  backoffLimit: 0',
      '  template:',
      '    metadata:',
      "      annotations: {kube-sim.driftless.dev/run-ms: '60000'}",
      '    spec:',
      '      restartPolicy: Never',
      '      containers: [{name: migrate, image: busybox}]',
      '',
    ].join('\n');
    files['apps/slow/base/kustomization.yaml'] = files[
      'apps/slow/base/kustomization.yaml'
    ].replace(
      'resources: [deployment.yaml, service.yaml]',
      'resources: [deployment.yaml, service.yaml, migrate.yaml]',
    );
    await repo.commit('slow', files);
    const key = { namespace: 'argocd', name: 'slow' };
    await store.upsertApplication({
      application: application('slow', repo.url, 'apps/slow/overlays/dev', {
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      }),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(key, { hard: false });
    await expect(
      gitops.terminateOperation(key, { username: 'user:default/alice' }),
    ).rejects.toThrow(
      'No operation is in progress for application argocd/slow',
    );
    await gitops.requestSync(key, {}, { username: 'user:default/alice' });
    await eventually(async () => {
      const operation = await store.getCurrentOperation(key);
      const results = (
        operation?.state as
          | { syncResult?: { resources?: Array<{ hookType?: string }> } }
          | undefined
      )?.syncResult?.resources;
      return results?.some(result => result.hookType === 'PreSync');
    }, 'the PreSync hook to run');
    await gitops.terminateOperation(key, { username: 'user:default/alice' });
    const finished = await eventually(async () => {
      const operation = await store.getLatestOperation(key);
      return operation?.finishedAt ? operation : undefined;
    }, 'the operation to end');
    expect(finished!.phase).toBe('Failed');
    expect((finished!.state as { message?: string }).message).toBe(
      'Operation terminated',
    );
    // Failed syncs are not deployments: no history.
    await expect(store.listHistory(key)).resolves.toEqual([]);
    const events = await store.listEvents(key);
    expect(events.map(event => event.reason)).toEqual(
      expect.arrayContaining(['OperationTerminating', 'OperationCompleted']),
    );
  });

  it('resumes unfinished operations at start', async () => {
    const sha = await repo.commit('resume', kustomizeAppFiles('resume'));
    const key = { namespace: 'argocd', name: 'resume' };
    await store.upsertApplication({
      application: application('resume', repo.url, 'apps/resume/overlays/dev', {
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      }),
      origin: 'api',
    });
    // Left by a replica that died before running it.
    await store.createOperation({
      ...key,
      operation: {
        sync: { revision: 'main' },
        initiatedBy: { username: 'user:default/alice' },
      },
      holder: 'a-replica-that-died',
    });
    const gitops = controller();
    await gitops.start();
    await synced(key, sha);
    expect((await store.getLatestOperation(key))!.holder).toBe(gitops.holder);
  });

  it('runs resource actions on the live objects of an app', async () => {
    await repo.commit('act', kustomizeAppFiles('act'));
    const key = { namespace: 'argocd', name: 'act' };
    await store.upsertApplication({
      application: application('act', repo.url, 'apps/act/overlays/dev', {
        syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
      }),
      origin: 'api',
    });
    const gitops = controller();
    await gitops.refresh(key, { hard: false });
    await synced(key);
    const deployment = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'act',
      name: 'act',
    };
    const actions = await gitops.listResourceActions(key, deployment);
    expect(actions.map(action => action.name)).toEqual(
      expect.arrayContaining(['restart', 'scale']),
    );
    await gitops.runResourceAction(
      key,
      deployment,
      'scale',
      [{ name: 'replicas', value: '2' }],
      { username: 'user:default/alice' },
    );
    const live = env.sim
      .snapshot()
      .objects.find(
        entry =>
          entry.object.kind === 'Deployment' &&
          entry.object.metadata.namespace === 'act',
      )!.object as unknown as { spec: { replicas: number } };
    expect(live.spec.replicas).toBe(2);
    await expect(
      gitops.listResourceActions(key, { ...deployment, name: 'not-ours' }),
    ).rejects.toThrow(
      'apps/Deployment act/not-ours is not a live resource of application argocd/act',
    );
    // Deleting without cascade leaves the resources.
    await gitops.deleteApplication(key, { cascade: false }, {});
    await expect(store.getApplication(key)).resolves.toBeUndefined();
    expect(
      env.sim
        .snapshot()
        .objects.some(
          entry =>
            entry.object.kind === 'Deployment' &&
            entry.object.metadata.namespace === 'act',
        ),
    ).toBe(true);
  });
});
