import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { gitopsClustersExtensionPoint } from '@driftless/backstage-plugin-gitops-node';
import { FAST_TIMINGS, startKubeSim, type KubeSim } from '@driftless/kube-sim';
import { createHmac } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { createGitOpsPlugin } from '../../plugin';
import { createApplicationController } from '../controller/createApplicationController';
import {
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from '../controller/__testUtils__/controllerTestEnv';

// The whole backend plugin, real Git, kubectl kustomize and kube-sim: slow on a busy machine.
jest.setTimeout(240_000);

const databases = createTestDatabases();

const WEBHOOK_SECRET = 'appset-test-webhook-secret';
const SET_PATH = '/api/gitops/applicationsets/argocd/team-apps';

/** One app per directory under `apps/`, synced automatically; `sync` deletes the app of a removed directory. */
function gitDirectoriesSet(repoURL: string): string {
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
        automated: {prune: true, selfHeal: true}
        syncOptions: [CreateNamespace=true]
  syncPolicy:
    applicationsSync: sync
`;
}

function removeFiles(files: Record<string, string>): Record<string, null> {
  return Object.fromEntries(Object.keys(files).map(path => [path, null]));
}

/** A GitHub push of one commit on main, signed as GitHub signs it. */
function githubPush(repoURL: string, before: string, after: string) {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    repository: {
      name: 'platform',
      full_name: 'driftless/platform',
      html_url: repoURL,
      clone_url: repoURL,
      default_branch: 'main',
    },
    commits: [
      { id: after, message: 'change', added: [], removed: [], modified: [] },
    ],
    head_commit: { id: after },
  });
  const signature = createHmac('sha256', WEBHOOK_SECRET)
    .update(body)
    .digest('hex');
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': '5f0c6a4e-0d7e-4c3f-9a56-2f1f6a0b9c11',
      'X-Hub-Signature-256': `sha256=${signature}`,
    },
  };
}

/**
 * The ApplicationSet controller as packages/backend runs it: the plugin
 * with its controller (started by the plugin), the platform repository from
 * app-config, kube-sim as the in-cluster cluster, and the REST API.
 */
describe.each(databases.eachSupportedId())(
  'ApplicationSets in the backend plugin on %p',
  databaseId => {
    let dir: string;
    let sim: KubeSim;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'driftless-appset-backend-'));
      sim = await startKubeSim({ timings: FAST_TIMINGS });
    });
    afterAll(async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    function deployedIn(namespace: string): boolean {
      return sim
        .snapshot()
        .objects.some(
          entry =>
            entry.object.kind === 'Deployment' &&
            entry.object.metadata.namespace === namespace,
        );
    }

    it('generates apps from a Git directory generator that sync, follows pushes, and keeps its apps while Git is down', async () => {
      const repo = await TestGitRepo.create(dir, `platform-${databaseId}`);
      const first = await repo.commit('platform', {
        'bootstrap/team-apps.yaml': gitDirectoriesSet(repo.url),
        ...kustomizeAppFiles('alpha'),
        ...kustomizeAppFiles('beta'),
      });
      const cluster = createBackendModule({
        pluginId: 'gitops',
        moduleId: 'test-cluster',
        register(env) {
          env.registerInit({
            deps: { clusters: gitopsClustersExtensionPoint },
            async init({ clusters }) {
              clusters.addClusterSupplier('kube-sim', {
                getClusters: async () => [
                  {
                    name: 'in-cluster',
                    server: sim.url,
                    labels: {},
                    auth: { provider: 'serviceAccount', token: sim.token! },
                    caData: sim.caCertificate,
                  },
                ],
              });
            },
          });
        },
      });
      const backend = await startTestBackend({
        features: [
          createGitOpsPlugin({
            controllerFactory: createApplicationController,
          }),
          cluster,
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: {
              gitops: {
                applications: [{ repoURL: repo.url, path: 'bootstrap' }],
                controller: {
                  cacheDirectory: join(dir, `cache-${databaseId}`),
                  reconciliationJitter: '1s',
                },
                applicationSets: {
                  // Nothing generates again on a timer during the test: pushes drive it.
                  scanInterval: { milliseconds: 200 },
                  requeueAfter: { minutes: 30 },
                  errorRequeueAfter: { minutes: 30 },
                },
                webhooks: { github: { secret: WEBHOOK_SECRET } },
              },
            },
          }),
        ],
      });
      const get = (path: string) =>
        request(backend.server)
          .get(path)
          .set('Authorization', mockCredentials.user.header());
      const push = async (before: string, after: string) => {
        const { body, headers } = githubPush(repo.url, before, after);
        const response = await request(backend.server)
          .post('/api/gitops/webhook')
          .set(headers)
          .send(body);
        // Accepted: the refreshes it starts run on.
        expect(response.status).toBe(202);
      };
      const setView = async () => {
        const response = await get(SET_PATH);
        return response.status === 200 ? response.body : undefined;
      };
      const errorCondition = (view: any) =>
        view?.status.conditions.find((c: any) => c.type === 'ErrorOccurred');
      /** The set's apps, all Synced and Healthy, are exactly `names`. */
      const allSynced = async (names: string[]) => {
        const view = await setView();
        return (
          JSON.stringify(view?.status.resources.map((r: any) => r.name)) ===
            JSON.stringify(names) &&
          view.status.resources.every(
            (r: any) => r.status === 'Synced' && r.health?.status === 'Healthy',
          )
        );
      };

      try {
        await eventually(
          () => allSynced(['alpha', 'beta']),
          'alpha and beta to be generated, Synced and Healthy',
          120_000,
        );
        expect(deployedIn('alpha') && deployedIn('beta')).toBe(true);

        const view = await setView();
        expect(view.driftless).toMatchObject({
          origin: 'config:0',
          applicationsSync: 'sync',
        });
        expect(
          view.status.conditions.map((c: any) => [c.type, c.status]),
        ).toEqual([
          ['ErrorOccurred', 'False'],
          ['ParametersGenerated', 'True'],
          ['ResourcesUpToDate', 'True'],
        ]);
        expect(view.status.gitRevisions).toEqual([
          { repoURL: repo.url, revision: 'main', sha: first },
        ]);
        const list = await get('/api/gitops/applicationsets');
        expect(list.status).toBe(200);
        expect(list.body.items.map((s: any) => s.metadata.name)).toEqual([
          'team-apps',
        ]);
        const alpha = await get('/api/gitops/applications/argocd/alpha');
        expect(alpha.body.metadata).toMatchObject({
          labels: { 'driftless.dev/applicationset': 'team-apps' },
          ownerReferences: [
            expect.objectContaining({
              kind: 'ApplicationSet',
              name: 'team-apps',
            }),
          ],
        });
        expect(alpha.body.driftless.origin).toBe(
          'applicationset:argocd/team-apps',
        );

        // A new directory: the push webhook makes the set generate it.
        const added = await repo.commit('gamma', kustomizeAppFiles('gamma'));
        await push(first, added);
        await eventually(
          () => allSynced(['alpha', 'beta', 'gamma']),
          'gamma to be generated and synced after the push',
          120_000,
        );
        expect(deployedIn('gamma')).toBe(true);

        // A directory removed: with `sync`, its app goes, with its resources.
        const removed = await repo.commit(
          'drop beta',
          removeFiles(kustomizeAppFiles('beta')),
        );
        await push(added, removed);
        await eventually(
          async () =>
            (await get('/api/gitops/applications/argocd/beta')).status === 404,
          'beta to be deleted',
          60_000,
        );
        await eventually(
          () => !deployedIn('beta'),
          "beta's Deployment to be deleted",
        );
        await eventually(
          () => allSynced(['alpha', 'gamma']),
          'the set to list alpha and gamma',
        );

        // Git is down: generation fails, nothing is deleted, the set says why.
        const offline = `${repo.bare}.offline`;
        await rename(repo.bare, offline);
        await push(removed, 'f'.repeat(40));
        const failed = await eventually(async () => {
          const current = await setView();
          return errorCondition(current)?.status === 'True'
            ? current
            : undefined;
        }, 'an error condition while Git is down');
        expect(errorCondition(failed)).toMatchObject({
          reason: 'ApplicationGenerationFromParamsError',
          message: expect.stringContaining(repo.url),
        });
        for (const name of ['alpha', 'gamma']) {
          const app = await get(`/api/gitops/applications/argocd/${name}`);
          expect(app.status).toBe(200);
          expect(app.body.metadata.deletionTimestamp).toBeUndefined();
          expect(deployedIn(name)).toBe(true);
        }
        expect(
          (await get('/api/gitops/applicationsets/argocd/team-apps')).body
            .status.resourcesCount,
        ).toBe(2);

        // Back online: the error clears, and the dry run shows nothing to change.
        await rename(offline, repo.bare);
        await push(removed, removed);
        await eventually(
          async () => errorCondition(await setView())?.status === 'False',
          'the error to clear once Git answers again',
        );
        const dryRun = await request(backend.server)
          .post(`${SET_PATH}/generate`)
          .set('Authorization', mockCredentials.user.header());
        expect(dryRun.status).toBe(200);
        expect(dryRun.body).toMatchObject({
          applicationsSync: 'sync',
          requeueAfterSeconds: 1800,
          changes: {
            create: [],
            update: [],
            delete: [],
            unchanged: ['alpha', 'gamma'],
          },
        });
        const events = await get(`${SET_PATH}/events`);
        expect(
          events.body.items.map((e: any) => `${e.type} ${e.reason}`).reverse(),
        ).toEqual([
          'Normal ApplicationCreated',
          'Normal ApplicationCreated',
          'Normal ApplicationCreated',
          'Normal ApplicationDeleted',
          'Warning ApplicationGenerationFromParamsError',
          'Normal ApplicationSetUpToDate',
        ]);
      } finally {
        await backend.stop();
      }
    });
  },
);
