import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ExternalToolStatus,
  ListClustersResponse,
} from '@driftless/backstage-plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';
import type { GitOpsStore } from './database/GitOpsStore';
import { registerApplicationReadRoutes } from './routes/applicationReadRoutes';
import { registerApplicationSetRoutes } from './routes/applicationSetRoutes';
import { registerApplicationWriteRoutes } from './routes/applicationWriteRoutes';
import { requireCaller, type RouteContext } from './routes/context';
import { registerOperationRoutes } from './routes/operationRoutes';
import { registerWebhookRoute } from './routes/webhookRoute';
import type { ClusterRegistry } from './services/clusters/ClusterRegistry';
import type { GitOpsController } from './services/controller/types';
import { checkHealth } from './services/health/checkHealth';
import type { GitWebhookSettings } from './services/webhooks';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  catalog: CatalogService;
  store: GitOpsStore;
  clusters: ClusterRegistry;
  webhookSettings: GitWebhookSettings;
  probeTools: () => Promise<ExternalToolStatus[]>;
  /** The application controller; without it, routes that need it answer 503. */
  controller?: GitOpsController;
}

/**
 * The `/api/gitops` REST API. Two routes are open without Backstage
 * credentials (plugin.ts declares them): `/health`, and `/webhook`, which
 * checks the Git host's signature instead.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, clusters, probeTools } = options;
  const context: RouteContext = {
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
    logger: options.logger,
    catalog: options.catalog,
    store,
    clusters,
    webhookSettings: options.webhookSettings,
    controller: options.controller,
  };
  const router = Router();

  // Load balancers and operators call it.
  router.get('/health', async (_req, res) => {
    const health = await checkHealth({ store, probeTools });
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  // Before express.json(): the signature is over the raw bytes.
  registerWebhookRoute(router, context);

  router.use(
    express.json({ limit: '5mb' }),
    (
      error: Error & { type?: string },
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      // body-parser's own error quotes the body, which may hold secrets (Helm values).
      next(
        error.type === 'entity.parse.failed'
          ? new InputError(
              'Invalid request body: it is not valid JSON; send a JSON document with Content-Type: application/json',
            )
          : error,
      );
    },
  );

  router.get('/clusters', async (req, res) => {
    await requireCaller(context, req);
    const body: ListClustersResponse = {
      // Only what identifies the cluster: credentials never leave the backend.
      items: (await clusters.list()).map(({ cluster, source }) => ({
        name: cluster.name,
        server: cluster.server,
        labels: cluster.labels,
        authProvider: cluster.auth.provider,
        source,
      })),
    };
    res.json(body);
  });

  registerApplicationReadRoutes(router, context);
  registerApplicationWriteRoutes(router, context);
  registerOperationRoutes(router, context);
  registerApplicationSetRoutes(router, context);

  return router;
}
