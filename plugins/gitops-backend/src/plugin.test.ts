import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gitopsClustersExtensionPoint } from '@driftless/backstage-plugin-gitops-node';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { testApplication } from './database/__testUtils__/storeTestUtils';
import { createGitOpsPlugin, gitopsPlugin } from './plugin';
import { RecordingGitOpsController } from './routes/__testUtils__/RecordingGitOpsController';

const localClusterModule = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'local-cluster',
  register(env) {
    env.registerInit({
      deps: { clusters: gitopsClustersExtensionPoint },
      async init({ clusters }) {
        clusters.addClusterSupplier('local-cluster', {
          getClusters: async () => [
            {
              name: 'local',
              server: 'http://127.0.0.1:6443',
              labels: { env: 'dev' },
              auth: { provider: 'serviceAccount', token: 'module-token' },
            },
          ],
        });
      },
    });
  },
});

const config = mockServices.rootConfig.factory({
  data: {
    gitops: {
      clusters: [
        {
          name: 'prod',
          url: 'https://prod.example.internal:6443',
          labels: { env: 'prod' },
          authProvider: 'serviceAccount',
          serviceAccountToken: 'config-token',
        },
      ],
    },
  },
});

describe('gitops backend plugin', () => {
  it('serves /health without credentials: database answers, real render tools found', async () => {
    const { server } = await startTestBackend({ features: [gitopsPlugin] });

    const response = await request(server)
      .get('/api/gitops/health')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    // The migration ran against the plugin's database: the table answers.
    expect(response.body.database).toEqual({ status: 'ok', applications: 0 });
    const tools = Object.fromEntries(
      response.body.tools.map((t: { name: string }) => [t.name, t]),
    );
    expect(tools.kubectl.version).toMatch(/^v1\./);
    expect(tools.helm.version).toMatch(/^v3\./);
    // kustomize is optional (kubectl kustomize renders); it is reported either way.
    expect(tools.kustomize.version ?? tools.kustomize.error).toBeTruthy();
  });

  it('lists clusters from config and from modules, never their credentials', async () => {
    const { server } = await startTestBackend({
      features: [gitopsPlugin, localClusterModule, config],
    });

    const response = await request(server)
      .get('/api/gitops/clusters')
      .set('Authorization', mockCredentials.user.header());

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          name: 'local',
          server: 'http://127.0.0.1:6443',
          labels: { env: 'dev' },
          authProvider: 'serviceAccount',
          source: 'local-cluster',
        },
        {
          name: 'prod',
          server: 'https://prod.example.internal:6443',
          labels: { env: 'prod' },
          authProvider: 'serviceAccount',
          source: 'config',
        },
      ],
    });
    expect(response.text).not.toContain('config-token');
    expect(response.text).not.toContain('module-token');
  });

  it('requires credentials for /clusters', async () => {
    const { server } = await startTestBackend({
      features: [gitopsPlugin, config],
    });

    const response = await request(server)
      .get('/api/gitops/clusters')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(401);
    expect(response.body.error.name).toBe('AuthenticationError');
  });

  it('does not start with invalid cluster config', async () => {
    await expect(
      startTestBackend({
        features: [
          gitopsPlugin,
          mockServices.rootConfig.factory({
            data: {
              gitops: {
                clusters: [
                  {
                    name: 'x',
                    authProvider: 'serviceAccount',
                    url: 'https://x',
                  },
                ],
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      "gitops.clusters[0] (x): 'serviceAccountToken' is required when authProvider is 'serviceAccount'",
    );
  });
});

describe('gitops backend plugin REST API', () => {
  const shop = testApplication('shop', {
    repoURL: 'https://github.com/acme/platform-gitops.git',
  });

  it('serves stored applications without a controller, and 503 where one is needed', async () => {
    const { server } = await startTestBackend({
      features: [createGitOpsPlugin(), catalogServiceMock.factory()],
    });

    const created = await request(server)
      .post('/api/gitops/applications')
      .set('Authorization', mockCredentials.user.header())
      .send(shop);
    expect(created.status).toBe(201);
    const listed = await request(server)
      .get('/api/gitops/applications')
      .set('Authorization', mockCredentials.user.header());
    expect(listed.body.items.map((app: any) => app.metadata.name)).toEqual([
      'shop',
    ]);

    const sync = await request(server)
      .post('/api/gitops/applications/argocd/shop/sync')
      .set('Authorization', mockCredentials.user.header())
      .send({});
    expect(sync.status).toBe(503);
    expect(sync.body.error.message).toMatch(
      /^the GitOps controller is not running/,
    );
    expect(
      (
        await request(server)
          .get('/api/gitops/applications')
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
  });

  it("plugs in the controller's factory, and takes signed push webhooks without Backstage credentials", async () => {
    const secret = 'gh-plugin-test-5e21';
    let controller: RecordingGitOpsController | undefined;
    const { server } = await startTestBackend({
      features: [
        createGitOpsPlugin({
          controllerFactory: async ({ store }) => {
            controller = new RecordingGitOpsController(store);
            return controller;
          },
        }),
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { gitops: { webhooks: { github: { secret } } } },
        }),
      ],
    });
    await request(server)
      .post('/api/gitops/applications')
      .set('Authorization', mockCredentials.user.header())
      .send(shop)
      .expect(201);

    const body = readFileSync(
      join(__dirname, 'services/webhooks/__fixtures__/github-push.json'),
      'utf8',
    );
    const response = await request(server)
      .post('/api/gitops/webhook')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set(
        'X-Hub-Signature-256',
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      )
      .send(body);

    expect(response.status).toBe(202);
    expect(response.body.applications).toEqual([
      { namespace: 'argocd', name: 'shop' },
    ]);
    expect(controller!.callsOf('applicationChanged')).toEqual([
      [{ namespace: 'argocd', name: 'shop' }],
    ]);
    expect(controller!.callsOf('handlePush')).toHaveLength(1);
  });
});
