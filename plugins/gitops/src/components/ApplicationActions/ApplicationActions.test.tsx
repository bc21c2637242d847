import { alertApiRef } from '@backstage/core-plugin-api';
import { ConflictError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  GitOpsApplication,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  fakeGitOpsApi,
  shopDevCardApplication,
  shopProdEuCardApplication,
  shopProdUsCardApplication,
  shopProdUsHistory,
} from '../../__testUtils__/fixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { GitOpsClient } from '../../api/GitOpsClient';
import { ApplicationActions } from './ApplicationActions';
import { AUTOMATED_ROLLBACK_REASON } from './reasons';

// The shared machine is slow: give lazy loading and MUI transitions time.
configure({ asyncUtilTimeout: 10_000 });

// Dialogs full of MUI inputs render slowly on a shared machine.
jest.setTimeout(60_000);

/** shop-prod-eu once its sync finished: manual sync, three resources and a hook. */
const idleProdEu: GitOpsApplication = {
  ...shopProdEuCardApplication,
  operation: undefined,
  status: {
    ...shopProdEuCardApplication.status,
    operationState: {
      ...shopProdEuCardApplication.status.operationState!,
      phase: 'Succeeded',
      finishedAt: '2026-11-23T10:04:40Z',
    },
  },
};

let renders = 0;

/**
 * Renders the actions of `app`, moved to a namespace of its own:
 * `usePermission` caches decisions for the whole process by permission and
 * resourceRef, so a decision from one test would otherwise answer another.
 */
async function renderActions(
  original: GitOpsApplication,
  options: {
    api?: (app: GitOpsApplication) => GitOpsApi;
    permission?: ReturnType<typeof mockApis.permission>;
  } = {},
) {
  renders++;
  const app: GitOpsApplication = {
    ...original,
    metadata: { ...original.metadata, namespace: `test-${renders}` },
  };
  const identity = {
    namespace: app.metadata.namespace,
    name: app.metadata.name,
  };
  const fake = fakeGitOpsApi({
    applications: [app],
    history: {
      [`${identity.namespace}/${identity.name}`]: shopProdUsHistory,
    },
  });
  const alertApi = { post: jest.fn() };
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, options.api ? options.api(app) : fake],
        [permissionApiRef, options.permission ?? mockApis.permission()],
        [alertApiRef, alertApi],
      ]}
    >
      <ApplicationActions app={app} onChanged={onChanged} />
    </TestApiProvider>,
  );
  return { api: fake, identity, alertApi, onChanged };
}

async function openMenu(name: string) {
  await userEvent.click(
    await screen.findByRole('button', { name: `More actions for ${name}` }),
  );
  return screen.findByRole('menu');
}

const menuItem = (menu: HTMLElement, label: string) =>
  within(menu)
    .getAllByRole('menuitem')
    .find(item => item.textContent?.startsWith(label))!;

async function openSyncDialog(name: string) {
  const button = await screen.findByRole('button', { name: `Sync ${name}` });
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  return screen.findByRole('dialog', { name: `Sync ${name}` });
}

describe('Sync dialog', () => {
  it('sends every chosen flag, sync option, resource and revision', async () => {
    const { api, identity, alertApi, onChanged } = await renderActions(
      idleProdEu,
    );
    const dialog = within(await openSyncDialog('shop-prod-eu'));

    const revision = dialog.getByLabelText('Revision');
    expect(revision).toHaveValue('v1.4.0');
    await userEvent.clear(revision);
    await userEvent.click(revision);
    await userEvent.paste('release-1.5');
    for (const label of [
      'Prune',
      'Apply only',
      'Force',
      'Server-side apply',
      'Prune last',
      'Replace',
    ]) {
      await userEvent.click(dialog.getByRole('checkbox', { name: label }));
    }
    // The hook is not offered; deselect the Service.
    expect(dialog.queryByText(/db-migrate/)).not.toBeInTheDocument();
    expect(dialog.getByText('Resources (3 of 3 selected)')).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('checkbox', { name: /^Service shop\/web/ }),
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Synchronize' }));

    await waitFor(() => expect(api.sync).toHaveBeenCalledTimes(1));
    expect(api.sync).toHaveBeenCalledWith(identity, {
      revision: 'release-1.5',
      prune: true,
      dryRun: false,
      syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'Replace=true'],
      resources: [
        {
          group: '',
          kind: 'ConfigMap',
          name: 'web-config',
          namespace: 'shop',
        },
        { group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop' },
      ],
      strategy: { apply: { force: true } },
    } satisfies SyncRequest);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        message: 'Sync of shop-prod-eu started',
        severity: 'success',
      }),
    );
    expect(onChanged).toHaveBeenCalled();
  });

  it('sends a plain sync with no options set', async () => {
    const { api, identity } = await renderActions(idleProdEu);
    const dialog = within(await openSyncDialog('shop-prod-eu'));
    await userEvent.click(dialog.getByRole('button', { name: 'Synchronize' }));

    await waitFor(() =>
      expect(api.sync).toHaveBeenCalledWith(identity, {
        prune: false,
        dryRun: false,
      }),
    );
  });

  describe('over HTTP', () => {
    const server = setupServer();
    registerMswTestHooks(server);

    it('posts a dry run with hook force as the JSON body of /sync', async () => {
      const bodies: unknown[] = [];
      server.use(
        http.post(
          '*/api/gitops/applications/:namespace/shop-prod-eu/sync',
          async ({ request }) => {
            bodies.push(await request.json());
            return HttpResponse.json(idleProdEu);
          },
        ),
      );
      const client = new GitOpsClient({
        discoveryApi: mockApis.discovery(),
        fetchApi: new MockFetchApi(),
      });
      await renderActions(idleProdEu, { api: () => client });
      const dialog = within(await openSyncDialog('shop-prod-eu'));
      await userEvent.click(dialog.getByRole('checkbox', { name: 'Dry run' }));
      await userEvent.click(dialog.getByRole('checkbox', { name: 'Force' }));
      await userEvent.click(dialog.getByRole('button', { name: 'Dry run' }));

      await waitFor(() => expect(bodies).toHaveLength(1));
      expect(bodies[0]).toEqual({
        prune: false,
        dryRun: true,
        strategy: { hook: { force: true } },
      });
    });
  });

  it('refuses another revision while automated sync is on, except as a dry run', async () => {
    const { api, identity } = await renderActions(shopDevCardApplication);
    const dialog = within(await openSyncDialog('shop-dev'));

    await userEvent.clear(dialog.getByLabelText('Revision'));
    await userEvent.click(dialog.getByLabelText('Revision'));
    await userEvent.paste('feature-x');
    expect(
      dialog.getByText(
        /Automated sync is on, so this app only syncs its target revision \(main\)/,
      ),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Synchronize' })).toBeDisabled();

    await userEvent.click(dialog.getByRole('checkbox', { name: 'Dry run' }));
    await userEvent.click(dialog.getByRole('button', { name: 'Dry run' }));
    await waitFor(() =>
      expect(api.sync).toHaveBeenCalledWith(identity, {
        revision: 'feature-x',
        prune: false,
        dryRun: true,
      }),
    );
  });

  it('asks for the override permission to sync another revision', async () => {
    const permission = mockApis.permission({
      authorize: request =>
        request.permission.name === 'gitops.application.override'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await renderActions(idleProdEu, { permission });
    const dialog = within(await openSyncDialog('shop-prod-eu'));
    await userEvent.clear(dialog.getByLabelText('Revision'));
    await userEvent.click(dialog.getByLabelText('Revision'));
    await userEvent.paste('hotfix');

    expect(
      dialog.getByText(/needs the gitops.application.override permission/),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Synchronize' })).toBeDisabled();
  });

  it('keeps the dialog open and shows the refusal when the backend refuses', async () => {
    const { api, alertApi } = await renderActions(idleProdEu);
    api.sync.mockRejectedValueOnce(
      new ConflictError(
        'Another operation is already in progress for application gitops/shop-prod-eu',
      ),
    );
    const dialog = within(await openSyncDialog('shop-prod-eu'));
    await userEvent.click(dialog.getByRole('button', { name: 'Synchronize' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The sync was not started: Another operation is already in progress for application gitops/shop-prod-eu',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(alertApi.post).not.toHaveBeenCalled();
  });
});

describe('Rollback', () => {
  it('is refused with the reason while automated sync is on', async () => {
    const { api } = await renderActions(shopDevCardApplication);
    const menu = await openMenu('shop-dev');

    const rollback = menuItem(menu, 'Rollback…');
    await waitFor(() =>
      expect(rollback).toHaveTextContent(AUTOMATED_ROLLBACK_REASON),
    );
    expect(rollback).toHaveAttribute('aria-disabled', 'true');
    expect(api.getHistory).not.toHaveBeenCalled();
  });

  it('rolls back to the deployment picked from the history', async () => {
    const { api, identity, alertApi } = await renderActions(
      shopProdUsCardApplication,
    );
    const menu = await openMenu('shop-prod-us');
    const rollback = menuItem(menu, 'Rollback…');
    await waitFor(() =>
      expect(rollback).not.toHaveAttribute('aria-disabled', 'true'),
    );
    await userEvent.click(rollback);

    const dialog = within(
      await screen.findByRole('dialog', { name: 'Roll back shop-prod-us' }),
    );
    const current = await dialog.findByRole('radio', { name: 'Deployment 5' });
    expect(current).toBeDisabled();
    expect(dialog.getByText(/\(current\)/)).toBeInTheDocument();
    const submit = dialog.getByRole('button', { name: 'Roll back' });
    expect(submit).toBeDisabled();

    await userEvent.click(dialog.getByRole('radio', { name: 'Deployment 4' }));
    await userEvent.click(
      dialog.getByRole('checkbox', {
        name: 'Prune resources that revision does not have',
      }),
    );
    await userEvent.click(submit);

    await waitFor(() =>
      expect(api.rollback).toHaveBeenCalledWith(identity, {
        id: 4,
        prune: true,
        dryRun: false,
      }),
    );
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        message: 'Rollback of shop-prod-us to deployment 4 started',
      }),
    );
  });
});

describe('permissions', () => {
  it('disables every action with the reason when the user may do nothing', async () => {
    const permission = mockApis.permission({ authorize: AuthorizeResult.DENY });
    const { api } = await renderActions(shopProdUsCardApplication, {
      permission,
    });

    const sync = await screen.findByRole('button', {
      name: 'Sync shop-prod-us',
    });
    await waitFor(() => expect(sync).toBeDisabled());
    expect(sync).toHaveAccessibleDescription(
      'You are not allowed to sync this application (permission gitops.application.sync).',
    );
    await userEvent.hover(sync.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to sync this application',
    );
    expect(
      screen.getByRole('button', { name: 'Refresh shop-prod-us' }),
    ).toHaveAccessibleDescription(
      'You are not allowed to refresh this application (permission gitops.application.read).',
    );

    const menu = await openMenu('shop-prod-us');
    for (const [label, reason] of [
      ['Hard refresh', 'You are not allowed to refresh this application'],
      ['Rollback…', 'You are not allowed to roll back this application'],
      [
        'Terminate operation…',
        'You are not allowed to terminate operations of this application',
      ],
    ]) {
      const item = menuItem(menu, label);
      expect(item).toHaveAttribute('aria-disabled', 'true');
      expect(item).toHaveTextContent(reason);
    }
    expect(api.sync).not.toHaveBeenCalled();
  });

  it('asks about this application, and allows refresh to a reader who may not sync', async () => {
    const authorize = jest.fn(
      (request: { permission: { name: string }; resourceRef?: string }) =>
        request.permission.name === 'gitops.application.read'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    );
    const { api, identity } = await renderActions(shopProdUsCardApplication, {
      permission: mockApis.permission({ authorize }),
    });

    const refresh = await screen.findByRole('button', {
      name: 'Refresh shop-prod-us',
    });
    await waitFor(() => expect(refresh).toBeEnabled());
    expect(
      screen.getByRole('button', { name: 'Sync shop-prod-us' }),
    ).toBeDisabled();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'gitops.application.sync',
        }),
        resourceRef: `${identity.namespace}/shop-prod-us`,
      }),
    );

    await userEvent.click(refresh);
    await waitFor(() =>
      expect(api.refresh).toHaveBeenCalledWith(identity, { hard: false }),
    );
  });
});

describe('Terminate', () => {
  it('is offered only while an operation runs', async () => {
    await renderActions(idleProdEu);
    const menu = await openMenu('shop-prod-eu');
    const terminate = menuItem(menu, 'Terminate operation…');
    await waitFor(() =>
      expect(terminate).toHaveTextContent('No operation is running.'),
    );
    expect(terminate).toHaveAttribute('aria-disabled', 'true');
  });

  it('terminates the running operation after confirmation, and Sync waits meanwhile', async () => {
    const { api, identity, alertApi, onChanged } = await renderActions(
      shopProdEuCardApplication,
    );
    const sync = await screen.findByRole('button', {
      name: 'Sync shop-prod-eu',
    });
    await waitFor(() =>
      expect(sync).toHaveAccessibleDescription(
        'An operation is running; wait for it to finish or terminate it.',
      ),
    );

    const menu = await openMenu('shop-prod-eu');
    const terminate = menuItem(menu, 'Terminate operation…');
    expect(terminate).not.toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(terminate);
    const dialog = within(
      await screen.findByRole('dialog', {
        name: 'Terminate the operation of shop-prod-eu?',
      }),
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Terminate' }));

    await waitFor(() =>
      expect(api.terminateOperation).toHaveBeenCalledWith(identity),
    );
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
    expect(onChanged).toHaveBeenCalled();
  });
});

describe('Refresh', () => {
  it('hard-refreshes from the menu', async () => {
    const { api, identity } = await renderActions(shopProdUsCardApplication);
    const menu = await openMenu('shop-prod-us');
    const hard = menuItem(menu, 'Hard refresh');
    await waitFor(() =>
      expect(hard).not.toHaveAttribute('aria-disabled', 'true'),
    );
    await userEvent.click(hard);
    await waitFor(() =>
      expect(api.refresh).toHaveBeenCalledWith(identity, { hard: true }),
    );
  });

  it("reports the backend's error through the alert API", async () => {
    const { api, alertApi } = await renderActions(shopProdUsCardApplication);
    api.refresh.mockRejectedValueOnce(
      new Error(
        'repository https://git.internal.example/acme/shop-deploy.git: authentication required',
      ),
    );
    const refresh = await screen.findByRole('button', {
      name: 'Refresh shop-prod-us',
    });
    await waitFor(() => expect(refresh).toBeEnabled());
    await userEvent.click(refresh);

    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message:
          'Refresh of shop-prod-us failed: repository https://git.internal.example/acme/shop-deploy.git: authentication required',
        severity: 'error',
      }),
    );
  });
});
