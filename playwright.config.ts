import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Browser tests run the production shape of the portal: the frontend built
// into packages/app/dist (scripts/test.sh builds it) served by the backend,
// on a port of their own so a portal you are running is not disturbed, with
// a fresh SQLite directory and local cluster per run.
const PORT = Number(process.env.DRIFTLESS_E2E_PORT ?? 7117);
const BASE_URL = `http://localhost:${PORT}`;
// Workers evaluate this file again but inherit the runner's environment:
// through it the tests find the run's demo repository (to commit to it).
const DATABASE_DIR = (process.env.DRIFTLESS_E2E_DATA_DIR ??= mkdtempSync(
  join(tmpdir(), 'driftless-e2e-db-'),
));

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  outputDir: 'test-output/playwright',
  reporter: [['list']],

  webServer: {
    // The backend's log goes to a file: on failure, read it there. It runs
    // from its sources without `backstage-cli package start`, whose file
    // watching would restart it mid-run whenever a source file changes.
    command:
      'cd packages/backend && NODE_ENV=development node -r @backstage/cli/config/nodeTransform.cjs src/index.ts --config ../../app-config.yaml > ../../test-output/e2e-backend.log 2>&1',
    url: `${BASE_URL}/.backstage/health/v1/readiness`,
    reuseExistingServer: false,
    timeout: 180_000,
    env: {
      APP_CONFIG_app_baseUrl: BASE_URL,
      APP_CONFIG_backend_baseUrl: BASE_URL,
      APP_CONFIG_backend_listen_port: String(PORT),
      APP_CONFIG_backend_cors_origin: BASE_URL,
      APP_CONFIG_backend_database_connection_directory: DATABASE_DIR,
      // A fresh local cluster too, not the one `npm start` keeps.
      APP_CONFIG_kubeSim_statePath: join(DATABASE_DIR, 'kube-sim-state.json'),
      APP_CONFIG_kubeSim_kubeconfigPath: join(DATABASE_DIR, 'kubeconfig'),
      // And a fresh demo repository, made from examples/ at startup.
      DRIFTLESS_DEMO_REPO: join(DATABASE_DIR, 'demo-repo'),
      // The rollout test makes its own release (packages/backend/src/modules/localDemoRelease.ts).
      DRIFTLESS_DEMO_RELEASE: 'off',
    },
  },

  use: {
    baseURL: BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium (scripts/ensure-chromium.sh); no browser download.
      executablePath: process.env.DRIFTLESS_CHROMIUM ?? '/usr/bin/chromium',
      // Without the networking flags Chromium keeps dialling Google's hosts,
      // which this machine's closed network refuses.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
