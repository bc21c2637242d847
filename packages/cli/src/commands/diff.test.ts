import {
  ApplicationComparator,
  ClusterCache,
  KubernetesClusterConnection,
  ResourceTracking,
  type ApplicationDiff,
  type CompareRequest,
  type KubernetesObject,
  runTool,
} from '@driftless/gitops-engine';
import { FAST_TIMINGS, startKubeSim, type KubeSim } from '@driftless/kube-sim';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../__testUtils__/runCli';

// kube-sim, kubectl and kubectl kustomize run for real; a busy machine is slow.
jest.setTimeout(60_000);

// The engine's Kustomize fixture: a base and dev/staging/prod overlays.
const KUSTOMIZE_FIXTURE = resolve(
  __dirname,
  '../../../gitops-engine/src/render/__fixtures__/kustomize',
);

const APPLICATION = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-dev
spec:
  project: default
  source:
    repoURL: https://git.example.internal/web.git
    path: overlays/dev
  destination:
    name: in-cluster
    namespace: web-dev
`;

describe('driftless diff', () => {
  let dir: string;
  let sim: KubeSim;
  let kubeconfig: string;
  let appFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-cli-diff-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim = await startKubeSim({
      kubeconfigPath: kubeconfig,
      timings: FAST_TIMINGS,
      namespaces: ['web-dev'],
    });
    appFile = join(dir, 'app.yaml');
    await writeFile(appFile, APPLICATION);
  });
  afterAll(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const diff = (...args: string[]) =>
    runCli(
      'diff',
      appFile,
      '--kubeconfig',
      kubeconfig,
      '--repo-root',
      KUSTOMIZE_FIXTURE,
      ...args,
    );

  /** Syncs the app as the controller would: server-side apply as `driftless` of the objects the comparator prepares. */
  async function sync(tracking: ResourceTracking, desiredFrom = appFile) {
    const rendered = await runCli(
      'render',
      desiredFrom,
      '--repo-root',
      KUSTOMIZE_FIXTURE,
      '-o',
      'json',
    );
    const desired = JSON.parse(rendered.stdout) as KubernetesObject[];
    const connection = new KubernetesClusterConnection({
      name: 'kube-sim',
      server: sim.url,
      labels: {},
      auth: { provider: 'kubeconfig', path: kubeconfig },
    });
    const cache = new ClusterCache({ connection, tracking });
    const request: CompareRequest = {
      appInstanceName: 'web-dev',
      destinationNamespace: 'web-dev',
      desired,
    };
    const { objects } = await new ApplicationComparator({
      connection,
      live: cache,
      tracking,
    }).prepare(request);
    for (const object of objects)
      await connection.apply(object, { force: true });
    cache.stop();
    connection.close();
  }

  it('exits 1 with Missing resources before a sync, 0 once synced, 1 after a change with kubectl', async () => {
    const before = await diff();
    expect(before.stderr).toBe('');
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+STATUS\s+NOTE\n/);
    expect(before.stdout).toMatch(
      /^Deployment\.apps\s+web-dev\s+dev-web\s+OutOfSync\s+missing: not in the cluster$/m,
    );
    expect(before.stdout).toContain(
      'Application web-dev: OutOfSync (3 of 3 resources not Synced)',
    );
    expect(before.stdout).toContain(
      '--- /dev/null\n+++ desired/apps/Deployment/web-dev/dev-web\n',
    );

    await sync(new ResourceTracking());
    const synced = await diff();
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(
      /^ConfigMap\s+web-dev\s+dev-web-config-\w+\s+Synced$/m,
    );
    expect(synced.stdout).toMatch(/^Service\s+web-dev\s+dev-web\s+Synced$/m);
    expect(synced.stdout).toContain(
      'Application web-dev: Synced (0 of 3 resources not Synced)',
    );
    expect(synced.stdout).not.toContain('---');

    // kube-sim runs in this process: kubectl must run without blocking it.
    await runTool('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '-n',
      'web-dev',
      'scale',
      'deployment/dev-web',
      '--replicas=3',
    ]);
    const changed = await diff();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      /^Deployment\.apps\s+web-dev\s+dev-web\s+OutOfSync$/m,
    );
    expect(changed.stdout).toContain('-  replicas: 3\n+  replicas: 1\n');
  });

  it('prints JSON with -o json', async () => {
    await sync(new ResourceTracking());
    const result = await diff('-o', 'json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as ApplicationDiff;
    expect(parsed.status).toBe('Synced');
    expect(
      parsed.resources.map(r => `${r.kind}:${r.status}:${r.method}`),
    ).toEqual([
      'ConfigMap:Synced:server-side',
      'Service:Synced:server-side',
      'Deployment:Synced:server-side',
    ]);
  });

  it('applies ignoreDifferences from an argocd-cm file', async () => {
    await sync(new ResourceTracking());
    await runTool('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '-n',
      'web-dev',
      'scale',
      'deployment/dev-web',
      '--replicas=5',
    ]);
    const argocdCm = join(dir, 'argocd-cm.yaml');
    await writeFile(
      argocdCm,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: argocd-cm}',
        'data:',
        '  resource.customizations.ignoreDifferences.apps_Deployment: |',
        '    jqPathExpressions:',
        '    - .spec.replicas',
      ].join('\n'),
    );
    expect((await diff()).code).toBe(1);
    const ignored = await diff('--argocd-cm', argocdCm);
    expect(ignored.stdout).toContain('Application web-dev: Synced');
    expect(ignored.code).toBe(0);
  });

  it('reads tracking by label with --tracking-method label', async () => {
    await sync(new ResourceTracking({ method: 'label' }));
    const result = await diff('--tracking-method', 'label', '-o', 'json');
    const parsed = JSON.parse(result.stdout) as ApplicationDiff;
    expect(
      parsed.resources.find(r => r.kind === 'Deployment')!.predictedLive!
        .metadata.labels,
    ).toMatchObject({
      'app.kubernetes.io/instance': 'web-dev',
    });
    expect(parsed.status).toBe('Synced');
    expect(result.code).toBe(0);
  });

  describe('errors exit 2', () => {
    it('for an unreachable cluster', async () => {
      const unreachable = join(dir, 'unreachable');
      await writeFile(
        unreachable,
        sim.kubeconfig.replace(sim.url, 'https://127.0.0.1:1'),
      );
      const result = await runCli(
        'diff',
        appFile,
        '--kubeconfig',
        unreachable,
        '--repo-root',
        KUSTOMIZE_FIXTURE,
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('Application web-dev: Unknown');
      expect(result.stdout).toMatch(
        /^ComparisonError: cluster 'kube-sim' \(https:\/\/127\.0\.0\.1:1\) is unreachable: .*ECONNREFUSED/m,
      );
      expect(result.stderr).toMatch(
        /^driftless: comparison failed: cluster 'kube-sim' \(https:\/\/127\.0\.0\.1:1\) is unreachable/,
      );
    });

    it('for a kubeconfig that cannot be read, or a bad flag', async () => {
      const missing = await runCli(
        'diff',
        appFile,
        '--kubeconfig',
        join(dir, 'nope'),
        '--repo-root',
        KUSTOMIZE_FIXTURE,
      );
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /^driftless: Cannot read kubeconfig .*nope: ENOENT/,
      );
      const method = await diff('--tracking-method', 'owner');
      expect(method.code).toBe(2);
      expect(method.stderr).toBe(
        "driftless: --tracking-method must be one of annotation, label, annotation+label, not 'owner'\n",
      );
      const usage = await runCli('diff', appFile);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain(
        "required option '--kubeconfig <file>' not specified",
      );
    });

    it('for a kind the cluster does not serve, naming it', async () => {
      const gadgetDir = join(dir, 'gadget');
      await writeFile(
        join(dir, 'gadget-app.yaml'),
        APPLICATION.replace('path: overlays/dev', 'path: .'),
      );
      await mkdir(gadgetDir, { recursive: true });
      await writeFile(
        join(gadgetDir, 'gadget.yaml'),
        'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n',
      );
      const result = await runCli(
        'diff',
        join(dir, 'gadget-app.yaml'),
        '--kubeconfig',
        kubeconfig,
        '--repo-root',
        gadgetDir,
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(
        /^Gadget\.example\.com\s+web-dev\s+g\s+Unknown\s+cluster 'kube-sim' does not serve example\.com\/v1 Gadget: install the CustomResourceDefinition/m,
      );
    });
  });
});
