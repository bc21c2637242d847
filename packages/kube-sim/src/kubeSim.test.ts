import * as k8s from '@kubernetes/client-node';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { startKubeSim } from './kubeSim';
import { failureOf, waitFor } from './__testUtils__/wire';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

describe('startKubeSim', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-start-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a kubeconfig with its CA and token, and refuses requests without the token', async () => {
    const kubeconfigPath = join(dir, 'config');
    const sim = await startKubeSim({ kubeconfigPath, controllers: false });
    try {
      const config = parse(await readFile(kubeconfigPath, 'utf8'));
      expect(config['current-context']).toBe('kube-sim');
      expect(config.clusters[0].cluster.server).toBe(sim.url);
      expect(
        Buffer.from(
          config.clusters[0].cluster['certificate-authority-data'],
          'base64',
        ).toString(),
      ).toBe(sim.caCertificate);
      expect(config.users[0].user.token).toBe(sim.token);

      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(namespaces.items.map(n => n.metadata!.name)).toEqual([
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
      ]);

      const wrong = new k8s.KubeConfig();
      wrong.loadFromString(sim.kubeconfig.replace(sim.token!, 'not-the-token'));
      // client-node drops the body of 401 answers; the code is what it reports.
      expect(
        await failureOf(wrong.makeApiClient(k8s.CoreV1Api).listNamespace()),
      ).toMatchObject({ code: 401 });
    } finally {
      await sim.stop();
    }
  });

  it('serves plain HTTP when asked, with a kubeconfig client-node accepts', async () => {
    const sim = await startKubeSim({ tls: false, controllers: false });
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(sim.kubeconfig);
      await expect(
        kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'default' }),
      ).resolves.toBeTruthy();
    } finally {
      await sim.stop();
    }
  });

  it('keeps its state in a file across restarts, resourceVersions included', async () => {
    const statePath = join(dir, 'state', 'cluster.json');
    const first = await startKubeSim({ statePath, controllers: false });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(first.kubeconfig);
    const created = await kc
      .makeApiClient(k8s.CoreV1Api)
      .createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'kept' }, data: { a: '1' } },
      });
    await first.stop();

    const second = await startKubeSim({ statePath, controllers: false });
    try {
      const again = new k8s.KubeConfig();
      again.loadFromString(second.kubeconfig);
      const read = await again
        .makeApiClient(k8s.CoreV1Api)
        .readNamespacedConfigMap({ namespace: 'default', name: 'kept' });
      expect(read.data).toEqual({ a: '1' });
      expect(read.metadata!.uid).toBe(created.metadata!.uid);
      expect(read.metadata!.resourceVersion).toBe(
        created.metadata!.resourceVersion,
      );
      const next = await again
        .makeApiClient(k8s.CoreV1Api)
        .createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: 'later' } },
        });
      expect(Number(next.metadata!.resourceVersion)).toBeGreaterThan(
        Number(created.metadata!.resourceVersion),
      );
    } finally {
      await second.stop();
    }
  });

  it('refuses a state file it cannot read, saying which file and what to do', async () => {
    const statePath = join(dir, 'bad.json');
    await writeFile(statePath, '{not json');
    await expect(startKubeSim({ statePath })).rejects.toThrow(
      `kube-sim: state file ${statePath} is not valid JSON`,
    );
  });

  it('runs standalone from bin/kube-sim with --port, --kubeconfig and --state', async () => {
    const kubeconfigPath = join(dir, 'out.yaml');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const bin = resolve(__dirname, '..', 'bin', 'kube-sim');
    const child = spawn(
      process.execPath,
      [
        bin,
        '--port',
        String(port),
        '--kubeconfig',
        kubeconfigPath,
        '--state',
        join(dir, 'state.json'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    try {
      await waitFor(
        () => output.includes('kube-sim listening on'),
        'the standalone server to start',
        30_000,
      );
      expect(output).toContain(
        `kube-sim listening on https://127.0.0.1:${port}`,
      );
      const version = await new Promise<string>((resolveVersion, reject) => {
        execFile(
          'kubectl',
          ['--kubeconfig', kubeconfigPath, 'version', '-o', 'json'],
          (error, stdout) =>
            error
              ? reject(error)
              : resolveVersion(JSON.parse(stdout).serverVersion.gitVersion),
        );
      });
      expect(version).toBe('v1.32.0-kube-sim');
    } finally {
      child.kill('SIGTERM');
      await new Promise(resolveExit => child.on('exit', resolveExit));
    }
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    expect(state.format).toBe('kube-sim/state/v1');
  }, 40_000);
});
