import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isGitOpsAvailable } from '@driftless/backstage-plugin-gitops-common';
import { RiGitBranchLine } from '@remixicon/react';
import { gitopsApiRef } from './api/GitOpsApi';
import { GitOpsClient } from './api/GitOpsClient';
import { rootRouteRef } from './routes';

/** The GitOps REST API client. */
export const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitOpsClient({ discoveryApi, fetchApi }),
    }),
});

/** The fleet page at `/gitops`. */
export const gitopsPage = PageBlueprint.make({
  params: {
    path: '/gitops',
    title: 'GitOps',
    icon: <RiGitBranchLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/GitOpsPage').then(m => <m.GitOpsPageContent />),
  },
});

/**
 * The GitOps tab on components and systems. It also renders for entities
 * without GitOps annotations, to tell their owners which one to add.
 */
export const gitopsEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/gitops',
    title: 'GitOps',
    filter: { kind: { $in: ['component', 'system'] } },
    loader: () =>
      import('./components/EntityGitOpsContent').then(m => (
        <m.EntityGitOpsContent />
      )),
  },
});

/**
 * The GitOps card on the overview of entities whose annotations link
 * Applications (`isGitOpsAvailable`). A content card: its table is wide.
 */
export const gitopsEntityCard = EntityCardBlueprint.make({
  name: 'applications',
  params: {
    type: 'content',
    filter: isGitOpsAvailable,
    loader: () =>
      import('./components/EntityGitOpsCard').then(m => <m.EntityGitOpsCard />),
  },
});

/**
 * The Argo Rollouts card on the overview of entities whose annotations link
 * Applications; it shows nothing for entities whose apps manage no Rollout.
 */
export const gitopsEntityRolloutCard = EntityCardBlueprint.make({
  name: 'rollouts',
  params: {
    type: 'content',
    filter: isGitOpsAvailable,
    loader: () =>
      import('./components/EntityRolloutCard').then(m => (
        <m.EntityRolloutCard hideWhenEmpty />
      )),
  },
});

/**
 * The Driftless GitOps plugin for the new frontend system.
 *
 * @public
 */
export const gitopsFrontendPlugin = createFrontendPlugin({
  pluginId: 'gitops',
  title: 'GitOps',
  icon: <RiGitBranchLine />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    gitopsApi,
    gitopsPage,
    gitopsEntityContent,
    gitopsEntityCard,
    gitopsEntityRolloutCard,
  ],
  routes: { root: rootRouteRef },
});
