import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  FAST_TIMINGS,
  fixtureCrdPath,
  startKubeSim,
  type KubeSim,
} from '@driftless/kube-sim';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  commitDemoRelease,
  DEMO_RELEASES,
  gitopsModuleLocalDemoRelease,
  isUntouchedDemoRepository,
  withImageTag,
} from './localDemoRelease';
import { ensureDemoRepository } from './localDemoRepository';

jest.setTimeout(120_000);

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd })).stdout.trim();

async function kubectlApply(kubeconfig: string, manifests: string) {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`kubectl apply: ${stderr}`)),
    );
    child.stdin.end(manifests);
  });
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last ${String(value)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe('the local demo release', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-demo-release-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('changes only the tag of a kustomization, keeping its comments', () => {
    const text =
      'images:\n  # the release\n  - name: shop\n    newTag: 1.0.0\n';
    expect(withImageTag(text, '1.1.0')).toBe(
      'images:\n  # the release\n  - name: shop\n    newTag: 1.1.0\n',
    );
    expect(() => withImageTag('resources: []\n', '1.1.0')).toThrow(
      /no images\[\]\.newTag/,
    );
  });

  it('releases an untouched demo repository once, and never on top of the user’s commits', async () => {
    const repo = join(dir, 'demo-repo');
    await ensureDemoRepository({ path: repo });
    expect(await isUntouchedDemoRepository(repo)).toBe(true);

    const sha = await commitDemoRelease(repo);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(sha);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    for (const release of DEMO_RELEASES) {
      // What Kustomize renders is what the controller will apply.
      const { stdout } = await run('kubectl', [
        'kustomize',
        join(repo, release.kustomization, '..'),
      ]);
      expect(stdout).toContain(`:${release.newTag}\n`);
    }
    expect(await isUntouchedDemoRepository(repo)).toBe(false);
    expect(await isUntouchedDemoRepository(join(dir, 'missing'))).toBe(false);
  });

  describe('in the backend, with the local kube-sim cluster', () => {
    let sim: KubeSim;
    let kubeconfig: string;
    const previousRepo = process.env.DRIFTLESS_DEMO_REPO;
    beforeEach(async () => {
      kubeconfig = join(dir, 'kubeconfig');
      sim = await startKubeSim({
        kubeconfigPath: kubeconfig,
        timings: FAST_TIMINGS,
      });
    });
    afterEach(async () => {
      await sim.stop();
      if (previousRepo === undefined) delete process.env.DRIFTLESS_DEMO_REPO;
      else process.env.DRIFTLESS_DEMO_REPO = previousRepo;
    });

    it('commits the release once the demo Rollouts are Healthy', async () => {
      const repo = join(dir, 'demo-repo');
      await ensureDemoRepository({ path: repo });
      process.env.DRIFTLESS_DEMO_REPO = repo;

      const backend = await startTestBackend({
        features: [
          gitopsModuleLocalDemoRelease,
          mockServices.rootConfig.factory({
            data: { kubeSim: { enabled: true, kubeconfigPath: kubeconfig } },
          }),
        ],
      });
      try {
        // Not before the Rollouts exist and are Healthy.
        await kubectlApply(
          kubeconfig,
          await readFile(fixtureCrdPath('argo-rollouts'), 'utf8'),
        );
        for (const release of DEMO_RELEASES) {
          await kubectlApply(
            kubeconfig,
            `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${release.namespace}\n`,
          );
          const { stdout } = await run('kubectl', [
            'kustomize',
            join(repo, release.kustomization, '..'),
          ]);
          await kubectlApply(kubeconfig, stdout);
        }
        expect(await git(repo, 'rev-list', '--count', 'HEAD')).toBe('1');

        await waitFor(
          'the release commit',
          () => git(repo, 'rev-list', '--count', 'HEAD'),
          count => count === '2',
        );
        const checkout = await readFile(
          join(repo, DEMO_RELEASES[0].kustomization),
          'utf8',
        );
        expect(checkout).toContain(`newTag: ${DEMO_RELEASES[0].newTag}`);
        expect(await git(repo, 'log', '-1', '--format=%s')).toMatch(
          /^Release shop-checkout/,
        );
      } finally {
        await backend.stop();
      }
    });
  });
});
