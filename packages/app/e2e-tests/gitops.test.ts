import { expect, test, type Page } from '@playwright/test';
import {
  commitToDemoRepository,
  openComponent,
  SCREENSHOTS,
  signInAsGuest,
} from './demo';

// One story on one portal: each test starts from where the previous one left
// the demo (kube-sim and the demo repository are the run's own).
test.describe.configure({ mode: 'serial', timeout: 180_000 });

/** The row of one Application in the entity's GitOps card. */
function cardRow(page: Page, application: string) {
  return page
    .getByRole('table', { name: 'Applications' })
    .getByRole('row', { name: new RegExp(`\\b${application}\\b`) });
}

test('the GitOps card syncs an OutOfSync application, which goes Progressing then Healthy', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openComponent(page, 'Shop payments');

  // Synced by hand only: until someone does, Git's resources are Missing.
  const row = cardRow(page, 'shop-payments-prod');
  await expect(row).toContainText('OutOfSync');
  await expect(row).toContainText('Missing');
  await page.screenshot({
    path: `${SCREENSHOTS}/10-card-out-of-sync.png`,
    fullPage: true,
  });

  await row.getByRole('button', { name: 'Sync shop-payments-prod' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync shop-payments-prod' });
  await expect(dialog).toBeVisible();
  await expect(
    dialog.getByRole('checkbox', { name: 'Prune', exact: true }),
  ).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/11-card-sync-dialog.png` });
  await dialog.getByRole('button', { name: 'Synchronize' }).click();
  await expect(dialog).toBeHidden();

  // No reload: the card follows the sync live. The pods take 8 s to be ready.
  await expect(row).toContainText('Progressing');
  await page.screenshot({
    path: `${SCREENSHOTS}/12-card-progressing.png`,
    fullPage: true,
  });
  await expect(row).toContainText('Healthy', { timeout: 90_000 });
  await expect(row).toContainText('Synced');
  await page.screenshot({
    path: `${SCREENSHOTS}/13-card-synced-healthy.png`,
    fullPage: true,
  });
});

test('a commit to Git shows OutOfSync; the tab shows the tree and the diff; a sync brings it back', async ({
  page,
}) => {
  await signInAsGuest(page);
  await commitToDemoRepository(
    'apps/shop-payments/overlays/prod/kustomization.yaml',
    text => text.replace(/count: 2\b/, 'count: 3'),
    'shop-payments: three replicas in prod',
  );

  await openComponent(page, 'Shop payments');
  const row = cardRow(page, 'shop-payments-prod');
  await expect(row).toContainText('Synced');
  await row.getByRole('button', { name: 'Refresh shop-payments-prod' }).click();
  await expect(row).toContainText('OutOfSync');

  // The GitOps tab: the resources as a tree, and the Deployment's diff.
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'GitOps' })
    .click();
  const tree = page.getByRole('tree', {
    name: 'Resources of shop-payments-prod',
  });
  await expect(tree).toBeVisible();
  const deployment = tree.getByRole('treeitem', {
    name: /^Deployment shop-payments, OutOfSync/,
  });
  await expect(deployment).toBeVisible();
  // Live children under it: its ReplicaSet and Pods.
  await expect(
    deployment.getByRole('treeitem', { name: /^ReplicaSet shop-payments-/ }),
  ).toBeVisible();
  await expect(
    tree.getByRole('treeitem', { name: /^Service shop-payments\b/ }),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/20-tab-resource-tree.png`,
    fullPage: true,
  });

  await deployment.getByText('shop-payments', { exact: true }).first().click();
  const drawer = page.getByRole('dialog', { name: /shop-payments/ });
  await expect(drawer).toBeVisible();
  await drawer.getByRole('tab', { name: 'Diff' }).click();
  const diff = drawer.getByRole('table', { name: 'Side-by-side diff' });
  await expect(diff).toContainText('replicas');
  await expect(diff).toContainText('3');
  await page.screenshot({ path: `${SCREENSHOTS}/21-tab-diff-drawer.png` });
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toBeHidden();

  // Synced again from the card.
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Overview' })
    .click();
  await row.getByRole('button', { name: 'Sync shop-payments-prod' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync shop-payments-prod' });
  await dialog.getByRole('button', { name: 'Synchronize' }).click();
  await expect(row).toContainText('Synced', { timeout: 90_000 });
  await expect(row).toContainText('Healthy', { timeout: 90_000 });
});

test('the Rollout card promotes a paused canary to its next step', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openComponent(page, 'Shop checkout');
  // The first release goes out whole (a canary needs a stable version to
  // start from); it waits for the argo-rollouts app to install the CRDs.
  const rollout = page.getByRole('region', { name: 'Rollout shop-checkout' });
  await expect(rollout).toContainText('Healthy', { timeout: 120_000 });
  await expect(rollout).toContainText('3.2.0');

  // A release: a new image tag, which the Rollout takes through its steps.
  await commitToDemoRepository(
    'apps/shop-checkout/overlays/prod/kustomization.yaml',
    text => text.replace(/newTag: 3\.2\.0/, 'newTag: 3.3.0'),
    'shop-checkout 3.3.0',
  );
  await cardRow(page, 'shop-checkout-prod')
    .getByRole('button', { name: 'Refresh shop-checkout-prod' })
    .click();

  const steps = page.getByRole('list', {
    name: 'Canary steps of shop-checkout',
  });
  // 20% of the pods on 3.3.0, then a pause that waits for a person.
  const current = steps.locator('[aria-current="step"]');
  await expect(current).toContainText('waits for a promote', {
    timeout: 90_000,
  });
  await expect(steps.locator('li').nth(0)).toHaveAttribute(
    'data-step-state',
    'done',
  );
  await page.screenshot({
    path: `${SCREENSHOTS}/30-rollout-canary-paused.png`,
    fullPage: true,
  });

  await page
    .getByRole('group', { name: 'Actions on Rollout shop-checkout' })
    .getByRole('button', { name: 'Promote', exact: true })
    .click();
  const confirm = page.getByRole('dialog', {
    name: 'Promote Rollout shop-checkout?',
  });
  await expect(confirm).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/31-rollout-promote-dialog.png`,
  });
  await confirm.getByRole('button', { name: 'Promote', exact: true }).click();

  // The pause is done; the canary goes on to 50%.
  await expect(steps.locator('li').nth(1)).toHaveAttribute(
    'data-step-state',
    'done',
    { timeout: 60_000 },
  );
  await page.screenshot({
    path: `${SCREENSHOTS}/32-rollout-next-step.png`,
    fullPage: true,
  });
});

test('the fleet page pages through every application and filters them on the server', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/gitops');

  const table = page.getByRole('table', { name: 'Applications' });
  const pages = page.getByRole('navigation', { name: 'Application pages' });
  await expect(table.getByText('shop-payments-prod')).toBeVisible();

  // Ten per page: the API's cursor takes us to the second page.
  await pages.getByRole('button', { name: 'Rows per page' }).click();
  await page.getByRole('option', { name: '10', exact: true }).click();
  await expect(pages.getByText(/^1–10 of \d+$/)).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(11);
  await page.screenshot({
    path: `${SCREENSHOTS}/40-fleet-page.png`,
    fullPage: true,
  });
  await pages.getByRole('button', { name: 'Next page' }).click();
  await expect(pages.getByText(/^11–\d+ of \d+$/)).toBeVisible();
  await pages.getByRole('button', { name: 'Previous page' }).click();
  await expect(pages.getByText(/^1–10 of \d+$/)).toBeVisible();

  // Every state of the demo, one filter at a time: the server filters, so
  // every row shown has the state asked for (the header row has none).
  const filters = page.getByRole('search', { name: 'Filter applications' });
  const rowsWithout = (text: string) =>
    table.getByRole('row').filter({ hasNotText: text });
  await filters.getByRole('button', { name: /Health/ }).click();
  await page.getByRole('option', { name: 'Degraded' }).click();
  await page.keyboard.press('Escape');
  // Its crash-looping Deployment passes its 60 s progress deadline.
  await expect(table.getByText('shop-recommendations-dev')).toBeVisible({
    timeout: 90_000,
  });
  await expect(rowsWithout('Degraded')).toHaveCount(1);

  await filters.getByRole('button', { name: /Health/ }).click();
  await page.getByRole('option', { name: 'Degraded' }).click();
  await page.getByRole('option', { name: 'Progressing' }).click();
  await page.keyboard.press('Escape');
  await expect(table.getByText('shop-search-dev')).toBeVisible();
  await expect(table.getByText('shop-recommendations-dev')).toBeHidden();
  await expect(rowsWithout('Progressing')).toHaveCount(1);
  await page.screenshot({
    path: `${SCREENSHOTS}/41-fleet-filtered-progressing.png`,
    fullPage: true,
  });

  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await filters
    .getByRole('searchbox', { name: 'Search applications' })
    .fill('NOTIF');
  await expect(table.getByRole('row')).toHaveCount(2);
  const notifications = table.getByRole('row').nth(1);
  await expect(notifications).toContainText('shop-notifications-dev');
  // Its PreSync migration Job fails every sync.
  await expect(notifications).toContainText('Failed');

  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await filters.getByRole('button', { name: /Sync status/ }).click();
  await page.getByRole('option', { name: 'OutOfSync' }).click();
  await page.keyboard.press('Escape');
  await expect(table.getByText('shop-notifications-dev')).toBeVisible();
  await expect(table.getByText('shop-payments-prod')).toBeHidden();
  await expect(rowsWithout('OutOfSync')).toHaveCount(1);

  // ApplicationSets, with what they generate.
  await expect(page.getByText('ApplicationSets (1)')).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Applications generated by shop-preview' }),
  ).toContainText('shop-frontend-preview');
  await page.getByText('ApplicationSets (1)').scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${SCREENSHOTS}/42-fleet-applicationsets.png`,
    fullPage: true,
  });
});
