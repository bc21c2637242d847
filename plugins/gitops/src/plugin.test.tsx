import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  registerMswTestHooks,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  annotatedEntity,
  clustersResponse,
  healthResponse,
  plainEntity,
  unauthenticatedClustersResponse,
} from './__testUtils__/fixtures';
import gitopsFrontendPluginFromIndex from './index';
import { gitopsEntityContent, gitopsFrontendPlugin } from './plugin';

describe('new frontend system plugin', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is the package default export, so app.packages: all discovers it', () => {
    expect(gitopsFrontendPluginFromIndex).toBe(gitopsFrontendPlugin);
    expect(gitopsFrontendPlugin.id).toBe('gitops');
  });

  it('serves the GitOps page at /gitops with data from the backend', async () => {
    server.use(
      http.get('*/api/gitops/health', () => HttpResponse.json(healthResponse)),
      http.get('*/api/gitops/clusters', () =>
        HttpResponse.json(clustersResponse),
      ),
    );
    renderTestApp({
      features: [gitopsFrontendPlugin],
      initialRouteEntries: ['/gitops'],
    });
    expect(
      await screen.findByText(/7 Applications stored/),
    ).toBeInTheDocument();
    expect(screen.getByText('prod-eu')).toBeInTheDocument();
  });

  it('shows an actionable error when the backend refuses', async () => {
    server.use(
      http.get('*/api/gitops/health', () => HttpResponse.json(healthResponse)),
      http.get('*/api/gitops/clusters', () =>
        HttpResponse.json(unauthenticatedClustersResponse, { status: 401 }),
      ),
    );
    renderTestApp({
      features: [gitopsFrontendPlugin],
      initialRouteEntries: ['/gitops'],
    });
    expect(await screen.findByText(/Missing credentials/)).toBeInTheDocument();
  });

  it('puts the GitOps tab on components and systems only', () => {
    const tester = createExtensionTester(gitopsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/gitops');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('GitOps');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    const ofKind = (kind: string) => ({ ...plainEntity, kind });
    expect(filter(ofKind('Component'))).toBe(true);
    expect(filter(ofKind('System'))).toBe(true);
    expect(filter(ofKind('Group'))).toBe(false);
  });

  it('renders the tab for an annotated entity and for one without annotations', async () => {
    const element = createExtensionTester(gitopsEntityContent).reactElement();
    const { unmount } = renderInTestApp(
      <EntityProvider entity={annotatedEntity}>{element}</EntityProvider>,
    );
    expect(await screen.findByText('shop-prod')).toBeInTheDocument();
    unmount();

    renderInTestApp(
      <EntityProvider entity={plainEntity}>{element}</EntityProvider>,
    );
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
  });
});
