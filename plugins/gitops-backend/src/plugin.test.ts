import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { gitopsClustersExtensionPoint } from '@driftless/backstage-plugin-gitops-node';
import request from 'supertest';
import { gitopsPlugin } from './plugin';

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
