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
