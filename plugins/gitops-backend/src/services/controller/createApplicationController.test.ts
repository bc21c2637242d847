import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { gitopsClustersExtensionPoint } from '@driftless/backstage-plugin-gitops-node';
import { FAST_TIMINGS, startKubeSim, type KubeSim } from '@driftless/kube-sim';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createGitOpsPlugin } from '../../plugin';
import { createApplicationController } from './createApplicationController';
import {
  applicationYaml,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

jest.setTimeout(120_000);

/** The plugin with the controller, as packages/backend runs it, against kube-sim and a Git repository. */
describe('createApplicationController in the backend plugin', () => {
  let dir: string;
  let sim: KubeSim;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-controller-wiring-'));
    sim = await startKubeSim({ timings: FAST_TIMINGS });
  });
  afterAll(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reconciles the platform repository from app-config and syncs its apps', async () => {
    const repo = await TestGitRepo.create(dir, 'platform');
    await repo.commit('platform', {
      ...kustomizeAppFiles('web'),
      'bootstrap/web.yaml': applicationYaml({
        name: 'web',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'apps/web/overlays/dev',
        syncPolicy: [
          '    automated: {prune: true, selfHeal: true}',
          '    syncOptions: [CreateNamespace=true]',
        ].join('\n'),
      }),
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
        createGitOpsPlugin({ controllerFactory: createApplicationController }),
        cluster,
        mockServices.rootConfig.factory({
          data: {
            gitops: {
              applications: [{ repoURL: repo.url, path: 'bootstrap' }],
              controller: {
                cacheDirectory: join(dir, 'cache'),
                reconciliationJitter: '1s',
              },
            },
          },
        }),
      ],
    });
    try {
      const app = await eventually(async () => {
        const response = await request(backend.server)
          .get('/api/gitops/applications/argocd/web')
          .set('Authorization', mockCredentials.user.header());
        return response.status === 200 &&
          response.body.status?.sync?.status === 'Synced' &&
          response.body.status?.health?.status === 'Healthy'
          ? response.body
          : undefined;
      }, 'the app from the platform repository to be Synced and Healthy');
      expect(app.driftless).toMatchObject({ origin: 'config:0' });
      expect(app.status.history).toEqual([
        expect.objectContaining({ initiatedBy: { automated: true } }),
      ]);
    } finally {
      await backend.stop();
    }
  });
});
