import {
  scmIntegrationsApiRef,
  ScmIntegrationsApi,
} from '@backstage/integration-react';
import {
  MockConfigApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  ApplicationIdentity,
  ResourceEventsResponse,
  ResourceObjectRef,
} from '@driftless/backstage-plugin-gitops-common';
import { screen, within } from '@testing-library/react';
import { Settings } from 'luxon';
import {
  SHOP_DEV_POD_NAME,
  shopDevApplication,
  shopDevDeploymentKubernetesEvents,
  shopDevEvents,
  shopDevManagedResources,
  shopDevPodKubernetesEvents,
  shopDevResourceTree,
} from '../../__testUtils__/applicationDetailsFixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import {
  managedResourceFor,
  resourceRows,
  type ResourceRow,
} from '../../lib/resources';
import { ResourceDetailsDrawer } from './ResourceDetailsDrawer';

/** A few minutes after the fixtures' rollout, so "last seen" reads as people see it. */
const NOW = '2026-11-23T09:20:00Z';

const integrations = ScmIntegrationsApi.fromConfig(
  new MockConfigApi({ integrations: { github: [{ host: 'github.com' }] } }),
);

const rows = resourceRows(shopDevApplication, shopDevResourceTree);

function rowOf(kind: string, name: string): ResourceRow {
  const row = rows.find(
    candidate => candidate.kind === kind && candidate.name === name,
  );
  if (!row) throw new Error(`the fixtures have no ${kind} ${name}`);
  return row;
}

/** Only getResourceEvents: the Events tab reads nothing else from the API. */
function eventsApi(
  getResourceEvents: (
    app: ApplicationIdentity,
    resource: ResourceObjectRef,
  ) => Promise<ResourceEventsResponse>,
) {
  const api = { getResourceEvents: jest.fn(getResourceEvents) };
  return new Proxy(api, {
    get: (target, property) =>
      property in target
        ? target[property as keyof typeof target]
        : () =>
            Promise.reject(
              new Error(`the Events tab does not call ${String(property)}`),
            ),
  }) as typeof api & GitOpsApi;
}

async function openEvents(row: ResourceRow, api: GitOpsApi) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [scmIntegrationsApiRef, integrations],
      ]}
    >
      <ResourceDetailsDrawer
        app={shopDevApplication}
        row={row}
        managed={managedResourceFor(row, shopDevManagedResources)}
        events={shopDevEvents}
        initialTab="events"
        onClose={() => {}}
      />
    </TestApiProvider>,
  );
  return screen.findByRole('dialog');
}

/** Each body row of the Kubernetes events table as its cells' text. */
async function kubernetesEventRows(drawer: HTMLElement): Promise<string[][]> {
  const table = await within(drawer).findByRole('table', {
    name: 'Kubernetes events of this resource',
  });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent ?? ''),
    );
}

describe('ResourceDetailsDrawer events tab', () => {
  const { now, defaultZone, defaultLocale } = Settings;
  beforeEach(() => {
    Settings.now = () => Date.parse(NOW);
    Settings.defaultZone = 'UTC';
    Settings.defaultLocale = 'en-US';
  });
  afterEach(() => {
    Settings.now = now;
    Settings.defaultZone = defaultZone;
    Settings.defaultLocale = defaultLocale;
  });

  it("shows the Deployment's Kubernetes events above its sync results and app events", async () => {
    const api = eventsApi(async () => ({
      items: shopDevDeploymentKubernetesEvents,
    }));
    const drawer = await openEvents(rowOf('Deployment', 'web'), api);

    expect(await kubernetesEventRows(drawer)).toEqual([
      [
        'Normal',
        'ScalingReplicaSet',
        'Scaled down replica set web-5b8f6c7d9a from 1 to 0',
        '1',
        '6 minutes ago',
        'deployment-controller',
      ],
      [
        'Normal',
        'ScalingReplicaSet',
        'Scaled up replica set web-7d9c5b6f48 from 0 to 1',
        '1',
        '7 minutes ago',
        'deployment-controller',
      ],
    ]);
    expect(api.getResourceEvents).toHaveBeenCalledWith(
      { namespace: 'gitops', name: 'shop-dev' },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
      },
    );
    const kubernetes = within(drawer).getByRole('table', {
      name: 'Kubernetes events of this resource',
    });
    const results = within(drawer).getByRole('table', {
      name: 'Results in the last operation',
    });
    const mentions = within(drawer).getByRole('table', {
      name: 'Events about this resource',
    });
    expect(
      // eslint-disable-next-line no-bitwise
      kubernetes.compareDocumentPosition(results) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(mentions).toHaveTextContent('SyncError');
    // The exact time is on hover and for assistive technology.
    expect(
      within(kubernetes).getByLabelText(/November 23, 2026.*9:13:05/),
    ).toHaveAttribute('dateTime', '2026-11-23T09:13:05.000Z');
  });

  it("shows a pod's aggregated warnings with their count, and events.k8s.io events by their reporter", async () => {
    const api = eventsApi(async () => ({ items: shopDevPodKubernetesEvents }));
    const drawer = await openEvents(rowOf('Pod', SHOP_DEV_POD_NAME), api);

    const [backOff, pulled, scheduled] = await kubernetesEventRows(drawer);
    expect(backOff).toEqual([
      'Warning',
      'BackOff',
      `Back-off restarting failed container web in pod ${SHOP_DEV_POD_NAME}_shop(5d1c0e2a-0000-4000-8000-000000000020)`,
      '6',
      '30 seconds ago',
      'kubelet, kind-worker',
    ]);
    expect(pulled.slice(0, 2)).toEqual(['Normal', 'Pulled']);
    expect(scheduled).toEqual([
      'Normal',
      'Scheduled',
      `Successfully assigned shop/${SHOP_DEV_POD_NAME} to kind-worker`,
      '1',
      '7 minutes ago',
      'default-scheduler',
    ]);
    // A live child is looked up without the app's sync data.
    expect(drawer).toHaveTextContent(
      `No sync, deployment or application event names Pod shop/${SHOP_DEV_POD_NAME}.`,
    );
  });

  it('says when the cluster reports no events about the resource', async () => {
    const empty = eventsApi(async () => ({ items: [] }));
    const drawer = await openEvents(rowOf('Service', 'web'), empty);
    expect(
      await within(drawer).findByText(
        /The cluster reports no events about Service shop\/web/,
      ),
    ).toBeInTheDocument();
    expect(
      within(drawer).queryByRole('table', {
        name: 'Kubernetes events of this resource',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows why the events could not be loaded, and still the sync results', async () => {
    const failing = eventsApi(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotFoundError',
              message:
                'apps/Deployment shop/web is not a live resource of application gitops/shop-dev',
            },
            request: { method: 'GET', url: '/resource/events' },
            response: { statusCode: 404 },
          }),
          { status: 404, headers: { 'Content-Type': 'application/json' } },
        ),
      );
    });
    const drawer = await openEvents(rowOf('Deployment', 'web'), failing);
    const alert = await within(drawer).findByText(/could not be loaded/);
    expect(alert).toHaveTextContent(
      'The Kubernetes events of Deployment shop/web could not be loaded',
    );
    expect(alert).toHaveTextContent(
      'is not a live resource of application gitops/shop-dev',
    );
    expect(
      within(drawer).getByRole('table', {
        name: 'Results in the last operation',
      }),
    ).toBeInTheDocument();
  });

  it('does not ask the cluster about a resource a sync has not created yet', async () => {
    const api = eventsApi(async () => ({ items: [] }));
    const missing: ResourceRow = {
      ...rowOf('ConfigMap', 'web-config'),
      health: { status: 'Missing' },
    };
    const drawer = await openEvents(missing, api);
    expect(drawer).toHaveTextContent(
      'ConfigMap shop/web-config does not exist in the cluster yet, so the cluster has no events about it.',
    );
    expect(api.getResourceEvents).not.toHaveBeenCalled();
  });
});
