import { GitMirrorSource } from '@driftless/gitops-engine';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createTestDatabases } from '../../__testUtils__/databases';
import { SyncEngineOperationRunner } from '../controller/SyncEngineOperationRunner';
import {
  ControllerTestEnv,
  eventually,
  TestGitRepo,
} from '../controller/__testUtils__/controllerTestEnv';
import { ApplicationSetController } from './ApplicationSetController';
import { ApplicationSetGeneration } from './ApplicationSetGeneration';
import { DEFAULT_APPLICATION_SET_SETTINGS } from './readApplicationSetConfig';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const EXAMPLES = resolve(__dirname, '../../../../../examples');
const DEMO_REPO_URL = 'file:///demo/platform.git';

/** The files under `examples/<dir>`, keyed by their path in the repository. */
async function readExamples(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(join(EXAMPLES, dir), {
    withFileTypes: true,
    recursive: true,
  })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(EXAMPLES, path)] = await readFile(path, 'utf8');
  }
  return files;
}

/**
 * The demo's ApplicationSet (examples/bootstrap/shop-preview-appset.yaml)
 * with the files it needs from examples/, as the local portal serves them:
 * its generated apps must sync in the demo.
 */
describe('the demo ApplicationSet', () => {
  let env: ControllerTestEnv;

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
  });
  afterAll(() => env.stop());

  it('generates shop preview apps that become Synced and Healthy', async () => {
    const repo = await TestGitRepo.create(env.dir, 'demo');
    const files: Record<string, string> = {
      'bootstrap/shop-preview-appset.yaml': await readFile(
        join(EXAMPLES, 'bootstrap/shop-preview-appset.yaml'),
        'utf8',
      ),
      'bootstrap/project-shop.yaml': await readFile(
        join(EXAMPLES, 'bootstrap/project-shop.yaml'),
        'utf8',
      ),
      ...(await readExamples('apps/shop-frontend')),
      ...(await readExamples('apps/shop-api')),
    };
    for (const [path, text] of Object.entries(files)) {
      files[path] = text.split(DEMO_REPO_URL).join(repo.url);
    }
    await repo.commit('examples', files);
    const store = await env.store(await databases.init('SQLITE_3'));
    const git = new GitMirrorSource({
      cacheRoot: join(env.dir, 'git-demo'),
      branchResolutionTtlMs: 100,
    });
    const controller = env.controller(store, {
      git,
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
    const settings = {
      ...DEFAULT_APPLICATION_SET_SETTINGS,
      scanIntervalMs: 200,
    };
    controller.attachApplicationSets(
      new ApplicationSetController({
        store,
        generation: new ApplicationSetGeneration({
          git,
          clusters: {
            list: async () => [{ cluster: env.cluster, source: 'test' }],
          },
          settings,
        }),
        applications: controller,
        settings,
        controlPlaneNamespace: 'argocd',
        holder: controller.holder,
        leaseTtlMs: 3_000,
        refreshWaitMs: 10_000,
        logger: env.logger,
      }),
    );
    await controller.start();

    const apps = ['shop-api-preview', 'shop-frontend-preview'];
    await eventually(
      async () => {
        const { items } = await store.listApplications({
          filter: { origins: ['applicationset:argocd/shop-preview'] },
        });
        return (
          JSON.stringify(items.map(app => app.name)) === JSON.stringify(apps) &&
          items.every(
            app =>
              app.status?.syncStatus === 'Synced' &&
              app.status.healthStatus === 'Healthy',
          )
        );
      },
      'the preview apps to be Synced and Healthy',
      90_000,
    );
    const frontend = await store.getApplication({
      namespace: 'argocd',
      name: 'shop-frontend-preview',
    });
    expect(frontend?.manifest.metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'shop-frontend',
      'driftless.dev/environment': 'preview',
    });
    const deployments = env.sim
      .snapshot()
      .objects.filter(
        entry =>
          entry.object.kind === 'Deployment' &&
          entry.object.metadata.namespace === 'shop-preview',
      )
      .map(entry => entry.object.metadata.name)
      .sort();
    expect(deployments).toEqual(['shop-api', 'shop-frontend']);
    const status = await store.getApplicationSetStatus({
      namespace: 'argocd',
      name: 'shop-preview',
    });
    expect(
      (status?.status.conditions as Array<{ type: string; status: string }>)
        .filter(condition => condition.type === 'ErrorOccurred')
        .map(condition => condition.status),
    ).toEqual(['False']);
  });
});
