import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { JsonObject } from '@backstage/types';
import type {
  GitOpsApplication,
  ListApplicationsQuery,
  ListApplicationsResponse,
} from '@driftless/backstage-plugin-gitops-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  applicationSetsResponse,
  clustersResponse,
  fleetApplication,
  healthResponse,
} from '../../__testUtils__/fixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { GitOpsPageContent } from './GitOpsPageContent';

// Material UI's selects and the debounced fields make these tests slow, not flaky.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 10_000 });

function notUsed(): never {
  throw new Error('the GitOps page does not call this method');
}

/** 60 apps; a few in other states, clusters and projects. */
const fleet: GitOpsApplication[] = Array.from({ length: 60 }, (_, index) => {
  const name = `app-${String(index).padStart(2, '0')}`;
  if (index === 3) {
    return fleetApplication(name, {
      project: 'payments',
      sync: 'OutOfSync',
      health: 'Missing',
      cluster: 'prod-eu',
    });
  }
  if (index === 4) {
    return fleetApplication(name, {
      health: 'Degraded',
      healthMessage: 'Deployment "web" exceeded its progress deadline',
      operationPhase: 'Failed',
      finishedAt: '2026-11-23T10:05:00Z',
    });
  }
  return fleetApplication(name, {
    revision: '4f2c9e1b7a3d5f60812c4e9ab7d3f1e2c5a6b7d8',
  });
});

/**
 * The list API over `apps`: pages by a cursor that names the last app of
 * the page, as the backend's does; only the paging is modelled, since what
 * the page must do is pass the filters on, which the test checks.
 */
function fakeGitOpsApi(apps: GitOpsApplication[] = fleet) {
  return {
    getHealth: jest.fn(async () => healthResponse),
    listClusters: jest.fn(async () => clustersResponse),
    listApplications: jest.fn(
      async (
        query: ListApplicationsQuery = {},
      ): Promise<ListApplicationsResponse> => {
        const limit = query.limit ?? 100;
        const start = query.cursor
          ? apps.findIndex(app => app.metadata.name === query.cursor) + 1
          : 0;
        const items = apps.slice(start, start + limit);
        return {
          items,
          ...(start + limit < apps.length
            ? { nextCursor: items[items.length - 1].metadata.name }
            : {}),
          totalCount: apps.length,
        };
      },
    ),
    listApplicationSets: jest.fn(async () => applicationSetsResponse),
    getApplication: jest.fn(notUsed),
    getResourceTree: jest.fn(notUsed),
    getManagedResources: jest.fn(notUsed),
    getEvents: jest.fn(notUsed),
    getHistory: jest.fn(notUsed),
    sync: jest.fn(notUsed),
    refresh: jest.fn(notUsed),
    rollback: jest.fn(notUsed),
    terminateOperation: jest.fn(notUsed),
    getResourceActions: jest.fn(notUsed),
    getLiveResource: jest.fn(notUsed),
    getResourceEvents: jest.fn(notUsed),
    runResourceAction: jest.fn(notUsed),
  } satisfies GitOpsApi;
}

const catalogApi = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-shop', namespace: 'default', title: 'Shop team' },
      spec: { type: 'team', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'platform', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
  ],
});

async function renderPage(api: GitOpsApi = fakeGitOpsApi()) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [catalogApiRef, catalogApi],
      ]}
    >
      <GitOpsPageContent />
    </TestApiProvider>,
  );
  return api;
}

function lastQuery(api: ReturnType<typeof fakeGitOpsApi>) {
  const calls = api.listApplications.mock.calls;
  return calls[calls.length - 1][0];
}

const applicationsTable = () =>
  screen.getByRole('table', { name: 'Applications' });
const shownApps = () =>
  within(applicationsTable())
    .getAllByRole('row')
    .slice(1)
    .map(
      row =>
        within(row).getAllByRole('cell')[0].querySelector('strong')
          ?.textContent,
    );

describe('GitOpsPageContent: the fleet', () => {
  it('shows one page of applications with their status, and pages by cursor', async () => {
    const api = fakeGitOpsApi();
    await renderPage(api);

    expect(await screen.findByText('1–25 of 60')).toBeInTheDocument();
    expect(api.listApplications).toHaveBeenCalledTimes(1);
    expect(lastQuery(api)).toEqual({ limit: 25, includeTotalCount: true });
    expect(shownApps()).toHaveLength(25);
    expect(shownApps()[0]).toBe('app-00');

    // Each app's state, in words as well as colour.
    const outOfSync = screen.getByTestId('application-argocd/app-03');
    expect(within(outOfSync).getByText('OutOfSync')).toBeInTheDocument();
    expect(within(outOfSync).getByText('Missing')).toBeInTheDocument();
    expect(within(outOfSync).getByText('payments')).toBeInTheDocument();
    expect(within(outOfSync).getByText('prod-eu')).toBeInTheDocument();
    const failed = screen.getByTestId('application-argocd/app-04');
    expect(within(failed).getByText('Degraded')).toBeInTheDocument();
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('application-argocd/app-05')).getByText(
        '4f2c9e1',
      ),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('26–50 of 60')).toBeInTheDocument();
    expect(lastQuery(api)).toEqual({
      limit: 25,
      includeTotalCount: true,
      cursor: 'app-24',
    });
    expect(shownApps()[0]).toBe('app-25');

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('51–60 of 60')).toBeInTheDocument();
    expect(lastQuery(api)).toMatchObject({ cursor: 'app-49' });
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(await screen.findByText('26–50 of 60')).toBeInTheDocument();
    expect(lastQuery(api)).toMatchObject({ cursor: 'app-24' });
    // Never more than a page was asked for.
    for (const [query] of api.listApplications.mock.calls) {
      expect(query?.limit).toBe(25);
    }
  });

  it('puts every filter into the query, and starts again from the first page', async () => {
    const api = fakeGitOpsApi();
    await renderPage(api);
    await screen.findByText('1–25 of 60');
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('26–50 of 60');

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search applications' }),
      'pay',
    );
    await waitFor(() =>
      expect(lastQuery(api)).toEqual({
        limit: 25,
        includeTotalCount: true,
        search: 'pay',
      }),
    );
    // Typing is debounced: one request for the three letters.
    expect(
      api.listApplications.mock.calls.filter(([query]) => query?.search),
    ).toHaveLength(1);

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Project' }),
      'shop',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Namespace' }),
      'shop-prod',
    );
    await waitFor(() =>
      expect(lastQuery(api)).toMatchObject({
        project: ['shop'],
        namespace: ['shop-prod'],
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /Cluster/ }));
    await userEvent.click(screen.getByRole('option', { name: 'prod-eu' }));

    await userEvent.click(screen.getByRole('button', { name: /Sync status/ }));
    await userEvent.click(screen.getByRole('option', { name: 'OutOfSync' }));
    await userEvent.click(screen.getByRole('option', { name: 'Unknown' }));
    await userEvent.keyboard('{Escape}');

    await userEvent.click(screen.getByRole('button', { name: /Health/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Degraded' }));
    await userEvent.keyboard('{Escape}');

    await userEvent.click(screen.getByRole('textbox', { name: 'Owner' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Shop team' }),
    );

    await waitFor(() =>
      expect(lastQuery(api)).toEqual({
        limit: 25,
        includeTotalCount: true,
        search: 'pay',
        project: ['shop'],
        namespace: ['shop-prod'],
        cluster: 'prod-eu',
        sync: ['OutOfSync', 'Unknown'],
        health: ['Degraded'],
        owner: 'group:default/team-shop',
      }),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Rows per page' }),
    );
    await userEvent.click(screen.getByRole('option', { name: '100' }));
    await waitFor(() => expect(lastQuery(api)).toMatchObject({ limit: 100 }));
    expect(lastQuery(api)).not.toHaveProperty('cursor');

    await userEvent.click(
      screen.getAllByRole('button', { name: 'Clear filters' })[0],
    );
    await waitFor(() =>
      expect(lastQuery(api)).toEqual({ limit: 100, includeTotalCount: true }),
    );
  });

  it('says when no application matches, and offers to clear the filters', async () => {
    const api = fakeGitOpsApi();
    api.listApplications.mockImplementation(async query =>
      query?.health
        ? { items: [], totalCount: 0 }
        : { items: fleet.slice(0, 2), totalCount: 2 },
    );
    await renderPage(api);
    await screen.findByText('1–2 of 2');
    await userEvent.click(screen.getByRole('button', { name: /Health/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Suspended' }));
    await userEvent.keyboard('{Escape}');

    expect(
      await screen.findByText('No applications match these filters.'),
    ).toBeInTheDocument();
    const clear = screen.getAllByRole('button', { name: 'Clear filters' });
    await userEvent.click(clear[clear.length - 1]);
    expect(await screen.findByText('1–2 of 2')).toBeInTheDocument();
  });

  it('shows an error from the list where the list goes, and the rest of the page still', async () => {
    const api = fakeGitOpsApi();
    api.listApplications.mockRejectedValue(
      new Error("Invalid query: owner: 'group:' is not an entity ref"),
    );
    await renderPage(api);
    expect(
      (await screen.findAllByText(/'group:' is not an entity ref/))[0],
    ).toBeInTheDocument();
    expect(await screen.findByText('prod-eu')).toBeInTheDocument();
    expect(screen.getByText(/7 Applications stored/)).toBeInTheDocument();
  });
});

describe('GitOpsPageContent: live updates', () => {
  /** Signals as the signals plugin delivers them, published by the test. */
  function fakeSignalApi() {
    const listeners = new Set<(message: JsonObject) => void>();
    return {
      subscribe: jest.fn(
        (channel: string, onMessage: (message: JsonObject) => void) => {
          expect(channel).toBe('gitops:applications');
          listeners.add(onMessage);
          return { unsubscribe: () => listeners.delete(onMessage) };
        },
      ),
      publish: (name: string) =>
        listeners.forEach(listener =>
          listener({
            key: `argocd/${name}`,
            namespace: 'argocd',
            name,
            sync: 'Synced',
            health: 'Healthy',
          }),
        ),
    };
  }

  it('loads the page again when an app on it changes, not for apps elsewhere', async () => {
    const signals = fakeSignalApi();
    let apps = fleet.slice(0, 3);
    const api = fakeGitOpsApi();
    api.listApplications.mockImplementation(async () => ({ items: apps }));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gitopsApiRef, api],
          [signalApiRef, signals],
        ]}
      >
        <GitOpsPageContent />
      </TestApiProvider>,
    );
    expect(
      await screen.findByTestId('application-argocd/app-02'),
    ).toBeInTheDocument();
    expect(api.listApplications).toHaveBeenCalledTimes(1);

    signals.publish('app-59');
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(api.listApplications).toHaveBeenCalledTimes(1);

    apps = [
      ...fleet.slice(0, 2),
      fleetApplication('app-02', { sync: 'OutOfSync', health: 'Progressing' }),
    ];
    signals.publish('app-02');
    const row = screen.getByTestId('application-argocd/app-02');
    expect(await within(row).findByText('Progressing')).toBeInTheDocument();
    expect(within(row).getByText('OutOfSync')).toBeInTheDocument();
    expect(api.listApplications).toHaveBeenCalledTimes(2);
  });
});

describe('GitOpsPageContent: ApplicationSets', () => {
  it('lists each set with its generators, generated apps and their state, and its errors', async () => {
    await renderPage();
    expect(await screen.findByText('ApplicationSets (2)')).toBeInTheDocument();
    const guestbook = screen.getByText('guestbook').closest('tr')!;
    expect(
      within(guestbook).getByText('List of 2 elements'),
    ).toBeInTheDocument();
    const generated = within(guestbook).getByRole('list', {
      name: 'Applications generated by guestbook',
    });
    const items = within(generated).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      'guestbook-devSyncedHealthy',
      'guestbook-prodOutOfSyncDegraded',
    ]);
    expect(within(guestbook).getByText('sync')).toBeInTheDocument();

    const addons = screen.getByText('platform-addons').closest('tr')!;
    expect(
      within(addons).getByText(
        'Matrix of (Clusters where env=prod) × (Git directories addons/* in https://github.com/acme/addons.git @ main)',
      ),
    ).toBeInTheDocument();
    expect(within(addons).getByText('None generated')).toBeInTheDocument();
    expect(within(addons).getByRole('alert')).toHaveTextContent(
      'repository https://github.com/acme/addons.git: authentication required',
    );
    expect(within(addons).getByText('create-only')).toBeInTheDocument();
  });
});
