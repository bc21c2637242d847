import type { ApplicationSetStatusView } from '@driftless/backstage-plugin-gitops-common';
import { GitMirrorSource } from '@driftless/gitops-engine';
import { rename } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestDatabases } from '../../__testUtils__/databases';
import type { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey } from '../../database/types';
import type { ApplicationController } from '../controller/ApplicationController';
import { SyncEngineOperationRunner } from '../controller/SyncEngineOperationRunner';
import {
  applicationYaml,
  ControllerTestEnv,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from '../controller/__testUtils__/controllerTestEnv';
import type { GitPushEvent } from '../controller/types';
import { ApplicationSetController } from './ApplicationSetController';
import { ApplicationSetGeneration } from './ApplicationSetGeneration';
import {
  DEFAULT_APPLICATION_SET_SETTINGS,
  type ApplicationSetSettings,
} from './readApplicationSetConfig';

// Real Git repositories, kube-sim, kubectl kustomize and SQLite: a busy machine is slow.
jest.setTimeout(180_000);

const databases = createTestDatabases();

const SETTINGS: ApplicationSetSettings = {
  ...DEFAULT_APPLICATION_SET_SETTINGS,
  scanIntervalMs: 200,
  rolloutPollMs: 500,
  // Nothing runs again on a timer during a test unless it says so.
  gitRequeueAfterMs: 600_000,
  errorRequeueAfterMs: 600_000,
};

const SET = { namespace: 'argocd', name: 'team-apps' };
const ORIGIN = 'applicationset:argocd/team-apps';

/** An ApplicationSet over the directories `apps/*` of the repository: one app per directory. */
function gitDirectoriesSet(repoURL: string, applicationsSync: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: team-apps
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: ${repoURL}
        revision: main
        directories:
          - path: apps/*
  template:
    metadata:
      name: '{{.path.basename}}'
      labels:
        team: platform
    spec:
      project: default
      source:
        repoURL: ${repoURL}
        targetRevision: main
        path: '{{.path.path}}/overlays/dev'
      destination:
        name: in-cluster
        namespace: '{{.path.basename}}'
      syncPolicy:
        automated: {prune: true}
        syncOptions: [CreateNamespace=true]
  syncPolicy:
    applicationsSync: ${applicationsSync}
`;
}

/** Three environments of one app, rolled out dev, then qa, then prod. */
function rollingSet(repoURL: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: shop-rollout
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: dev
          - env: qa
          - env: prod
  template:
    metadata:
      name: 'shop-{{env}}'
      labels:
        env: '{{env}}'
    spec:
      project: default
      source:
        repoURL: ${repoURL}
        targetRevision: main
        path: apps/shop/overlays/dev
      destination:
        name: in-cluster
        namespace: 'shop-{{env}}'
      syncPolicy:
        automated: {prune: true, selfHeal: true}
        syncOptions: [CreateNamespace=true]
  strategy:
    type: RollingSync
    rollingSync:
      steps:
        - matchExpressions: [{key: env, operator: In, values: [dev]}]
        - matchExpressions: [{key: env, operator: In, values: [qa]}]
        - matchExpressions: [{key: env, operator: In, values: [prod]}]
`;
}

/** Keeps bootstrap/ in Git once a set's file is removed from it. */
const PROJECT_FILE = [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: AppProject',
  'metadata: {name: payments, namespace: argocd}',
  'spec: {}',
  '',
].join('\n');

function removeFiles(files: Record<string, string>): Record<string, null> {
  return Object.fromEntries(Object.keys(files).map(path => [path, null]));
}

/**
 * A GitHub API on localhost for the scmProvider generator: the organization
 * `shop` with the repositories `repositories` lists, each with a `main`
 * branch; `failWith` makes every request answer that status instead.
 */
class FakeGitHubApi {
  repositories: string[] = [];
  failWith?: number;
  requests = 0;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      this.requests++;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (this.failWith) {
        reply(this.failWith, { message: 'Server Error' });
        return;
      }
      // A GitHub Enterprise API: the generator asks under /api/v3.
      const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(
        /^\/api\/v3/,
        '',
      );
      if (path === '/orgs/shop/repos') {
        reply(
          200,
          this.repositories.map((name, index) => ({
            id: index + 1,
            name,
            owner: { login: 'shop' },
            ssh_url: `git@git.example.com:shop/${name}.git`,
            clone_url: `https://git.example.com/shop/${name}.git`,
            default_branch: 'main',
            topics: [],
            archived: false,
          })),
        );
        return;
      }
      const branch = /^\/repos\/shop\/([^/]+)\/branches\/main$/.exec(path);
      if (branch && this.repositories.includes(branch[1])) {
        reply(200, { name: 'main', commit: { sha: 'a'.repeat(40) } });
        return;
      }
      reply(404, { message: 'Not Found' });
    });
  }

  static async start(): Promise<FakeGitHubApi> {
    const api = new FakeGitHubApi();
    await new Promise<void>(resolve =>
      api.server.listen(0, '127.0.0.1', () => resolve()),
    );
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

/** One app per repository of the GitHub organization `shop`, each deploying `apps/<repository>` of the platform repository. */
function scmProviderSet(apiUrl: string, repoURL: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: team-apps
  namespace: argocd
spec:
  generators:
    - scmProvider:
        requeueAfterSeconds: 1
        github:
          organization: shop
          api: ${apiUrl}
  template:
    metadata:
      name: '{{repository}}'
    spec:
      project: default
      source:
        repoURL: ${repoURL}
        targetRevision: main
        path: 'apps/{{repository}}/overlays/dev'
      destination:
        name: in-cluster
        namespace: '{{repository}}'
  syncPolicy:
    applicationsSync: sync
`;
}

describe('ApplicationSetController', () => {
  let env: ControllerTestEnv;
  let repo: TestGitRepo;
  let store: DatabaseGitOpsStore;
  let controller: ApplicationController;
  let appsets: ApplicationSetController;

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    repo = await TestGitRepo.create(env.dir, `platform-${id}`);
    store = await env.store(await databases.init('SQLITE_3'));
  });

  /** The application controller with the platform repository's `bootstrap/`, and the ApplicationSet controller hooked in. */
  async function start(
    settings: ApplicationSetSettings = SETTINGS,
  ): Promise<void> {
    const name = `controller-${Math.random().toString(36).slice(2, 8)}`;
    const git = new GitMirrorSource({
      cacheRoot: join(env.dir, `git-${name}`),
      branchResolutionTtlMs: 100,
    });
    controller = env.controller(store, {
      name,
      git,
      sources: [
        {
          index: 0,
          origin: 'config:0',
          repoURL: repo.url,
          targetRevision: 'main',
          path: 'bootstrap',
        },
      ],
      operationRunner: new SyncEngineOperationRunner({
        waveDelayMs: 50,
        stepIntervalMs: 25,
      }),
    });
    appsets = applicationSetController(git, settings, controller.holder);
    controller.attachApplicationSets(appsets);
    await controller.start();
  }

  function applicationSetController(
    git: GitMirrorSource,
    settings: ApplicationSetSettings,
    holder: string,
  ): ApplicationSetController {
    return new ApplicationSetController({
      store,
      generation: new ApplicationSetGeneration({
        git,
        clusters: {
          list: async () => [{ cluster: env.cluster, source: 'test' }],
        },
        settings,
      }),
      applications: controller,
      settings,
      controlPlaneNamespace: 'argocd',
      holder,
      leaseTtlMs: 3_000,
      refreshWaitMs: 10_000,
      logger: env.logger,
    });
  }

  async function push(sha: string): Promise<void> {
    await controller.handlePush([pushEvent(sha)]);
  }

  function pushEvent(sha: string): GitPushEvent {
    return {
      provider: 'github',
      repoURLs: [repo.url],
      ref: 'refs/heads/main',
      branch: 'main',
      defaultBranch: 'main',
      after: sha,
      created: false,
      deleted: false,
    };
  }

  async function setStatus(
    key: ApplicationKey = SET,
  ): Promise<ApplicationSetStatusView | undefined> {
    return (await store.getApplicationSetStatus(key))?.status as
      | ApplicationSetStatusView
      | undefined;
  }

  function condition(
    status: ApplicationSetStatusView | undefined,
    type: string,
  ) {
    return status?.conditions.find(c => c.type === type);
  }

  async function ownedNames(origin = ORIGIN): Promise<string[]> {
    return (
      await store.listApplications({ filter: { origins: [origin] } })
    ).items.map(app => app.name);
  }

  async function synced(name: string) {
    return eventually(
      async () => {
        const record = await store.getApplication({
          namespace: 'argocd',
          name,
        });
        return (
          record?.status?.syncStatus === 'Synced' &&
          record.status.healthStatus === 'Healthy' &&
          !(await store.getCurrentOperation(record))
        );
      },
      `${name} to be Synced and Healthy`,
      90_000,
    );
  }

  function deployedIn(namespace: string): boolean {
    return env.sim
      .snapshot()
      .objects.some(
        entry =>
          entry.object.kind === 'Deployment' &&
          entry.object.metadata.namespace === namespace,
      );
  }

  it('generates apps from a set in the platform repository, adds one on a push and deletes one that is gone (create-delete)', async () => {
    await repo.commit('platform', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'create-delete'),
      'bootstrap/project.yaml': PROJECT_FILE,
      ...kustomizeAppFiles('alpha'),
      ...kustomizeAppFiles('beta'),
    });
    await start();

    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
      'the set to generate alpha and beta',
    );
    await synced('alpha');
    await synced('beta');
    expect(deployedIn('alpha') && deployedIn('beta')).toBe(true);
    const alpha = (await store.getApplication({
      namespace: 'argocd',
      name: 'alpha',
    }))!;
    expect(alpha.manifest.metadata).toMatchObject({
      labels: { team: 'platform', 'driftless.dev/applicationset': 'team-apps' },
      annotations: { 'driftless.dev/applicationset': 'argocd/team-apps' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      ownerReferences: [
        expect.objectContaining({ kind: 'ApplicationSet', name: 'team-apps' }),
      ],
    });
    expect(alpha.manifest.spec.source?.path).toBe('apps/alpha/overlays/dev');
    await eventually(async () => {
      const status = await setStatus();
      return (
        condition(status, 'ResourcesUpToDate')?.status === 'True' &&
        status?.resources.every(r => r.health?.status === 'Healthy') &&
        status.resourcesCount === 2
      );
    }, "the set's status to show two healthy apps");
    const status = (await setStatus())!;
    expect(status.conditions.map(c => [c.type, c.status, c.reason])).toEqual([
      ['ErrorOccurred', 'False', 'ApplicationSetUpToDate'],
      ['ParametersGenerated', 'True', 'ParametersGenerated'],
      ['ResourcesUpToDate', 'True', 'ApplicationSetUpToDate'],
    ]);
    expect(status.gitRevisions).toEqual([
      expect.objectContaining({ repoURL: repo.url, revision: 'main' }),
    ]);

    // A new directory: the push webhook makes the set generate again.
    const added = await repo.commit('gamma', kustomizeAppFiles('gamma'));
    await push(added);
    await eventually(
      async () =>
        JSON.stringify(await ownedNames()) === '["alpha","beta","gamma"]',
      'gamma to be generated after the push',
    );
    await synced('gamma');

    // A directory removed: its app goes, and with the resources finalizer its resources.
    const removed = await repo.commit(
      'drop beta',
      removeFiles(kustomizeAppFiles('beta')),
    );
    await push(removed);
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","gamma"]',
      'beta to be deleted',
    );
    await eventually(
      () => !deployedIn('beta'),
      "beta's Deployment to be deleted",
    );
    expect(deployedIn('alpha')).toBe(true);
    const events = await store.listApplicationSetEvents(SET);
    expect(
      events.map(event => `${event.reason}: ${event.message}`).reverse(),
    ).toEqual([
      'ApplicationCreated: Created Application alpha',
      'ApplicationCreated: Created Application beta',
      'ApplicationCreated: Created Application gamma',
      'ApplicationDeleted: Deleted Application beta and its resources',
    ]);

    // The set removed from Git: as Kubernetes' garbage collection does for
    // Argo CD, its apps go with it, each with its resources.
    const dropped = await repo.commit('drop the set', {
      'bootstrap/appset.yaml': null,
    });
    await push(dropped);
    await eventually(
      async () => (await ownedNames()).length === 0,
      "the set's apps to be deleted",
    );
    await eventually(
      () => !deployedIn('alpha') && !deployedIn('gamma'),
      "the apps' Deployments to be deleted",
    );
    await eventually(
      async () => !(await store.getApplicationSetStatus(SET)),
      "the set's status to be removed",
    );
  });

  it('updates apps when the template changes and keeps an app whose directory is gone (create-update)', async () => {
    await repo.commit('platform', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'create-update'),
      'bootstrap/project.yaml': PROJECT_FILE,
      ...kustomizeAppFiles('alpha'),
      ...kustomizeAppFiles('beta'),
    });
    await start();
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
      'the set to generate alpha and beta',
    );

    const relabelled = await repo.commit('label', {
      'bootstrap/appset.yaml': gitDirectoriesSet(
        repo.url,
        'create-update',
      ).replace('team: platform', 'team: payments'),
      ...removeFiles(kustomizeAppFiles('beta')),
    });
    await push(relabelled);
    await eventually(async () => {
      const alpha = await store.getApplication({
        namespace: 'argocd',
        name: 'alpha',
      });
      return alpha?.manifest.metadata.labels?.team === 'payments';
    }, 'alpha to carry the new label');
    await eventually(async () => {
      const status = await setStatus();
      return status?.observedGeneration === 2;
    }, 'the set to have reconciled its new generation');
    // beta is no longer generated, but create-update never deletes.
    expect(await ownedNames()).toEqual(['alpha', 'beta']);
    const beta = await store.getApplication({
      namespace: 'argocd',
      name: 'beta',
    });
    expect(beta?.manifest.metadata.labels?.team).toBe('platform');
    expect(beta?.manifest.metadata.deletionTimestamp).toBeUndefined();

    // The set removed from Git: create-update orphans its apps instead of deleting them.
    const dropped = await repo.commit('drop the set', {
      'bootstrap/appset.yaml': null,
    });
    await push(dropped);
    await eventually(
      async () => (await ownedNames('api')).length === 2,
      'the apps to be kept as API-managed apps',
    );
    const kept = await store.getApplication({
      namespace: 'argocd',
      name: 'alpha',
    });
    expect(kept?.manifest.metadata).not.toHaveProperty('ownerReferences');
    expect(kept?.manifest.metadata.labels).toEqual({ team: 'payments' });
    await eventually(
      async () => !(await store.getApplicationSetStatus(SET)),
      "the set's status to be removed",
    );
  });

  it('deletes nothing while Git cannot be read, and says why in an error condition', async () => {
    await repo.commit('platform', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'sync'),
      ...kustomizeAppFiles('alpha'),
      ...kustomizeAppFiles('beta'),
    });
    await start();
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
      'the set to generate alpha and beta',
    );
    await eventually(
      async () => (await setStatus())?.resourcesCount === 2,
      'the first status',
    );

    // The Git server is gone: the repository cannot be listed or fetched.
    const offline = `${repo.bare}.offline`;
    await rename(repo.bare, offline);
    await push('f'.repeat(40));
    await eventually(
      async () =>
        condition(await setStatus(), 'ErrorOccurred')?.status === 'True',
      'an error condition',
    );
    const failed = (await setStatus())!;
    expect(condition(failed, 'ErrorOccurred')).toMatchObject({
      reason: 'ApplicationGenerationFromParamsError',
      message: expect.stringContaining(repo.url),
    });
    expect(condition(failed, 'ParametersGenerated')).toMatchObject({
      status: 'False',
    });
    expect(condition(failed, 'ResourcesUpToDate')).toMatchObject({
      status: 'False',
    });
    // Both apps are still there, neither is being deleted.
    const apps = await store.listApplications({
      filter: { origins: [ORIGIN] },
    });
    expect(apps.items.map(app => app.name)).toEqual(['alpha', 'beta']);
    expect(
      apps.items.filter(app => app.manifest.metadata.deletionTimestamp),
    ).toEqual([]);
    expect(failed.resourcesCount).toBe(2);

    // Back online: the set generates again and the condition clears.
    await rename(offline, repo.bare);
    const sha = await repo.commit('again', { 'README.md': 'back' });
    await push(sha);
    await eventually(
      async () =>
        condition(await setStatus(), 'ErrorOccurred')?.status === 'False',
      'the error to clear',
    );
    expect(await ownedNames()).toEqual(['alpha', 'beta']);
    const reasons = (await store.listApplicationSetEvents(SET)).map(
      event => `${event.type} ${event.reason}`,
    );
    expect(reasons.slice(0, 2)).toEqual([
      'Normal ApplicationSetUpToDate',
      'Warning ApplicationGenerationFromParamsError',
    ]);

    // Two generators give the same name: an error naming both, nothing deleted.
    const duplicated = await repo.commit('duplicate alpha', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'sync').replace(
        '  template:\n',
        [
          '    - list:',
          '        elements:',
          '          - path: {basename: alpha, path: apps/alpha}',
          '  template:',
          '',
        ].join('\n'),
      ),
    });
    await push(duplicated);
    await eventually(
      async () =>
        condition(await setStatus(), 'ErrorOccurred')?.reason ===
        'ApplicationValidationError',
      'a duplicate-name error',
    );
    expect(condition(await setStatus(), 'ErrorOccurred')?.message).toMatch(
      /duplicate name: alpha, generated from spec\.generators\[0\]\.git parameter set 1 .* and from spec\.generators\[1\]\.list parameter set 1/,
    );
    expect(await ownedNames()).toEqual(['alpha', 'beta']);

    // A template that cannot be rendered: an error naming the parameter set, nothing deleted.
    const broken = await repo.commit('template error', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'sync')
        .replace(
          '  goTemplate: true\n',
          '  goTemplate: true\n  goTemplateOptions: ["missingkey=error"]\n',
        )
        .replace(
          "namespace: '{{.path.basename}}'",
          "namespace: '{{.path.team}}'",
        ),
    });
    await push(broken);
    await eventually(
      async () =>
        condition(await setStatus(), 'ErrorOccurred')?.reason ===
        'RenderTemplateParamsError',
      'a template error',
    );
    expect(condition(await setStatus(), 'ErrorOccurred')?.message).toMatch(
      /spec\.generators\[0\]\.git: error rendering the template with parameter set 1 .*map has no entry for key "team"/,
    );
    const afterTemplateError = await store.listApplications({
      filter: { origins: [ORIGIN] },
    });
    expect(afterTemplateError.items.map(app => app.name)).toEqual([
      'alpha',
      'beta',
    ]);
    expect(
      afterTemplateError.items.filter(
        app => app.manifest.metadata.deletionTimestamp,
      ),
    ).toEqual([]);
  });

  it('keeps its apps while the SCM API answers 5xx, and deletes only after a successful generation (sync)', async () => {
    const github = await FakeGitHubApi.start();
    try {
      github.repositories = ['alpha', 'beta'];
      await repo.commit('platform', {
        'bootstrap/appset.yaml': scmProviderSet(github.url, repo.url),
        ...kustomizeAppFiles('alpha'),
        ...kustomizeAppFiles('beta'),
      });
      // A failed generation is retried after errorRequeueAfter.
      await start({ ...SETTINGS, errorRequeueAfterMs: 500 });
      await eventually(
        async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
        'the set to generate an app per repository',
      );

      // The API fails and the organization "loses" beta at the same time:
      // the failure must not be read as "no repositories".
      github.failWith = 502;
      github.repositories = ['alpha'];
      await eventually(
        async () =>
          condition(await setStatus(), 'ErrorOccurred')?.status === 'True',
        'an error condition once the API fails',
      );
      const failed = condition(await setStatus(), 'ErrorOccurred')!;
      expect(failed.reason).toBe('ApplicationGenerationFromParamsError');
      expect(failed.message).toContain(`${github.url}api/v3/orgs/shop/repos`);
      expect(failed.message).toContain('502');
      // It keeps asking and keeps everything meanwhile.
      const asked = github.requests;
      await eventually(
        () => github.requests >= asked + 2,
        'the set to ask the API again',
      );
      const kept = await store.listApplications({
        filter: { origins: [ORIGIN] },
      });
      expect(kept.items.map(app => app.name)).toEqual(['alpha', 'beta']);
      expect(
        kept.items.filter(app => app.manifest.metadata.deletionTimestamp),
      ).toEqual([]);

      // The API answers again: now beta is really gone and its app goes.
      github.failWith = undefined;
      await eventually(
        async () => JSON.stringify(await ownedNames()) === '["alpha"]',
        'beta to be deleted once the API answers without it',
      );
      expect(condition(await setStatus(), 'ErrorOccurred')?.status).toBe(
        'False',
      );
    } finally {
      await github.stop();
    }
  });

  it('leaves the workload of a deleted app in place with preserveResourcesOnDeletion, and never updates under create-only', async () => {
    const preservingSet = (policy: string) =>
      gitDirectoriesSet(repo.url, policy).replace(
        `applicationsSync: ${policy}\n`,
        `applicationsSync: ${policy}\n    preserveResourcesOnDeletion: true\n`,
      );
    await repo.commit('platform', {
      'bootstrap/appset.yaml': preservingSet('sync'),
      ...kustomizeAppFiles('alpha'),
      ...kustomizeAppFiles('beta'),
    });
    await start();
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
      'the set to generate alpha and beta',
    );
    await synced('alpha');
    await synced('beta');
    const alpha = await store.getApplication({
      namespace: 'argocd',
      name: 'alpha',
    });
    // No resources finalizer (A10): deleting the app leaves its resources.
    expect(alpha?.manifest.metadata).not.toHaveProperty('finalizers');

    const removed = await repo.commit(
      'drop beta',
      removeFiles(kustomizeAppFiles('beta')),
    );
    await push(removed);
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha"]',
      'beta to be deleted',
    );
    // Give a (wrong) cascading deletion time to show.
    await new Promise(resolve => setTimeout(resolve, 1_000));
    expect(deployedIn('beta')).toBe(true);
    const deleted = (await store.listApplicationSetEvents(SET)).find(
      event => event.reason === 'ApplicationDeleted',
    );
    expect(deleted?.message).toBe(
      'Deleted Application beta, leaving its resources in place',
    );

    // create-only: a changed template is not applied to existing apps, new ones are created.
    const createOnly = await repo.commit('create-only', {
      'bootstrap/appset.yaml': preservingSet('create-only').replace(
        'team: platform',
        'team: payments',
      ),
    });
    await push(createOnly);
    await eventually(
      async () => (await setStatus())?.observedGeneration === 2,
      'the set to have reconciled its new generation',
    );
    await push(await repo.commit('gamma', kustomizeAppFiles('gamma')));
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","gamma"]',
      'gamma to be created',
    );
    const gamma = await store.getApplication({
      namespace: 'argocd',
      name: 'gamma',
    });
    expect(gamma?.manifest.metadata.labels?.team).toBe('payments');
    const unchanged = await store.getApplication({
      namespace: 'argocd',
      name: 'alpha',
    });
    expect(unchanged?.manifest.metadata.labels?.team).toBe('platform');
    expect(unchanged?.updatedAt).toBe(alpha?.updatedAt);
  });

  it('runs a set an app of apps registers from Git, and deletes its apps once the app of apps prunes it', async () => {
    const listSet = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata: {name: envs, namespace: argocd}',
      'spec:',
      '  generators:',
      '    - list: {elements: [{env: dev}, {env: qa}]}',
      '  template:',
      "    metadata: {name: 'shop-{{env}}'}",
      '    spec:',
      '      project: default',
      `      source: {repoURL: ${repo.url}, targetRevision: main, path: apps/shop/overlays/dev}`,
      "      destination: {name: in-cluster, namespace: 'shop-{{env}}'}",
      '',
    ].join('\n');
    await repo.commit('platform', {
      'bootstrap/root.yaml': applicationYaml({
        name: 'root',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'appsets',
        destinationNamespace: 'argocd',
        syncPolicy: '    automated: {prune: true}',
      }),
      'appsets/envs.yaml': listSet,
      // Keeps appsets/ in Git once the set's file is removed.
      'appsets/project.yaml': PROJECT_FILE,
      ...kustomizeAppFiles('shop'),
    });
    await start();
    const envs = { namespace: 'argocd', name: 'envs' };
    const envsOrigin = 'applicationset:argocd/envs';
    await eventually(
      async () =>
        JSON.stringify(await ownedNames(envsOrigin)) ===
        '["shop-dev","shop-qa"]',
      'the registered set to generate its apps',
    );
    await expect(
      store.getArgoObject({ kind: 'ApplicationSet', ...envs }),
    ).resolves.toMatchObject({ origin: 'app:argocd/root' });

    // The set's file removed: the app of apps prunes the set, and the set's apps go with it.
    await push(
      await repo.commit('drop the set', { 'appsets/envs.yaml': null }),
    );
    await eventually(
      async () =>
        !(await store.getArgoObject({ kind: 'ApplicationSet', ...envs })),
      'the app of apps to prune the set',
    );
    await eventually(
      async () => (await ownedNames(envsOrigin)).length === 0,
      "the set's apps to be deleted",
    );
  });

  it('generates again when its Git requeue interval is up, without a push', async () => {
    await repo.commit('platform', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'sync'),
      ...kustomizeAppFiles('alpha'),
    });
    await start({ ...SETTINGS, gitRequeueAfterMs: 500 });
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha"]',
      'the set to generate alpha',
    );
    await repo.commit('beta', kustomizeAppFiles('beta'));
    await eventually(
      async () => JSON.stringify(await ownedNames()) === '["alpha","beta"]',
      'the requeue to find beta',
    );
    expect((await setStatus())?.gitRevisions).toEqual([
      expect.objectContaining({ repoURL: repo.url, revision: 'main' }),
    ]);
  });

  it('lets one replica at a time work on a set', async () => {
    await repo.commit('platform', {
      'bootstrap/appset.yaml': gitDirectoriesSet(repo.url, 'sync'),
      ...kustomizeAppFiles('alpha'),
      ...kustomizeAppFiles('beta'),
    });
    await start();
    // A second replica's ApplicationSet controller on the same database.
    const other = applicationSetController(
      new GitMirrorSource({
        cacheRoot: join(env.dir, `git-other-${Date.now()}`),
        branchResolutionTtlMs: 100,
      }),
      SETTINGS,
      'other-replica',
    );
    await other.start();
    try {
      await eventually(
        async () =>
          JSON.stringify(await ownedNames()) === '["alpha","beta"]' &&
          condition(await setStatus(), 'ResourcesUpToDate')?.status === 'True',
        'the set to generate alpha and beta',
      );
      // Both replicas look at the set again at once.
      const sha = await repo.commit('again', { 'README.md': 'x' });
      other.handlePush([pushEvent(sha)]);
      await push(sha);
      other.applicationStatusChanged(SET, ORIGIN);
      await new Promise(resolve => setTimeout(resolve, 1_500));
    } finally {
      await other.stop();
    }
    const events = await store.listApplicationSetEvents(SET);
    expect(
      events.filter(event => event.type === 'Warning').map(e => e.message),
    ).toEqual([]);
    expect(
      events
        .filter(event => event.reason === 'ApplicationCreated')
        .map(event => event.message)
        .sort(),
    ).toEqual(['Created Application alpha', 'Created Application beta']);
  });

  it('rolls out step by step: an environment syncs only once the one before is Healthy', async () => {
    await repo.commit('platform', {
      'bootstrap/rollout.yaml': rollingSet(repo.url),
      ...kustomizeAppFiles('shop'),
    });
    await start();
    const names = ['shop-dev', 'shop-qa', 'shop-prod'];
    for (const name of names) await synced(name);
    const rollout = { namespace: 'argocd', name: 'shop-rollout' };
    await eventually(
      async () =>
        condition(await setStatus(rollout), 'RolloutProgressing')?.status ===
        'False',
      'the rollout to complete',
    );

    const operations = [];
    for (const name of names) {
      const key = { namespace: 'argocd', name };
      const app = await store.getApplication(key);
      // The set syncs them: their own automated sync is off.
      expect(app?.manifest.spec.syncPolicy?.automated).toEqual({
        prune: true,
        selfHeal: true,
        enabled: false,
      });
      const operation = (await store.getLatestOperation(key))!;
      expect(operation.operation.initiatedBy).toEqual({
        username: 'applicationset-controller',
        automated: true,
      });
      operations.push(operation);
    }
    // Each environment's sync started after the previous one had finished.
    expect(Date.parse(operations[1].createdAt)).toBeGreaterThanOrEqual(
      Date.parse(operations[0].finishedAt!),
    );
    expect(Date.parse(operations[2].createdAt)).toBeGreaterThanOrEqual(
      Date.parse(operations[1].finishedAt!),
    );
    const status = (await setStatus(rollout))!;
    expect(
      status.applicationStatus!.map(s => [s.application, s.step, s.status]),
    ).toEqual([
      ['shop-dev', '1', 'Healthy'],
      ['shop-prod', '3', 'Healthy'],
      ['shop-qa', '2', 'Healthy'],
    ]);
    expect(condition(status, 'RolloutProgressing')).toMatchObject({
      reason: 'ApplicationSetRolloutComplete',
    });
    const started = (await store.listApplicationSetEvents(rollout))
      .filter(event => event.reason === 'RolloutSyncStarted')
      .map(event => event.message)
      .reverse();
    expect(started).toEqual([
      'RollingSync step 1: started a sync of Application shop-dev',
      'RollingSync step 2: started a sync of Application shop-qa',
      'RollingSync step 3: started a sync of Application shop-prod',
    ]);
  });
});
