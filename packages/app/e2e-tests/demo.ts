import { expect, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the tests keep their screenshots (kept by CI). */
export const SCREENSHOTS = 'test-output/screenshots';

export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // The catalog is the landing page.
  await expect(page.getByText(/^All Components \(\d+\)$/)).toBeVisible();
}

/** The demo repository the backend under test created (playwright.config.ts). */
function demoRepository(): string {
  const dataDir = process.env.DRIFTLESS_E2E_DATA_DIR;
  if (!dataDir) {
    throw new Error(
      'DRIFTLESS_E2E_DATA_DIR is not set: run the browser tests through playwright.config.ts (yarn test:e2e)',
    );
  }
  return join(dataDir, 'demo-repo');
}

/**
 * Commits a change to one file of the demo repository, as a user pushing
 * to the platform repository would: `replace` must change the file.
 */
export async function commitToDemoRepository(
  path: string,
  replace: (text: string) => string,
  message: string,
): Promise<void> {
  const repo = demoRepository();
  const file = join(repo, path);
  const before = await readFile(file, 'utf8');
  const after = replace(before);
  if (after === before) {
    throw new Error(`The edit of ${path} in ${repo} changed nothing`);
  }
  await writeFile(file, after);
  await run(
    'git',
    [
      '-c',
      'user.name=Browser test',
      '-c',
      'user.email=e2e@localhost',
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '-am',
      message,
    ],
    { cwd: repo },
  );
}

/** A component's page, from the catalog's list, by its title. */
export async function openComponent(page: Page, title: string) {
  await page.goto('/');
  await expect(page.getByText(/^All Components \(\d+\)$/)).toBeVisible();
  await page.getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}
