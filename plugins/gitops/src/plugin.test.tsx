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
  applicationSetsResponse,
  clustersResponse,
  fleetApplication,
  healthResponse,
  plainEntity,
  unauthenticatedClustersResponse,
} from './__testUtils__/fixtures';

/** The fleet page's lists: one application, and the fixtures' ApplicationSets. */
const fleetHandlers = [
  http.get('*/api/gitops/applications', () =>
    HttpResponse.json({
      items: [fleetApplication('shop-prod', { destinationNamespace: 'shop' })],
      totalCount: 1,
    }),
  ),
  http.get('*/api/gitops/applicationsets', () =>
    HttpResponse.json(applicationSetsResponse),
  ),
];
import {
  shopDevApplication,
  shopDevEvents,
  shopDevManagedResources,
  shopDevResourceTree,
} from './__testUtils__/applicationDetailsFixtures';
import gitopsFrontendPluginFromIndex from './index';
import { gitopsEntityContent, gitopsFrontendPlugin } from './plugin';

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

// Rendering whole pages takes seconds on a busy machine.
jest.setTimeout(30_000);

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
      ...fleetHandlers,
    );
    renderTestApp({
      features: [gitopsFrontendPlugin],
      initialRouteEntries: ['/gitops'],
    });
    expect(
      // The page loads lazily: seconds on a busy machine.
      await screen.findByText(/7 Applications stored/, undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('prod-eu')).toBeInTheDocument();
    expect(await screen.findByText('shop-prod')).toBeInTheDocument();
    expect(await screen.findByText('guestbook')).toBeInTheDocument();
  });

  it('shows an actionable error when the backend refuses', async () => {
    server.use(
      http.get('*/api/gitops/health', () => HttpResponse.json(healthResponse)),
      http.get('*/api/gitops/clusters', () =>
        HttpResponse.json(unauthenticatedClustersResponse, { status: 401 }),
      ),
      ...fleetHandlers,
    );
    renderTestApp({
      features: [gitopsFrontendPlugin],
      initialRouteEntries: ['/gitops'],
    });
    expect(
      await screen.findByText(/Missing credentials/, undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
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
    server.use(...applicationDetailsHandlers);
    const element = createExtensionTester(gitopsEntityContent).reactElement();
    const { unmount } = renderInTestApp(
      <EntityProvider entity={annotatedEntity}>{element}</EntityProvider>,
      { features: [gitopsFrontendPlugin] },
    );
    expect(
      await screen.findByRole(
        'tree',
        { name: 'Resources of shop-dev' },
        // Loads the app, its tree, diffs and events: slow on a busy machine.
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    unmount();

    renderInTestApp(
      <EntityProvider entity={plainEntity}>{element}</EntityProvider>,
    );
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
  }, 30_000);
});
