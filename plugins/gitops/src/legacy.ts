import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gitopsApiRef } from './api/GitOpsApi';
import { GitOpsClient } from './api/GitOpsClient';
import { rootRouteRef } from './routes';

/**
 * The GitOps plugin for apps on the legacy frontend system
 * (`createApp` from `@backstage/app-defaults`).
 *
 * @public
 */
export const gitopsPlugin = createPlugin({
  id: 'gitops',
  apis: [
    createApiFactory({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitOpsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The GitOps page; mount it on a route, e.g. `<Route path="/gitops" element={<GitOpsPage />} />`.
 *
 * @public
 */
export const GitOpsPage = gitopsPlugin.provide(
  createRoutableExtension({
    name: 'GitOpsPage',
    component: () => import('./components/GitOpsPage').then(m => m.GitOpsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The GitOps card for an entity's overview: its Applications' sync,
 * health, revision and operation, with Sync, Refresh, Rollback and
 * Terminate. Show it for entities that link Applications, e.g.
 * `<EntitySwitch.Case if={isGitOpsAvailable}>`; without an annotation it
 * says which one to add.
 *
 * @public
 */
export const EntityGitOpsCard = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitOpsCard',
    component: {
      lazy: () =>
        import('./components/EntityGitOpsCard').then(m => m.EntityGitOpsCard),
    },
  }),
);

/**
 * The Argo Rollouts card for an entity's overview: the Rollouts its
 * Applications manage, with canary steps and weights, blue-green promotion,
 * revisions, AnalysisRuns and Argo Rollouts' actions. Pass `hideWhenEmpty`
 * to show nothing when the apps manage no Rollout.
 *
 * @public
 */
export const EntityRolloutCard = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityRolloutCard',
    component: {
      lazy: () =>
        import('./components/EntityRolloutCard').then(m => m.EntityRolloutCard),
    },
  }),
);

/**
 * The GitOps entity tab; put it in an `EntityLayout.Route`.
 *
 * @public
 */
export const EntityGitOpsContent = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitOpsContent',
    component: {
      lazy: () =>
        import('./components/EntityGitOpsContent').then(
          m => m.EntityGitOpsContent,
        ),
    },
  }),
);
