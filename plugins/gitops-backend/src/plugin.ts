import {
  coreServices,
  createBackendPlugin,
  type AuditorService,
  type LifecycleService,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  metricsServiceRef,
  type MetricsService,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  signalsServiceRef,
  type SignalsService,
} from '@backstage/plugin-signals-node';
import {
  gitopsApplicationSetPermissions,
  gitopsPermissions,
} from '@driftless/backstage-plugin-gitops-common';
import {
  gitopsClustersExtensionPoint,
  type GitOpsClusterSupplier,
} from '@driftless/backstage-plugin-gitops-node';
import { DatabaseGitOpsStore, type GitOpsStore } from './database/GitOpsStore';
import { createRouter } from './router';
import { ClusterRegistry } from './services/clusters/ClusterRegistry';
import { readClustersConfig } from './services/clusters/readClustersConfig';
import { createApplicationController } from './services/controller/createApplicationController';
import type { GitOpsController } from './services/controller/types';
import { createToolProber } from './services/health/checkHealth';
import { readToolLocations } from './services/health/readToolLocations';
import { readGitWebhookSettings } from './services/webhooks';

/** What the plugin hands the application controller when it starts. */
export interface GitOpsControllerFactoryOptions {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  scheduler: SchedulerService;
  auditor: AuditorService;
  store: GitOpsStore;
  clusters: ClusterRegistry;
  signals: SignalsService;
  metrics: MetricsService;
}

/** Starts the application controller; a rejection fails the backend's startup. */
export type GitOpsControllerFactory = (
  options: GitOpsControllerFactoryOptions,
) => Promise<GitOpsController>;

/**
 * The plugin, with the application controller `controllerFactory` makes.
 * Without one the API still serves stored applications, and answers 503 on
 * routes that need the controller (tree, diffs, sync, refresh, rollback,
 * terminate, delete, resource actions, push webhooks).
 */
export function createGitOpsPlugin(
  options: { controllerFactory?: GitOpsControllerFactory } = {},
) {
  return createBackendPlugin({
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
          lifecycle: coreServices.lifecycle,
          scheduler: coreServices.scheduler,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          auditor: coreServices.auditor,
          catalog: catalogServiceRef,
          signals: signalsServiceRef,
          metrics: metricsServiceRef,
        },
        async init({
          config,
          database,
          httpAuth,
          httpRouter,
          logger,
          lifecycle,
          scheduler,
          permissions,
          permissionsRegistry,
          auditor,
          catalog,
          signals,
          metrics,
        }) {
          const webhookSettings = readGitWebhookSettings(config);
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
                  known
                    .map(c => `${c.cluster.name} (${c.source})`)
                    .join(', ') || 'none'
                }`,
              ),
            (error: Error) =>
              logger.error(`Cannot list GitOps clusters: ${error.message}`),
          );

          const controller = await options.controllerFactory?.({
            config,
            logger,
            lifecycle,
            scheduler,
            auditor,
            store,
            clusters,
            signals,
            metrics,
          });
          if (!controller) {
            logger.warn(
              'The GitOps application controller is not part of this backend: stored applications are served, ' +
                'but nothing is reconciled or synced, and routes that need the controller answer 503',
            );
          }

          permissionsRegistry.addPermissions([
            ...gitopsPermissions,
            ...gitopsApplicationSetPermissions,
          ]);
          httpRouter.addAuthPolicy({
            path: '/health',
            allow: 'unauthenticated',
          });
          // Git hosts cannot send Backstage tokens; the route verifies their signature.
          httpRouter.addAuthPolicy({
            path: '/webhook',
            allow: 'unauthenticated',
          });
          httpRouter.use(
            await createRouter({
              httpAuth,
              permissions,
              auditor,
              logger,
              catalog,
              store,
              clusters,
              webhookSettings,
              probeTools: createToolProber(readToolLocations(config)),
              controller,
            }),
          );
        },
      });
    },
  });
}

/**
 * The Driftless GitOps backend plugin, mounted at `/api/gitops`.
 *
 * @public
 */
export const gitopsPlugin = createGitOpsPlugin({
  controllerFactory: createApplicationController,
});
