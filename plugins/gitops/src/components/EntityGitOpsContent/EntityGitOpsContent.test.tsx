import {
  scmIntegrationsApiRef,
  ScmIntegrationsApi,
} from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MockConfigApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  ApplicationIdentity,
  GitOpsApplication,
  ListApplicationsQuery,
  ManagedResource,
  ResourceObjectRef,
  ResourceRef,
} from '@driftless/backstage-plugin-gitops-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  REVISION_CURRENT,
  REVISION_PREVIOUS,
  shopDevApplication,
  shopDevDeploymentKubernetesEvents,
  shopDevEvents,
  shopDevManagedResources,
  SHOP_DEV_POD_NAME,
  shopDevPodKubernetesEvents,
  shopDevPodManifest,
  shopDevResourceTree,
  shopProdApplication,
} from '../../__testUtils__/applicationDetailsFixtures';
import { annotatedEntity, plainEntity } from '../../__testUtils__/fixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { EntityGitOpsContent } from './EntityGitOpsContent';

const apps: Record<string, GitOpsApplication> = {
  'gitops/shop-dev': shopDevApplication,
  'gitops/shop-prod': shopProdApplication,
};

/**
 * The GitOps API as the backend answers for the fixtures' two apps. Methods
 * the tab has no business calling reject, whatever the interface grows to.
 */
function fakeGitOpsApi(overrides: Partial<GitOpsApi> = {}) {
  const app = (identity: ApplicationIdentity) => {
    const found = apps[`${identity.namespace}/${identity.name}`];
    if (!found) throw new Error(`no app ${identity.name}`);
    return found;
  };
  const api = {
    listApplications: jest.fn(async (_query?: ListApplicationsQuery) => ({
      items: [shopDevApplication, shopProdApplication],
    })),
    getApplication: jest.fn(async (identity: ApplicationIdentity) =>
      app(identity),
    ),
    getResourceTree: jest.fn(async (identity: ApplicationIdentity) =>
      app(identity) === shopDevApplication
        ? shopDevResourceTree
        : { nodes: [] },
    ),
    getManagedResources: jest.fn(async (identity: ApplicationIdentity) => ({
      items:
        app(identity) === shopDevApplication ? shopDevManagedResources : [],
    })),
    getEvents: jest.fn(async (identity: ApplicationIdentity) => ({
      items: app(identity) === shopDevApplication ? shopDevEvents : [],
    })),
    getLiveResource: jest.fn(
      async (identity: ApplicationIdentity, resource: ResourceRef) => {
        if (
          app(identity) !== shopDevApplication ||
          resource.kind !== 'Pod' ||
          resource.name !== SHOP_DEV_POD_NAME
        ) {
          throw new Error(`${resource.kind} ${resource.name} was not found`);
        }
        return shopDevPodManifest;
      },
    ),
    getResourceEvents: jest.fn(
      async (identity: ApplicationIdentity, resource: ResourceObjectRef) => {
        if (app(identity) !== shopDevApplication) return { items: [] };
        if (resource.kind === 'Deployment' && resource.name === 'web') {
          return { items: shopDevDeploymentKubernetesEvents };
        }
        if (resource.kind === 'Pod' && resource.name === SHOP_DEV_POD_NAME) {
          return { items: shopDevPodKubernetesEvents };
        }
        return { items: [] };
      },
    ),
    ...overrides,
  };
  const rejectUnused = (method: string) => () =>
    Promise.reject(new Error(`the GitOps tab does not call ${method}`));
  return new Proxy(api, {
    get: (target, property) => {
      if (property in target) return target[property as keyof typeof target];
      // Only API method names: not `then` (promise checks), symbols or React's probes.
      return typeof property === 'string' &&
        /^[a-z]\w+$/.test(property) &&
        property !== 'then' &&
        property !== 'toJSON'
        ? rejectUnused(property)
        : undefined;
    },
  }) as typeof api & GitOpsApi;
}

const integrations = ScmIntegrationsApi.fromConfig(
  new MockConfigApi({ integrations: { github: [{ host: 'github.com' }] } }),
);

async function renderTab(
  options: {
    api?: GitOpsApi;
    entity?: typeof annotatedEntity;
    url?: string;
  } = {},
) {
  const api = options.api ?? fakeGitOpsApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [scmIntegrationsApiRef, integrations],
      ]}
    >
      <EntityProvider entity={options.entity ?? annotatedEntity}>
        <EntityGitOpsContent />
      </EntityProvider>
    </TestApiProvider>,
    options.url ? { routeEntries: [options.url] } : undefined,
  );
  return api;
}

/** The tree item of a resource, by the kind and name it is announced with. */
function treeItem(kind: string, name: string): HTMLElement {
  return screen.getByRole('treeitem', {
    name: new RegExp(`^${kind} ${name}(,|$)`),
  });
}

/** Names of every tree item that contains `item`, innermost first. */
function treeAncestors(item: HTMLElement): string[] {
  const names: string[] = [];
  for (
    let up = item.parentElement?.closest('[role="treeitem"]');
    up;
    up = up.parentElement?.closest('[role="treeitem"]')
  ) {
    names.push(up.getAttribute('aria-label')!);
  }
  return names;
}

async function openFromTree(kind: string, name: string) {
  await screen.findByRole('tree');
  const label = treeItem(kind, name).querySelector('.MuiTreeItem-label')!;
  await userEvent.click(label as HTMLElement);
  return screen.findByRole('dialog');
}

/** The visible table rows (without the header), as `Kind/name`. */
function tableRows(): string[] {
  const table = screen.getByRole('table', { name: 'Resources' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => {
      const cells = within(row).getAllByRole('cell');
      return cells.length > 1
        ? `${cells[0].textContent}/${cells[1].textContent}`
        : cells[0].textContent!;
    });
}

async function chooseFilter(label: string, option: string) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  await userEvent.click(
    within(await screen.findByRole('listbox')).getByRole('option', {
      name: option,
    }),
  );
}

// Whole-tab renders with drawers and menus; the 2-core CI machine is shared.
jest.setTimeout(20_000);

describe('EntityGitOpsContent', () => {
  it('says which annotation to add when the entity has none, without calling the API', async () => {
    const api = await renderTab({ entity: plainEntity });
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(screen.getAllByText(/argocd\/app-selector/).length).toBeGreaterThan(
      0,
    );
    expect(api.listApplications).not.toHaveBeenCalled();
  });

  it('says so when the annotations match no Application', async () => {
    await renderTab({
      api: fakeGitOpsApi({ listApplications: async () => ({ items: [] }) }),
    });
    expect(
      await screen.findByText('No Applications match this entity'),
    ).toBeInTheDocument();
  });

  it('shows why the application could not be loaded', async () => {
    await renderTab({
      api: fakeGitOpsApi({
        getApplication: async () => {
          throw new Error('Application gitops/shop-dev was not found');
        },
      }),
    });
    expect(
      (await screen.findAllByText(/Application gitops\/shop-dev was not found/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('tree')).not.toBeInTheDocument();
  });

  it('puts the failed sync and the error conditions at the top', async () => {
    await renderTab();
    const banner = await screen.findByRole('region', {
      name: 'Application conditions',
    });
    const alerts = within(banner).getAllByRole('alert');
    expect(alerts[0]).toHaveTextContent('Last sync failed (revision c0ffee0)');
    expect(alerts[0]).toHaveTextContent(
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.limits',
    );
    expect(alerts[1]).toHaveTextContent('SyncError');
    expect(alerts[1]).toHaveTextContent('Failed sync attempt to c0ffee00');
    // The banner comes before the resources in the page.
    expect(
      banner.compareDocumentPosition(await screen.findByRole('tree')) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('shows comparison and spec errors before warnings, and resources without the tree', async () => {
    const broken: GitOpsApplication = {
      ...shopProdApplication,
      status: {
        ...shopProdApplication.status,
        sync: { status: 'Unknown' },
        conditions: [
          {
            type: 'OrphanedResourceWarning',
            message: 'Application has 1 orphaned resources',
          },
          {
            type: 'ComparisonError',
            message:
              "rendering apps/shop at 9a1b2c3: kustomize build failed: accumulating resources: 'missing.yaml' not found",
          },
          {
            type: 'InvalidSpecError',
            message: "cluster 'prod-us' is not configured",
          },
        ],
      },
    };
    await renderTab({
      api: fakeGitOpsApi({
        listApplications: async () => ({ items: [broken] }),
        getApplication: async () => broken,
        getResourceTree: async () => {
          throw new Error(
            'Application gitops/shop-prod cannot be compared: kustomize build failed',
          );
        },
      }),
    });
    const alerts = within(
      await screen.findByRole('region', { name: 'Application conditions' }),
    ).getAllByRole('alert');
    expect(
      alerts.map(
        alert => alert.querySelector('.MuiAlertTitle-root')!.textContent,
      ),
    ).toEqual([
      'ComparisonError',
      'InvalidSpecError',
      'OrphanedResourceWarning',
    ]);
    expect(alerts[0]).toHaveClass('MuiAlert-standardError');
    expect(alerts[2]).toHaveClass('MuiAlert-standardWarning');
    expect(
      screen.getByText(/The live resource tree could not be loaded/),
    ).toHaveTextContent('kustomize build failed');
    // The stored resources still show without the tree.
    expect(treeItem('Service', 'web')).toBeInTheDocument();
  });

  it('shows no banner when nothing is wrong', async () => {
    await renderTab({ url: '/?app=gitops%2Fshop-prod' });
    expect(await screen.findByRole('tree')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Application conditions' }),
    ).not.toBeInTheDocument();
  });

  it('nests Pods under their ReplicaSet under their Deployment in the tree', async () => {
    await renderTab();
    await screen.findByRole('tree');
    expect(treeAncestors(treeItem('Pod', 'web-7d9c5b6f48-x2k9p'))).toEqual([
      'ReplicaSet web-7d9c5b6f48, Healthy',
      'Deployment web, OutOfSync, Progressing',
      'Application shop-dev, OutOfSync, Progressing',
    ]);
    expect(treeAncestors(treeItem('Pod', 'db-migrate-8xk2f'))).toEqual([
      'Job db-migrate, Healthy',
      'Application shop-dev, OutOfSync, Progressing',
    ]);
    expect(treeAncestors(treeItem('Service', 'web'))).toEqual([
      'Application shop-dev, OutOfSync, Progressing',
    ]);
    expect(treeAncestors(treeItem('ConfigMap', 'legacy-flags'))).toEqual([
      'Application shop-dev, OutOfSync, Progressing',
    ]);
    // Both ReplicaSets of the Deployment, and nothing else, sit under it.
    const deploymentGroup = treeItem('Deployment', 'web').querySelector(
      ':scope > ul[role="group"]',
    ) as HTMLElement;
    expect(
      within(deploymentGroup)
        .getAllByRole('treeitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual([
      'ReplicaSet web-5b8f6c7d9a, Healthy',
      'Pod web-5b8f6c7d9a-q7wbn, Progressing',
      'ReplicaSet web-7d9c5b6f48, Healthy',
      'Pod web-7d9c5b6f48-x2k9p, Healthy',
    ]);
  });

  it('folds a node from its arrow without opening its details', async () => {
    await renderTab();
    await screen.findByRole('tree');
    const deployment = treeItem('Deployment', 'web');
    await userEvent.click(
      deployment.querySelector('.MuiTreeItem-iconContainer') as HTMLElement,
    );
    await waitFor(() =>
      expect(
        screen.queryByText('web-7d9c5b6f48-x2k9p'),
      ).not.toBeInTheDocument(),
    );
    expect(deployment).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('filters the resources table by kind, sync status, health and text', async () => {
    await renderTab();
    await screen.findByRole('tree');
    await userEvent.click(screen.getByRole('button', { name: 'Table' }));
    expect(tableRows()).toHaveLength(11);
    const header = within(screen.getByRole('table', { name: 'Resources' }))
      .getAllByRole('columnheader')
      .map(cell => cell.textContent);
    expect(header).toEqual([
      'Kind',
      'Name',
      'Namespace',
      'Sync status',
      'Health',
      'Message',
      'Wave',
      'Hook',
    ]);

    await chooseFilter('Kind', 'Pod');
    expect(tableRows()).toEqual([
      'Pod/web-7d9c5b6f48-x2k9p',
      'Pod/web-5b8f6c7d9a-q7wbn',
      'Pod/db-migrate-8xk2f',
    ]);
    await chooseFilter('Health', 'Progressing');
    expect(tableRows()).toEqual(['Pod/web-5b8f6c7d9a-q7wbn']);

    await chooseFilter('Kind', 'All');
    await chooseFilter('Health', 'All');
    await chooseFilter('Sync status', 'OutOfSync');
    expect(tableRows()).toEqual([
      'Secret/web-credentials',
      'ConfigMap/legacy-flags',
      'Deployment/web',
    ]);
    expect(screen.getByRole('status')).toHaveTextContent('3 of 11 resources');

    await chooseFilter('Sync status', 'All');
    fireEvent.change(screen.getByLabelText('Search resources'), {
      target: { value: 'pending' },
    });
    expect(tableRows()).toEqual(['Deployment/web', 'Pod/web-5b8f6c7d9a-q7wbn']);
    fireEvent.change(screen.getByLabelText('Search resources'), {
      target: { value: 'pending nothing' },
    });
    expect(tableRows()).toEqual(['No resource matches these filters.']);
    // Many menu interactions: slow on a shared CI machine, not a performance check.
  }, 30_000);

  it('shows wave, hook and message columns in the table', async () => {
    await renderTab();
    await screen.findByRole('tree');
    await userEvent.click(screen.getByRole('button', { name: 'Table' }));
    const cells = (name: string) =>
      within(
        screen
          .getAllByRole('row')
          .find(row => within(row).queryByRole('button', { name }))!,
      )
        .getAllByRole('cell')
        .map(cell => cell.textContent);
    expect(cells('Details of Deployment web')).toEqual([
      'Deployment',
      'web',
      'shop',
      'OutOfSync',
      'Progressing',
      'Waiting for rollout to finish: 1 old replicas are pending termination...',
      '1',
      'No',
    ]);
    expect(cells('Details of Job db-migrate')).toEqual([
      'Job',
      'db-migrate',
      'shop',
      '—',
      'Healthy',
      '',
      '—',
      'Yes',
    ]);
    expect(cells('Details of Secret web-credentials')[6]).toBe('-1');
    expect(cells('Details of ConfigMap legacy-flags')[5]).toBe(
      'Requires pruning',
    );
  });

  it('opens a side-by-side diff of the live and predicted objects', async () => {
    await renderTab();
    const drawer = await openFromTree('Deployment', 'web');
    expect(drawer).toHaveAccessibleName('Deployment shop/web');
    const diff = within(drawer).getByRole('table', {
      name: 'Side-by-side diff',
    });
    const changed = [...diff.querySelectorAll('tr[data-diff="changed"]')].map(
      row => [...row.querySelectorAll('td')].map(cell => cell.textContent),
    );
    expect(changed).toEqual([
      ['9', '-   replicas: 2', '9', '+   replicas: 3'],
      [
        '20',
        '-           image: ghcr.io/acme/shop-web:1.4.0',
        '20',
        '+           image: ghcr.io/acme/shop-web:1.5.0',
      ],
      ['25', '-               cpu: 500m', '25', '+               cpu: "-1"'],
    ]);
    // Unchanged lines stay on both sides without a marker; far ones fold.
    const same = diff.querySelector('tr[data-diff="same"]')!;
    expect(
      [...same.querySelectorAll('td')].map(cell => cell.textContent),
    ).toEqual(['6', '    labels:', '6', '    labels:']);
    expect(diff).toHaveTextContent('5 unchanged lines');
    expect(diff).not.toHaveTextContent('kind: Deployment');
  });

  it('shows Secret values masked in the diff, the changed one as a changed mask', async () => {
    await renderTab();
    const drawer = await openFromTree('Secret', 'web-credentials');
    expect(drawer).toHaveTextContent('Secret values are masked');
    const diff = within(drawer).getByRole('table', {
      name: 'Side-by-side diff',
    });
    const changed = [...diff.querySelectorAll('tr[data-diff="changed"]')];
    expect(changed).toHaveLength(1);
    expect(changed[0]).toHaveTextContent('- password: ++++++++++++++++');
    expect(changed[0]).toHaveTextContent('+ password: ++++++++++++');
    expect(diff).toHaveTextContent('username: ++++++++');
  });

  it('never shows a Secret value a backend sent in clear', async () => {
    const clear: ManagedResource[] = shopDevManagedResources.map(resource =>
      resource.kind === 'Secret'
        ? {
            ...resource,
            liveState: resource.liveState!.replace(
              '"++++++++++++++++"',
              '"aHVudGVyMg=="',
            ),
            normalizedLiveState: resource.normalizedLiveState!.replace(
              '"++++++++++++++++"',
              '"aHVudGVyMg=="',
            ),
          }
        : resource,
    );
    expect(JSON.stringify(clear)).toContain('aHVudGVyMg==');
    await renderTab({
      api: fakeGitOpsApi({
        getManagedResources: async () => ({ items: clear }),
      }),
    });
    const drawer = await openFromTree('Secret', 'web-credentials');
    expect(drawer).toHaveTextContent(/password: \+{64,}/);
    for (const tab of ['Diff', 'Live manifest', 'Desired manifest']) {
      await userEvent.click(within(drawer).getByRole('tab', { name: tab }));
      expect(document.body).not.toHaveTextContent('aHVudGVyMg==');
    }
  });

  it('shows the live and desired manifests', async () => {
    await renderTab();
    const drawer = await openFromTree('Deployment', 'web');
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Live manifest' }),
    );
    expect(drawer).toHaveTextContent('readyReplicas: 2');
    expect(drawer).toHaveTextContent('image: ghcr.io/acme/shop-web:1.4.0');
    expect(drawer).not.toHaveTextContent('managedFields');
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Desired manifest' }),
    );
    expect(drawer).toHaveTextContent('image: ghcr.io/acme/shop-web:1.5.0');
    expect(drawer).not.toHaveTextContent('readyReplicas');
  });

  it('explains the manifests a resource does not have', async () => {
    await renderTab();
    let drawer = await openFromTree('ConfigMap', 'legacy-flags');
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Desired manifest' }),
    );
    expect(drawer).toHaveTextContent(
      'Git no longer defines this resource; a sync with prune deletes it.',
    );
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    drawer = await openFromTree('Pod', 'web-7d9c5b6f48-x2k9p');
    expect(drawer).toHaveTextContent('Made by ReplicaSet web-7d9c5b6f48');
    expect(drawer).toHaveTextContent('Status Reason: Running');
    await userEvent.click(within(drawer).getByRole('tab', { name: 'Diff' }));
    expect(drawer).toHaveTextContent('nothing to compare');
  });

  it('reads the live manifest of a resource the cluster made', async () => {
    const api = await renderTab();
    let drawer = await openFromTree('Pod', 'web-7d9c5b6f48-x2k9p');
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Live manifest' }),
    );
    await waitFor(() => expect(drawer).toHaveTextContent('podIP: 10.244.1.17'));
    expect(drawer).toHaveTextContent('nodeName: kind-worker');
    expect(drawer).not.toHaveTextContent('managedFields');
    expect(api.getLiveResource).toHaveBeenCalledWith(
      { namespace: 'gitops', name: 'shop-dev' },
      {
        group: '',
        version: 'v1',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-7d9c5b6f48-x2k9p',
      },
    );
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    drawer = await openFromTree('ReplicaSet', 'web-5b8f6c7d9a');
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Live manifest' }),
    );
    expect(
      await within(drawer).findByText(/could not be loaded/),
    ).toHaveTextContent('ReplicaSet web-5b8f6c7d9a was not found');
  });

  it("lists a resource's results, deployments and events", async () => {
    await renderTab();
    const drawer = await openFromTree('Deployment', 'web');
    await userEvent.click(within(drawer).getByRole('tab', { name: 'Events' }));
    expect(
      await within(drawer).findByRole('table', {
        name: 'Kubernetes events of this resource',
      }),
    ).toHaveTextContent('Scaled up replica set web-7d9c5b6f48 from 0 to 1');
    const results = within(drawer).getByRole('table', {
      name: 'Results in the last operation',
    });
    expect(results).toHaveTextContent('SyncFailed');
    expect(results).toHaveTextContent('Deployment.apps "web" is invalid');
    const deployments = within(drawer).getByRole('table', {
      name: 'Deployments of this resource',
    });
    expect(within(deployments).getAllByRole('row')).toHaveLength(3);
    const events = within(drawer).getByRole('table', {
      name: 'Events about this resource',
    });
    expect(
      within(events)
        .getAllByRole('row')
        .slice(1)
        .map(row => within(row).getAllByRole('cell')[2].textContent),
    ).toEqual(['SyncError', 'OperationCompleted', 'ResourceActionRan']);
    expect(events).not.toHaveTextContent('Updated sync status');
  });

  it('lists the sync history with commit links and the result of each sync', async () => {
    await renderTab();
    const history = await screen.findByRole('table', { name: 'Sync history' });
    const rows = within(history).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);

    expect(rows[0]).toHaveTextContent('current');
    expect(rows[0]).toHaveTextContent('Failed');
    expect(rows[0]).toHaveTextContent('user:default/alice');
    expect(rows[0]).toHaveTextContent('Deployment.apps "web" is invalid');

    expect(rows[1]).toHaveTextContent('2');
    expect(rows[1]).toHaveTextContent('user:default/bob');
    expect(rows[1]).toHaveTextContent('Succeeded');
    expect(rows[1]).toHaveTextContent('2 Synced, 1 Pruned');
    expect(
      within(rows[1]).getByRole('link', {
        name: new RegExp(`^Commit ${REVISION_CURRENT}`),
      }),
    ).toHaveAttribute(
      'href',
      `https://github.com/acme/shop-deploy/commit/${REVISION_CURRENT}`,
    );
    expect(rows[1]).toHaveTextContent(REVISION_CURRENT.slice(0, 7));

    expect(rows[2]).toHaveTextContent('automated sync');
    expect(rows[2]).toHaveTextContent('3 Synced');
    expect(
      within(rows[2]).getByRole('link', {
        name: new RegExp(`^Commit ${REVISION_PREVIOUS}`),
      }),
    ).toHaveAttribute(
      'href',
      `https://github.com/acme/shop-deploy/commit/${REVISION_PREVIOUS}`,
    );
  });

  it('opens the app the URL names and switches between the entity apps', async () => {
    const api = await renderTab({ url: '/?app=gitops%2Fshop-prod' });
    await screen.findByRole('tree');
    expect(
      screen.getByRole('tab', { name: 'shop-prod', selected: true }),
    ).toBeInTheDocument();
    expect(api.getApplication).toHaveBeenLastCalledWith({
      namespace: 'gitops',
      name: 'shop-prod',
    });
    expect(screen.queryByText('web-7d9c5b6f48-x2k9p')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'shop-dev' }));
    expect(await screen.findByText('web-7d9c5b6f48-x2k9p')).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'shop-dev', selected: true }),
    ).toBeInTheDocument();
  });
});
