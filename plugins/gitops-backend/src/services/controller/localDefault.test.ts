import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createTestDatabases } from '../../__testUtils__/databases';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';
import {
  ControllerTestEnv,
  eventually,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

// The whole demo synced into kube-sim with its controllers: each app reaches
// the state examples/README.md promises, so every card has something to show.
jest.setTimeout(180_000);

const databases = createTestDatabases();
const EXAMPLES = resolve(__dirname, '../../../../../examples');

async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = await readFile(path, 'utf8');
  }
  return files;
}

/**
 * The local default (`npm start`): examples/ as the platform repository of
 * `gitops.applications`, as packages/backend's local demo module creates it.
 */
describe('the demo platform repository', () => {
  let env: ControllerTestEnv;

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
  });
  afterAll(() => env.stop());

  it('registers the demo apps and brings each to the state it demonstrates', async () => {
    const repo = await TestGitRepo.create(env.dir, 'demo');
    const files = await readTree(EXAMPLES);
    for (const [path, text] of Object.entries(files)) {
      files[path] = text.split('file:///demo/platform.git').join(repo.url);
    }
    await repo.commit('examples', files);
    const store = await env.store(await databases.init('SQLITE_3'));
    const controller = env.controller(store, {
      sources: [
        {
          index: 0,
          origin: 'config:0',
          repoURL: repo.url,
          targetRevision: 'HEAD',
          path: 'bootstrap',
        },
      ],
      // Periodic refreshes as the local portal has (every 120 s there):
      // apps whose kinds (the Rollouts CRDs) arrive with another app are
      // compared again only then.
      settings: { reconciliationPeriodMs: 2_000 },
      operationRunner: new SyncEngineOperationRunner({
        waveDelayMs: 50,
        stepIntervalMs: 25,
      }),
    });
    await controller.start();

    /** sync, health and the latest operation's phase ('none': never synced). */
    const expected: Record<string, [string, string, string]> = {
      'argo-rollouts': ['Synced', 'Healthy', 'Succeeded'],
      'shop-api-dev': ['Synced', 'Healthy', 'Succeeded'],
      'shop-api-prod': ['Synced', 'Healthy', 'Succeeded'],
      'shop-catalog-prod': ['Synced', 'Healthy', 'Succeeded'],
      'shop-checkout-prod': ['Synced', 'Healthy', 'Succeeded'],
      'shop-frontend-dev': ['Synced', 'Healthy', 'Succeeded'],
      'shop-frontend-prod': ['Synced', 'Healthy', 'Succeeded'],
      // Its PreSync migration Job fails, so nothing else is applied.
      'shop-notifications-dev': ['OutOfSync', 'Missing', 'Failed'],
      // Synced by hand only.
      'shop-payments-prod': ['OutOfSync', 'Missing', 'none'],
      // Its image crashes; its 60 s progress deadline passes.
      'shop-recommendations-dev': ['Synced', 'Degraded', 'Succeeded'],
      // Ready after a day.
      'shop-search-dev': ['Synced', 'Progressing', 'Succeeded'],
    };
    const states = async () => {
      const { items } = await store.listApplications({
        filter: { origins: ['config:0'] },
      });
      return Object.fromEntries(
        await Promise.all(
          items.map(async app => [
            app.name,
            [
              app.status?.syncStatus,
              app.status?.healthStatus,
              (await store.getLatestOperation(app))?.phase ?? 'none',
            ],
          ]),
        ),
      );
    };
    // On a timeout the comparison below says which apps did not get there.
    await eventually(
      async () => isDeepStrictEqual(await states(), expected),
      'each demo app to reach its state',
      150_000,
    ).catch(() => undefined);
    expect(await states()).toEqual(expected);
    const { items } = await store.listApplications({
      filter: { origins: ['config:0'] },
    });
    expect(items[1].manifest.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'shop-api',
      'driftless.dev/environment': 'dev',
    });
    await expect(
      store.getArgoObject({
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'shop',
      }),
    ).resolves.toMatchObject({ origin: 'config:0' });
  });
});
