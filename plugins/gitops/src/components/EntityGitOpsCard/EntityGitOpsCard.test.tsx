import { alertApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockConfigApi,
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Settings } from 'luxon';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  annotatedEntity,
  CARD_NOW,
  fakeGitOpsApi,
  plainEntity,
  SHOP_DEV_REVISION,
  SHOP_PROD_EU_REVISION,
  SHOP_PROD_US_REVISION,
} from '../../__testUtils__/fixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { GitOpsClient } from '../../api/GitOpsClient';
import { EntityGitOpsCard } from './EntityGitOpsCard';

// The shared machine is slow: give lazy loading and MUI transitions time.
configure({ asyncUtilTimeout: 10_000 });

const integrations = ScmIntegrationsApi.fromConfig(
  new MockConfigApi({ integrations: { github: [{ host: 'github.com' }] } }),
);

async function renderCard(options: { api?: GitOpsApi; entity?: Entity } = {}) {
  const alertApi = { post: jest.fn() };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, options.api ?? fakeGitOpsApi()],
        [scmIntegrationsApiRef, integrations],
        [permissionApiRef, mockApis.permission()],
        [alertApiRef, alertApi],
      ]}
    >
      <EntityProvider entity={options.entity ?? annotatedEntity}>
        <EntityGitOpsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return { alertApi };
}

// Rendering the whole card with MUI is slow on a shared machine.
jest.setTimeout(30_000);

const row = (name: string) => screen.getByTestId(`gitops-app-${name}`);

describe('EntityGitOpsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const { now, defaultZone, defaultLocale } = Settings;

  beforeEach(() => {
    Settings.now = () => Date.parse(CARD_NOW);
    Settings.defaultZone = 'UTC';
    Settings.defaultLocale = 'en-US';
  });

  afterEach(() => {
    Settings.now = now;
    Settings.defaultZone = defaultZone;
    Settings.defaultLocale = defaultLocale;
  });

  it('shows one row per Application, grouped by environment and cluster', async () => {
    const api = fakeGitOpsApi();
    await renderCard({ api });
    await screen.findByTestId('gitops-app-shop-dev');

    expect(api.listApplications).toHaveBeenCalledWith(
      expect.objectContaining({ entity: 'component:default/shop' }),
    );
    const table = screen.getByRole('table', { name: 'Applications' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(
        r => within(r).queryAllByRole('cell')[0]?.textContent ?? r.textContent,
      );
    expect(rows).toEqual([
      'dev · in-cluster',
      'shop-dev',
      'prod · https://prod-us.example.internal:6443',
      'shop-prod-us',
      'prod · prod-eu',
      'shop-prod-eu',
    ]);
  });

  it('shows sync status and health with icon, colour and text', async () => {
    await renderCard();
    await screen.findByTestId('gitops-app-shop-dev');

    const badge = (name: string, status: string) => {
      const element = within(row(name)).getByText(status).parentElement!;
      expect(element).toHaveAttribute('data-status', status);
      expect(element.querySelector('svg')).not.toBeNull();
      return element.getAttribute('data-tone');
    };
    expect(badge('shop-dev', 'Synced')).toBe('ok');
    expect(badge('shop-dev', 'Healthy')).toBe('ok');
    expect(badge('shop-prod-eu', 'OutOfSync')).toBe('warning');
    expect(badge('shop-prod-eu', 'Progressing')).toBe('running');
    expect(badge('shop-prod-us', 'Degraded')).toBe('error');

    await userEvent.hover(within(row('shop-prod-us')).getByText('Degraded'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Deployment "web" exceeded its progress deadline',
    );
  });

  it('links the short SHA to its commit on GitHub, and shows it as text for a host without integration', async () => {
    await renderCard();
    await screen.findByTestId('gitops-app-shop-dev');

    const devLink = within(row('shop-dev')).getByRole('link', {
      name: new RegExp(`^Commit ${SHOP_DEV_REVISION}`),
    });
    expect(devLink).toHaveAttribute(
      'href',
      `https://github.com/acme/shop-deploy/commit/${SHOP_DEV_REVISION}`,
    );
    expect(within(devLink).getByText('a1b2c3d')).toBeInTheDocument();
    expect(
      within(row('shop-prod-eu')).getByRole('link', {
        name: new RegExp(`^Commit ${SHOP_PROD_EU_REVISION}`),
      }),
    ).toHaveAttribute(
      'href',
      `https://github.com/acme/shop-deploy/commit/${SHOP_PROD_EU_REVISION}`,
    );

    const usRow = row('shop-prod-us');
    expect(
      within(usRow).getByText(SHOP_PROD_US_REVISION.slice(0, 7)),
    ).toBeInTheDocument();
    expect(
      within(usRow).queryByRole('link', { name: /^Commit / }),
    ).not.toBeInTheDocument();
  });

  it('shows each target revision', async () => {
    await renderCard();
    await screen.findByTestId('gitops-app-shop-dev');
    expect(within(row('shop-dev')).getByText('main')).toBeInTheDocument();
    expect(within(row('shop-prod-eu')).getByText('v1.4.0')).toBeInTheDocument();
    expect(within(row('shop-prod-us')).getByText('v1.3.2')).toBeInTheDocument();
  });

  it('shows the last sync as relative time with the exact time on hover', async () => {
    await renderCard();
    await screen.findByTestId('gitops-app-shop-dev');

    const devTime = within(row('shop-dev')).getByText('3 minutes ago');
    expect(devTime).toHaveAttribute('dateTime', '2026-11-23T10:02:00.000Z');
    await userEvent.hover(devTime);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /November 23, 2026.*10:02:00\sAM.*UTC/,
    );

    expect(
      within(row('shop-prod-us')).getByText('18 hours ago'),
    ).toBeInTheDocument();
    // While a sync runs, the time is when it started.
    expect(row('shop-prod-eu')).toHaveTextContent('started 1 minute ago');
  });

  it('shows the running operation with its phase and wave, and a failed one with its message', async () => {
    await renderCard();
    await screen.findByTestId('gitops-app-shop-dev');

    const running = within(row('shop-prod-eu'));
    expect(running.getByText('Running').parentElement).toHaveAttribute(
      'data-tone',
      'running',
    );
    expect(running.getByText('Sync phase · wave 2')).toBeInTheDocument();
    expect(
      running.getByText('waiting for healthy state of apps/Deployment/web'),
    ).toBeInTheDocument();

    const failed = within(row('shop-prod-us'));
    expect(failed.getByText('Failed')).toBeInTheDocument();
    expect(
      failed.getByText(
        /one or more synchronization tasks completed unsuccessfully/,
      ),
    ).toBeInTheDocument();
    expect(failed.queryByText(/wave/)).not.toBeInTheDocument();

    expect(
      within(row('shop-dev')).getByLabelText('No operation running'),
    ).toBeInTheDocument();
  });

  it('says which annotation to add when the entity has none, without calling the API', async () => {
    const api = fakeGitOpsApi();
    await renderCard({ api, entity: plainEntity });

    expect(
      await screen.findByText('No GitOps Applications linked'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('argocd/app-name').length).toBeGreaterThan(0);
    expect(screen.getByText('argocd/app-selector')).toBeInTheDocument();
    // The example uses the entity's own name.
    expect(
      screen.getByText(
        (_, element) =>
          element?.tagName === 'CODE' &&
          /argocd\/app-name: docs-site/.test(element.textContent ?? ''),
      ),
    ).toBeInTheDocument();
    expect(api.listApplications).not.toHaveBeenCalled();
  });

  it('says what the annotations name when no Application matches them', async () => {
    await renderCard({ api: fakeGitOpsApi({ applications: [] }) });

    expect(
      await screen.findByText('No Applications match this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /no Application named shop-dev, or named shop-prod, or labelled app.kubernetes.io\/part-of=shop in project team-shop/,
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's error when the list request fails", async () => {
    server.use(
      http.get('*/api/gitops/applications', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message:
                'Invalid query: entity component:default/shop is not in the catalog, or you may not see it; check the entity ref',
            },
            request: { method: 'GET', url: '/api/gitops/applications' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const client = new GitOpsClient({
      discoveryApi: mockApis.discovery(),
      fetchApi: new MockFetchApi(),
    });
    await renderCard({ api: client });

    const [summary] = await screen.findAllByText(
      /is not in the catalog, or you may not see it/,
    );
    expect(summary).toHaveTextContent(
      "Could not load this entity's Applications: Invalid query",
    );
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('keeps the last state and warns when loading again fails', async () => {
    const api = fakeGitOpsApi();
    await renderCard({ api });
    await screen.findByTestId('gitops-app-shop-dev');

    api.listApplications.mockRejectedValue(
      new Error('Service Unavailable: the GitOps backend is restarting'),
    );
    // An action loads the list again.
    await userEvent.click(
      within(row('shop-dev')).getByRole('button', { name: 'Refresh shop-dev' }),
    );

    expect(
      await screen.findByText(/loading it again failed/),
    ).toHaveTextContent('the GitOps backend is restarting');
    expect(row('shop-dev')).toBeInTheDocument();
  });
});
