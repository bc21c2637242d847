import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The demo's Rollouts and the release that moves each of them: an image tag
 * in a Kustomize overlay of the demo repository.
 */
export const DEMO_RELEASES = [
  {
    namespace: 'shop-checkout',
    rollout: 'shop-checkout',
    kustomization: 'apps/shop-checkout/overlays/prod/kustomization.yaml',
    newTag: '3.3.0',
  },
  {
    namespace: 'shop-catalog',
    rollout: 'shop-catalog',
    kustomization: 'apps/shop-catalog/overlays/prod/kustomization.yaml',
    newTag: '5.1.0',
  },
];

const RELEASE_MESSAGE =
  'Release shop-checkout 3.3.0 (canary) and shop-catalog 5.1.0 (blue-green)';

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=Driftless demo',
      '-c',
      'user.email=driftless@localhost',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd },
  );
  return stdout.trim();
}

/**
 * Whether the demo repository still holds only the commit the portal made
 * from examples/: the release is made once, and never on top of the user's
 * own commits.
 */
export async function isUntouchedDemoRepository(
  repoPath: string,
): Promise<boolean> {
  try {
    return (await git(repoPath, 'rev-list', '--count', 'HEAD')) === '1';
  } catch {
    return false;
  }
}

/** Sets `newTag` of the one image of a kustomization.yaml, keeping its comments. */
export function withImageTag(kustomization: string, newTag: string): string {
  const updated = kustomization.replace(
    /^([ \t]*newTag:[ \t]*)\S+[ \t]*$/m,
    `$1${newTag}`,
  );
  if (updated === kustomization && !kustomization.includes(newTag)) {
    throw new Error('the kustomization has no images[].newTag to change');
  }
  return updated;
}

/** Commits the release of every demo Rollout to the demo repository. */
export async function commitDemoRelease(repoPath: string): Promise<string> {
  for (const release of DEMO_RELEASES) {
    const path = join(repoPath, release.kustomization);
    await writeFile(
      path,
      withImageTag(await readFile(path, 'utf8'), release.newTag),
    );
  }
  await git(repoPath, 'commit', '--quiet', '--all', '-m', RELEASE_MESSAGE);
  return git(repoPath, 'rev-parse', 'HEAD');
}

/** The phases of the demo Rollouts in the cluster, `undefined` where there is none yet. */
async function rolloutPhases(
  kubeconfigPath: string,
): Promise<Array<string | undefined>> {
  return Promise.all(
    DEMO_RELEASES.map(async release => {
      try {
        const { stdout } = await run('kubectl', [
          '--kubeconfig',
          kubeconfigPath,
          '--namespace',
          release.namespace,
          'get',
          'rollouts.argoproj.io',
          release.rollout,
          '--output',
          'jsonpath={.status.phase}',
        ]);
        return stdout.trim() || undefined;
      } catch {
        return undefined;
      }
    }),
  );
}

const POLL_INTERVAL_MS = 10_000;
const GIVE_UP_AFTER_MS = 15 * 60_000;

/**
 * Local wiring only. A new Rollout goes straight to its first version, so a
 * freshly created demo would never show a canary waiting at a step or a
 * blue-green preview waiting for promotion. On the first start of a new demo
 * repository this module waits until the demo Rollouts are Healthy in the
 * local kube-sim cluster, then commits a release of both, as a developer
 * would: at the next refresh the canary stops at its manual pause and the
 * blue-green preview waits to be promoted, for the rollout card to show.
 * Needs `DRIFTLESS_DEMO_REPO` and `kubeSim.kubeconfigPath`; does nothing in
 * production, once the user has committed to the demo repository, or with
 * `DRIFTLESS_DEMO_RELEASE=off` (the browser tests make their own release).
 */
export const gitopsModuleLocalDemoRelease = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'local-demo-release',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        lifecycle: coreServices.rootLifecycle,
        logger: coreServices.logger,
      },
      async init({ config, lifecycle, logger }) {
        const repoPath = process.env.DRIFTLESS_DEMO_REPO;
        const kubeSim = config.getOptionalConfig('kubeSim');
        const kubeconfig = kubeSim?.getOptionalString('kubeconfigPath');
        if (
          !repoPath ||
          !kubeSim?.getBoolean('enabled') ||
          !kubeconfig ||
          process.env.DRIFTLESS_DEMO_RELEASE === 'off'
        ) {
          return;
        }
        const kubeconfigPath = resolve(kubeconfig);
        let timer: NodeJS.Timeout | undefined;
        let stopped = false;
        lifecycle.addShutdownHook(() => {
          stopped = true;
          clearTimeout(timer);
        });
        const startedAt = Date.now();
        // Resolves `true` when it is time to stop polling.
        const poll = async (): Promise<boolean> => {
          if (
            stopped ||
            !(await isUntouchedDemoRepository(resolve(repoPath)))
          ) {
            return true;
          }
          const phases = await rolloutPhases(kubeconfigPath);
          if (phases.every(phase => phase === 'Healthy')) {
            const sha = await commitDemoRelease(resolve(repoPath));
            logger.info(
              `Committed a demo release (${sha.slice(0, 7)}) to ${repoPath}: ` +
                'shop-checkout walks its canary steps and shop-catalog waits for promotion after the next refresh',
            );
            return true;
          }
          if (Date.now() - startedAt > GIVE_UP_AFTER_MS) {
            logger.info(
              `No demo release: the demo Rollouts did not become Healthy (phases ${phases.join(
                ', ',
              )})`,
            );
            return true;
          }
          return false;
        };
        function schedule() {
          timer = setTimeout(() => {
            poll().then(
              done => done || schedule(),
              error => logger.warn(`The demo release failed: ${error}`),
            );
          }, POLL_INTERVAL_MS);
        }
        schedule();
      },
    });
  },
});
