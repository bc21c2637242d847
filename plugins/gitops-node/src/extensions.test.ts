import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import type { ClusterConfig } from '@driftless/gitops-engine';
import {
  gitopsClustersExtensionPoint,
  type GitOpsClusterSupplier,
} from './extensions';

const stagingCluster: ClusterConfig = {
  name: 'staging',
  server: 'https://staging.example.internal:6443',
  labels: { env: 'staging' },
  auth: { provider: 'serviceAccount', token: 'token' },
};

describe('gitopsClustersExtensionPoint', () => {
  it('keeps the id that published backend modules are built against', () => {
    expect(gitopsClustersExtensionPoint.id).toBe('gitops.clusters');
  });

  it('hands a module-supplied cluster to the plugin that provides the extension point', async () => {
    const received: Array<{ id: string; clusters: ClusterConfig[] }> = [];

    // Stands in for plugins/gitops-backend, which cannot be a dependency here.
    const consumer = createBackendPlugin({
      pluginId: 'gitops',
      register(env) {
        const suppliers = new Map<string, GitOpsClusterSupplier>();
        env.registerExtensionPoint(gitopsClustersExtensionPoint, {
          addClusterSupplier(id, supplier) {
            suppliers.set(id, supplier);
          },
        });
        env.registerInit({
          deps: {},
          async init() {
            for (const [id, supplier] of suppliers) {
              received.push({ id, clusters: await supplier.getClusters() });
            }
          },
        });
      },
    });
    const module = createBackendModule({
      pluginId: 'gitops',
      moduleId: 'staging-cluster',
      register(env) {
        env.registerInit({
          deps: { clusters: gitopsClustersExtensionPoint },
          async init({ clusters }) {
            clusters.addClusterSupplier('staging-cluster', {
              getClusters: async () => [stagingCluster],
            });
          },
        });
      },
    });

    await startTestBackend({ features: [consumer, module] });

    expect(received).toEqual([
      { id: 'staging-cluster', clusters: [stagingCluster] },
    ]);
  });
});
