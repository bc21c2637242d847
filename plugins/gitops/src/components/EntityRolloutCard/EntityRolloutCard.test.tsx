import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  ApplicationIdentity,
  GitOpsApplication,
  ResourceActionView,
  ResourceRef,
  ResourceTree,
} from '@driftless/backstage-plugin-gitops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { annotatedEntity, plainEntity } from '../../__testUtils__/fixtures';
import {
  BLUE_HASH,
  CANARY_HASH,
  GREEN_HASH,
  blueGreenAwaiting,
  blueGreenTree,
  canaryAborted,
  canaryAnalysing,
  canaryPausedAtStep2,
  canaryRollout,
  canaryTree,
  failedAnalysisRun,
  managedRollout,
  rolloutApplication,
  stepAnalysisRun,
} from '../../__testUtils__/rolloutFixtures';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { ROLLOUT_ACTIONS } from '../../lib/rollouts';
import { EntityRolloutCard } from './EntityRolloutCard';

type Json = Record<string, any>;

const ALL_ENABLED: ResourceActionView[] = ROLLOUT_ACTIONS.map(name => ({
  name,
  disabled: false,
}));

interface FakeApp {
  app: GitOpsApplication;
  rollouts: Json[];
  tree: ResourceTree;
  analysisRuns?: Json[];
  actions?: ResourceActionView[];
}

/**
 * The GitOps API as the backend answers for the given apps. Methods the
 * card has no business calling reject.
 */
function fakeGitOpsApi(apps: FakeApp[]) {
  const find = (identity: ApplicationIdentity) => {
    const found = apps.find(a => a.app.metadata.name === identity.name);
    if (!found) throw new Error(`no app ${identity.name}`);
    return found;
  };
  const api = {
    listApplications: jest.fn(async () => ({ items: apps.map(a => a.app) })),
    getManagedResources: jest.fn(async (identity: ApplicationIdentity) => ({
      items: find(identity).rollouts.map(managedRollout),
    })),
    getResourceTree: jest.fn(
      async (identity: ApplicationIdentity) => find(identity).tree,
    ),
    getLiveResource: jest.fn(
      async (identity: ApplicationIdentity, ref: ResourceRef) => {
        const run = (find(identity).analysisRuns ?? []).find(
          candidate => candidate.metadata.name === ref.name,
        );
        if (!run) throw new Error(`${ref.kind} ${ref.name} was not found`);
        return run;
      },
    ),
    getResourceActions: jest.fn(async (identity: ApplicationIdentity) => ({
      actions: find(identity).actions ?? ALL_ENABLED,
    })),
    runResourceAction: jest.fn(async () => {}),
  };
  return new Proxy(api, {
    get: (target, method: string) =>
      method in target
        ? target[method as keyof typeof target]
        : () =>
            Promise.reject(
              new Error(`the Rollout card does not call ${method}`),
            ),
  }) as typeof api & GitOpsApi;
}

const checkoutApp = rolloutApplication('shop-checkout-prod');
const catalogApp = rolloutApplication('shop-catalog-prod');

async function renderCard(
  api: GitOpsApi,
  options: { entity?: Entity; allow?: boolean } = {},
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allow === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={options.entity ?? annotatedEntity}>
        <EntityRolloutCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

function steps(): HTMLElement[] {
  return within(
    screen.getByRole('list', { name: /Canary steps/ }),
  ).getAllByRole('listitem');
}

describe('EntityRolloutCard', () => {
  it('says which annotation to add to an entity without one', async () => {
    await renderCard(fakeGitOpsApi([]), { entity: plainEntity });
    expect(
      (await screen.findAllByText(/argocd\/app-selector/)).length,
    ).toBeGreaterThan(0);
  });

  it("says so when none of the entity's apps manages a Rollout", async () => {
    await renderCard(
      fakeGitOpsApi([{ app: checkoutApp, rollouts: [], tree: { nodes: [] } }]),
    );
    expect(await screen.findByText('No Argo Rollouts')).toBeInTheDocument();
    expect(
      screen.getByText(/None of this entity's 1 Application/),
    ).toBeInTheDocument();
  });

  it('renders nothing with hideWhenEmpty when no app manages a Rollout, as on overviews', async () => {
    const api = fakeGitOpsApi([
      { app: checkoutApp, rollouts: [], tree: { nodes: [] } },
    ]);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gitopsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={annotatedEntity}>
          <div data-testid="slot">
            <EntityRolloutCard hideWhenEmpty />
          </div>
        </EntityProvider>
      </TestApiProvider>,
    );
    await waitFor(() => expect(api.getManagedResources).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.getByTestId('slot')).toBeEmptyDOMElement(),
    );
    expect(screen.queryByText('No Argo Rollouts')).not.toBeInTheDocument();
  });

  it('shows an error when the apps cannot be listed', async () => {
    const api = fakeGitOpsApi([]);
    api.listApplications.mockRejectedValue(new Error('backend down'));
    await renderCard(api);
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('shows a canary paused at step 2: steps with the current one marked, weights, revisions', async () => {
    await renderCard(
      fakeGitOpsApi([
        { app: checkoutApp, rollouts: [canaryPausedAtStep2], tree: canaryTree },
      ]),
    );
    expect(await screen.findByText('shop-checkout')).toBeInTheDocument();
    expect(screen.getByText('Paused')).toBeInTheDocument();
    const items = steps();
    expect(items.map(item => item.getAttribute('data-step-state'))).toEqual([
      'done',
      'current',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(items[1]).toHaveAttribute('aria-current', 'step');
    expect(items[1]).toHaveTextContent('Pause until promoted');
    expect(items[1]).toHaveTextContent('waits for a promote');
    expect(items[0]).toHaveTextContent('Set weight 20%');
    // 2 of 3 canary pods ready out of 6 available: 33%.
    expect(
      screen.getByRole('img', {
        name: 'Stable 67%, canary 33% (the steps set 20%)',
      }),
    ).toBeInTheDocument();
    const revisions = screen.getByRole('table', {
      name: 'Revisions of shop-checkout',
    });
    expect(within(revisions).getAllByRole('row')).toHaveLength(4);
    expect(within(revisions).getByText('canary')).toBeInTheDocument();
    expect(within(revisions).getByText('stable')).toBeInTheDocument();
    expect(within(revisions).getByText('older')).toBeInTheDocument();
  });

  it('shows the time left of a running timed pause', async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const rollout = canaryRollout({
      currentStepIndex: 5,
      phase: 'Paused',
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: startedAt }],
    });
    await renderCard(
      fakeGitOpsApi([
        { app: checkoutApp, rollouts: [rollout], tree: canaryTree },
      ]),
    );
    await screen.findByText('shop-checkout');
    expect(steps()[5]).toHaveTextContent(
      /Pause 10m.*(9m|8m5\d)\d*s? left before the pause ends/,
    );
  });

  it("shows the step's AnalysisRun with each metric's measurements and verdict", async () => {
    const api = fakeGitOpsApi([
      {
        app: checkoutApp,
        rollouts: [canaryAnalysing],
        tree: canaryTree,
        analysisRuns: [stepAnalysisRun],
      },
    ]);
    await renderCard(api);
    await screen.findByText('shop-checkout');
    expect(api.getLiveResource).toHaveBeenCalledWith(
      { namespace: 'argocd', name: 'shop-checkout-prod' },
      expect.objectContaining({
        kind: 'AnalysisRun',
        name: `shop-checkout-${CANARY_HASH}-2-3`,
      }),
    );
    expect(steps()[3]).toHaveTextContent('Running');
    const metrics = screen.getByRole('table', {
      name: `Metrics of shop-checkout-${CANARY_HASH}-2-3`,
    });
    expect(within(metrics).getByText('success-rate')).toBeInTheDocument();
    expect(within(metrics).getByText('[0.996] Successful')).toBeInTheDocument();
    expect(within(metrics).getByText('… Running')).toBeInTheDocument();
    expect(metrics).toHaveTextContent(
      '2 of 3 taken: 1 successful, 0 failed (limit 1)',
    );
    expect(metrics).toHaveTextContent('success: result[0] >= 0.99');
  });

  it('shows an aborted canary with the failed analysis that aborted it', async () => {
    await renderCard(
      fakeGitOpsApi([
        {
          app: checkoutApp,
          rollouts: [canaryAborted],
          tree: {
            nodes: [
              ...canaryTree.nodes.filter(n => n.kind !== 'AnalysisRun'),
              {
                ...canaryTree.nodes.find(n => n.kind === 'AnalysisRun')!,
              },
            ],
          },
          analysisRuns: [failedAnalysisRun],
        },
      ]),
    );
    expect(await screen.findByText('Degraded (aborted)')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: /the steps set 0%/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('[0.912] Failed')).toBeInTheDocument();
    expect(
      screen.getAllByText(/failed \(1\) > failureLimit \(0\)/).length,
    ).toBeGreaterThan(0);
  });

  it('shows a blue-green Rollout awaiting promotion: Services, revisions, scale-down delay', async () => {
    await renderCard(
      fakeGitOpsApi([
        { app: catalogApp, rollouts: [blueGreenAwaiting], tree: blueGreenTree },
      ]),
    );
    expect(
      await screen.findByRole('heading', { name: 'shop-catalog' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Blue-green')).toBeInTheDocument();
    expect(
      screen.getByText(/^Awaiting promotion: the new version runs behind/),
    ).toBeInTheDocument();
    const services = screen.getByRole('table', {
      name: 'Services of shop-catalog',
    });
    const [active, preview] = within(services).getAllByRole('row');
    expect(active).toHaveTextContent(
      `Active Serviceshop-catalogrevision 2 (${BLUE_HASH})`,
    );
    expect(preview).toHaveTextContent(
      `Preview Serviceshop-catalog-previewrevision 3 (${GREEN_HASH})`,
    );
    expect(
      screen.getByText(/The old version scales down 2m after the switch/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Waits for someone to promote it/),
    ).toBeInTheDocument();
  });

  describe('actions', () => {
    const cases: Array<[string, RegExp]> = [
      ['promote', /^Ends the pause of shop-checkout at step 2 of 6/],
      [
        'promote-full',
        /^Promotes revision 2 .* of shop-checkout to all of its/,
      ],
      ['pause', /^Pauses shop-checkout where it is/],
      ['resume', /^Lifts the pause of shop-checkout \(CanaryPauseStep\)/],
      ['skip-current-step', /^Skips step 2 of 6 \(Pause until promoted\)/],
      ['abort', /^Stops the rollout of revision 2/],
      ['retry', /^Starts the aborted rollout of revision 2/],
      ['restart', /^Restarts every pod of shop-checkout/],
    ];

    it.each(cases)(
      'runs %s after a confirmation that says what it does',
      async (action, description) => {
        const api = fakeGitOpsApi([
          {
            app: checkoutApp,
            rollouts: [canaryPausedAtStep2],
            tree: canaryTree,
          },
        ]);
        await renderCard(api);
        await screen.findByText('shop-checkout');
        const title = {
          promote: 'Promote',
          'promote-full': 'Promote full',
          pause: 'Pause',
          resume: 'Resume',
          'skip-current-step': 'Skip current step',
          abort: 'Abort',
          retry: 'Retry',
          restart: 'Restart',
        }[action]!;
        const group = screen.getByRole('group', {
          name: 'Actions on Rollout shop-checkout',
        });
        await waitFor(
          () =>
            expect(
              within(group).getByRole('button', { name: title }),
            ).toBeEnabled(),
          { timeout: 5000 },
        );
        await userEvent.click(
          within(group).getByRole('button', { name: title }),
        );
        const dialog = await screen.findByRole('dialog');
        expect(
          within(dialog).getByText(`${title} Rollout shop-checkout?`),
        ).toBeInTheDocument();
        expect(within(dialog).getByText(description)).toBeInTheDocument();
        expect(api.runResourceAction).not.toHaveBeenCalled();

        await userEvent.click(
          within(dialog).getByRole('button', { name: title }),
        );
        await waitFor(() =>
          expect(api.runResourceAction).toHaveBeenCalledTimes(1),
        );
        expect(api.runResourceAction).toHaveBeenCalledWith(
          { namespace: 'argocd', name: 'shop-checkout-prod' },
          {
            group: 'argoproj.io',
            version: 'v1alpha1',
            kind: 'Rollout',
            namespace: 'shop-checkout',
            name: 'shop-checkout',
            action,
          },
        );
      },
    );

    it('sends nothing when the confirmation is cancelled', async () => {
      const api = fakeGitOpsApi([
        { app: checkoutApp, rollouts: [canaryPausedAtStep2], tree: canaryTree },
      ]);
      await renderCard(api);
      await screen.findByText('shop-checkout');
      await waitFor(
        () =>
          expect(screen.getByRole('button', { name: 'Abort' })).toBeEnabled(),
        { timeout: 5000 },
      );
      await userEvent.click(screen.getByRole('button', { name: 'Abort' }));
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.runResourceAction).not.toHaveBeenCalled();
    });

    it('disables every action with the reason when the permission is denied', async () => {
      // An app of its own: the permission client caches decisions per resource across renders.
      const api = fakeGitOpsApi([
        {
          app: rolloutApplication('shop-checkout-denied'),
          rollouts: [canaryPausedAtStep2],
          tree: canaryTree,
        },
      ]);
      await renderCard(api, { allow: false });
      await screen.findByText('shop-checkout');
      await waitFor(
        () =>
          expect(
            screen.getByRole('button', { name: 'Promote' }).parentElement,
          ).toHaveAttribute(
            'data-disabled-reason',
            expect.stringContaining('permission gitops.application.action'),
          ),
        { timeout: 5000 },
      );
      for (const title of [
        'Promote',
        'Promote full',
        'Pause',
        'Resume',
        'Skip current step',
        'Abort',
        'Retry',
        'Restart',
      ]) {
        const button = screen.getByRole('button', { name: title });
        expect(button).toBeDisabled();
        expect(button.parentElement).toHaveAttribute(
          'data-disabled-reason',
          expect.stringContaining('permission gitops.application.action'),
        );
      }
      expect(api.runResourceAction).not.toHaveBeenCalled();
    });

    it('disables what the backend offers disabled, saying why in the Rollout’s terms', async () => {
      const api = fakeGitOpsApi([
        {
          app: checkoutApp,
          rollouts: [canaryPausedAtStep2],
          tree: canaryTree,
          actions: ALL_ENABLED.map(action =>
            action.name === 'retry' ? { ...action, disabled: true } : action,
          ),
        },
      ]);
      await renderCard(api);
      await screen.findByText('shop-checkout');
      // Permissions load after the Rollouts; until then every action says so.
      await waitFor(
        () =>
          expect(
            screen.getByRole('button', { name: 'Retry' }).parentElement,
          ).toHaveAttribute(
            'data-disabled-reason',
            'Only an aborted rollout can be retried',
          ),
        { timeout: 5000 },
      );
      expect(screen.getByRole('button', { name: 'Retry' })).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Promote' })).toBeEnabled();
    });
  });
});
