import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  gitopsClustersExtensionPoint,
  type GitOpsClusterSupplier,
} from '@driftless/backstage-plugin-gitops-node';
import { DatabaseGitOpsStore } from './database/GitOpsStore';
import { createRouter } from './router';
import { ClusterRegistry } from './services/clusters/ClusterRegistry';
import { readClustersConfig } from './services/clusters/readClustersConfig';
import { createToolProber } from './services/health/checkHealth';
import { readToolLocations } from './services/health/readToolLocations';

/**
 * The Driftless GitOps backend plugin, mounted at `/api/gitops`.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    const clusterSuppliers = new Map<string, GitOpsClusterSupplier>();
    env.registerExtensionPoint(gitopsClustersExtensionPoint, {
      addClusterSupplier(id, supplier) {
        if (clusterSuppliers.has(id)) {
          throw new Error(
            `A cluster supplier with id '${id}' is already registered`,
          );
        }
        clusterSuppliers.set(id, supplier);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ config, database, httpAuth, httpRouter, logger }) {
        const store = await DatabaseGitOpsStore.create({ database });
        const clusters = new ClusterRegistry(
          await readClustersConfig(config),
          clusterSuppliers,
        );
        // Module-supplied clusters may come from a remote API that is down
        // right now; that is worth an error in the log, not a failed startup.
        await clusters.list().then(
          known =>
            logger.info(
              `GitOps clusters: ${
                known.map(c => `${c.cluster.name} (${c.source})`).join(', ') ||
                'none'
              }`,
            ),
          (error: Error) =>
            logger.error(`Cannot list GitOps clusters: ${error.message}`),
        );

        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.use(
          await createRouter({
            httpAuth,
            store,
            clusters,
            probeTools: createToolProber(readToolLocations(config)),
          }),
        );
      },
    });
  },
});
