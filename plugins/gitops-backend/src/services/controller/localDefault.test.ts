import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createTestDatabases } from '../../__testUtils__/databases';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';
import {
  ControllerTestEnv,
  eventually,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

// The whole demo: four Kustomize apps synced into kube-sim with its controllers.
jest.setTimeout(120_000);

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

  it('registers the shop apps and syncs them to Synced and Healthy', async () => {
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
      operationRunner: new SyncEngineOperationRunner({
        waveDelayMs: 50,
        stepIntervalMs: 25,
      }),
    });
    await controller.start();

    const apps = [
      'shop-api-dev',
      'shop-api-prod',
      'shop-frontend-dev',
      'shop-frontend-prod',
    ];
    await eventually(
      async () => {
        const { items } = await store.listApplications({
          filter: { origins: ['config:0'] },
        });
        return (
          items.length === apps.length &&
          items.every(
            app =>
              app.status?.syncStatus === 'Synced' &&
              app.status.healthStatus === 'Healthy',
          )
        );
      },
      'the shop apps to be Synced and Healthy',
      60_000,
    );
    const { items } = await store.listApplications({
      filter: { origins: ['config:0'] },
    });
    expect(items.map(app => app.name)).toEqual(apps);
    expect(items[0].manifest.metadata.labels).toEqual({
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
