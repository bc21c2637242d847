/*
 * The Driftless portal's backend: wiring only. Each feature lives in its
 * plugin package; see README.md for where each part is.
 */

import { createBackend } from '@backstage/backend-defaults';
import { gitopsModuleLocalDemoRelease } from './modules/localDemoRelease';
import { gitopsModuleLocalDemoRepository } from './modules/localDemoRepository';
import { gitopsModuleLocalKubeSim } from './modules/localKubeSim';

const backend = createBackend();

// Serves the built frontend (packages/app) in production.
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: guest for local use (app-config.yaml); replace in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// Allow-all until Driftless' own RBAC (AppProject roles, policy CSV) lands.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// Search: PostgreSQL engine when the database is PostgreSQL, else in-memory.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Driftless: the GitOps controller and its API at /api/gitops.
backend.add(import('@driftless/backstage-plugin-gitops-backend'));
// Local use only: kube-sim, a Kubernetes API server test double, as the
// portal's cluster when `kubeSim.enabled` (app-config.yaml; off in production).
backend.add(gitopsModuleLocalKubeSim);
// Local use only: the demo platform repository from examples/ (DRIFTLESS_DEMO_REPO).
backend.add(gitopsModuleLocalDemoRepository);
// Local use only: once the demo Rollouts are up, a release for the rollout card to show.
backend.add(gitopsModuleLocalDemoRelease);

backend.start();
