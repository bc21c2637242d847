import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MockFetchApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  annotatedEntity,
  clustersResponse,
  fleetApplication,
  healthResponse,
  plainEntity,
} from './__testUtils__/fixtures';
import {
  shopDevApplication,
  shopDevEvents,
  shopDevManagedResources,
  shopDevResourceTree,
} from './__testUtils__/applicationDetailsFixtures';
import { gitopsApiRef, type GitOpsApi } from './api/GitOpsApi';
import { EntityGitOpsContent, GitOpsPage, gitopsPlugin } from './legacy';

/** The API as the legacy app builds it: from the plugin's own factory. */
function gitopsApiFromPluginFactory(): GitOpsApi {
  const [factory] = [...gitopsPlugin.getApis()];
  return factory.factory({
    discoveryApi: {
      getBaseUrl: async (id: string) => `http://localhost:7007/api/${id}`,
    },
    fetchApi: new MockFetchApi(),
  }) as GitOpsApi;
}

/** The backend's answers for the annotated entity's one app, as the tab reads them. */
const applicationDetailsHandlers = [
  http.get('*/api/gitops/applications', () =>
    HttpResponse.json({ items: [shopDevApplication] }),
  ),
  http.get('*/api/gitops/applications/gitops/shop-dev', () =>
    HttpResponse.json(shopDevApplication),
  ),
  http.get('*/api/gitops/applications/gitops/shop-dev/resource-tree', () =>
    HttpResponse.json(shopDevResourceTree),
  ),
  http.get('*/api/gitops/applications/gitops/shop-dev/managed-resources', () =>
    HttpResponse.json({ items: shopDevManagedResources }),
  ),
  http.get('*/api/gitops/applications/gitops/shop-dev/events', () =>
    HttpResponse.json({ items: shopDevEvents }),
  ),
];

// These render the legacy exports the way a legacy app does: through the
// plugin's extensions and its API factory, with the real HTTP client.
// Rendering whole pages takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('legacy frontend system exports', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('registers the GitOps API factory and route on the plugin', () => {
    expect(gitopsPlugin.getId()).toBe('gitops');
    expect([...gitopsPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.gitops.service',
    ]);
    expect(gitopsPlugin.routes.root).toBeDefined();
  });

  it('EntityGitOpsContent shows the resources of the Applications an entity follows', async () => {
    server.use(...applicationDetailsHandlers);
    await renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, gitopsApiFromPluginFactory()]]}>
        <EntityProvider entity={annotatedEntity}>
          <EntityGitOpsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole(
        'tree',
        { name: 'Resources of shop-dev' },
        // Loads the app, its tree, diffs and events: slow on a busy machine.
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('web-7d9c5b6f48-x2k9p')).toBeInTheDocument();
  }, 30_000);

  it('EntityGitOpsContent says which annotation to add when there is none', async () => {
    await renderInTestApp(
      <EntityProvider entity={plainEntity}>
        <EntityGitOpsContent />
      </EntityProvider>,
    );
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(screen.getAllByText(/argocd\/app-name/).length).toBeGreaterThan(0);
  });

  it('GitOpsPage shows controller health and clusters from the backend', async () => {
    server.use(
      http.get('*/api/gitops/health', () => HttpResponse.json(healthResponse)),
      http.get('*/api/gitops/clusters', () =>
        HttpResponse.json(clustersResponse),
      ),
      http.get('*/api/gitops/applications', () =>
        HttpResponse.json({
          items: [
            fleetApplication('shop-prod', { destinationNamespace: 'shop' }),
          ],
        }),
      ),
      http.get('*/api/gitops/applicationsets', () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    // Mounted on a route as a legacy App.tsx does.
    await renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, gitopsApiFromPluginFactory()]]}>
        <Routes>
          <Route path="/gitops" element={<GitOpsPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/gitops'] },
    );
    expect(
      // The page loads lazily: seconds on a busy machine.
      await screen.findByText(/7 Applications stored/, undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('prod-eu')).toBeInTheDocument();
    expect(screen.getByText('env=prod')).toBeInTheDocument();
    expect(screen.getByText(/'helm' was not found/)).toBeInTheDocument();
    expect(await screen.findByText('shop-prod')).toBeInTheDocument();
  });
});
