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
  healthResponse,
  plainEntity,
} from './__testUtils__/fixtures';
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

// These render the legacy exports the way a legacy app does: through the
// plugin's extensions and its API factory, with the real HTTP client.
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

  it('EntityGitOpsContent lists the Applications an entity follows', async () => {
    await renderInTestApp(
      <EntityProvider entity={annotatedEntity}>
        <EntityGitOpsContent />
      </EntityProvider>,
    );
    expect(
      await screen.findByText('Applications this entity follows'),
    ).toBeInTheDocument();
    expect(screen.getByText('shop-dev')).toBeInTheDocument();
    expect(screen.getByText('shop-prod')).toBeInTheDocument();
    expect(
      screen.getByText('app.kubernetes.io/part-of=shop'),
    ).toBeInTheDocument();
    expect(screen.getByText('team-shop')).toBeInTheDocument();
  });

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
      await screen.findByText(/7 Applications stored/),
    ).toBeInTheDocument();
    expect(screen.getByText('prod-eu')).toBeInTheDocument();
    expect(screen.getByText('env=prod')).toBeInTheDocument();
    expect(screen.getByText(/'helm' was not found/)).toBeInTheDocument();
  });
});
