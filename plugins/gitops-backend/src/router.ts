import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type {
  ExternalToolStatus,
  ListClustersResponse,
} from '@driftless/backstage-plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';
import type { GitOpsStore } from './database/GitOpsStore';
import type { ClusterRegistry } from './services/clusters/ClusterRegistry';
import { checkHealth } from './services/health/checkHealth';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  store: GitOpsStore;
  clusters: ClusterRegistry;
  probeTools: () => Promise<ExternalToolStatus[]>;
}

/** The `/api/gitops` REST API. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, store, clusters, probeTools } = options;
  const router = Router();
  router.use(express.json());

  // Unauthenticated (see plugin.ts): load balancers and operators call it.
  router.get('/health', async (_req, res) => {
    const health = await checkHealth({ store, probeTools });
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
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

  return router;
}
