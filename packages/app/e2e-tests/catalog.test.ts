import { expect, test } from '@playwright/test';
import { SCREENSHOTS, signInAsGuest } from './demo';

test('the catalog lists Driftless itself, and a component has a GitOps tab', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog (the landing page) shows the project's own entities: 8
  // packages and 8 demo shop components (root catalog-info.yaml).
  // (Entities are listed by title.)
  await expect(page.getByText('All Components (16)')).toBeVisible();
  await expect(page.getByRole('link', { name: 'GitOps engine' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'GitOps backend plugin' }),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/01-catalog.png`,
    fullPage: true,
  });

  // A component page, then its GitOps tab: without annotations it says which one to add.
  await page.getByRole('link', { name: 'GitOps backend plugin' }).click();
  await expect(
    page.getByRole('heading', { name: 'GitOps backend plugin' }),
  ).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'GitOps' })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/plugin-gitops-backend\/gitops$/,
  );
  await expect(page.getByText('Missing Annotation')).toBeVisible();
  await expect(page.getByText('argocd/app-name').first()).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/02-entity-gitops-tab.png`,
    fullPage: true,
  });
});

test('a demo component links to its Applications by label selector', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Shop frontend' }).click();
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'GitOps' })
    .click();
  // One tab per Application the selector finds: dev, prod and the preview
  // the shop-preview ApplicationSet generates.
  const applications = page.getByRole('tablist', { name: 'Applications' });
  for (const name of [
    'shop-frontend-dev',
    'shop-frontend-preview',
    'shop-frontend-prod',
  ]) {
    await expect(applications.getByRole('tab', { name })).toBeVisible();
  }
  await page.screenshot({
    path: `${SCREENSHOTS}/03-demo-component-gitops-tab.png`,
    fullPage: true,
  });
});

test('the GitOps page shows the controller, its render tools and the local cluster', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/gitops');

  await expect(
    page.getByText(/Database connected — \d+ Applications stored/),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'kubectl', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'helm', exact: true }),
  ).toBeVisible();
  // The local default cluster: kube-sim, started by the backend.
  // (Applications deploying to it are listed above it, in rows of their own.)
  const localCluster = page
    .getByRole('row', { name: /in-cluster/ })
    .filter({ hasText: 'local-kube-sim' });
  await expect(localCluster).toContainText('https://127.0.0.1:');
  await expect(localCluster).toContainText('local-kube-sim');
  await expect(localCluster).toContainText('env=local');
  await page.screenshot({
    path: `${SCREENSHOTS}/04-gitops-page.png`,
    fullPage: true,
  });
});
