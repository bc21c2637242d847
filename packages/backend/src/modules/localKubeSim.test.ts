import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import gitopsPlugin from '@driftless/backstage-plugin-gitops-backend';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { gitopsModuleLocalKubeSim } from './localKubeSim';

jest.setTimeout(60_000);

describe('gitopsModuleLocalKubeSim', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-local-kube-sim-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts kube-sim as the in-cluster cluster, usable with kubectl, and keeps its state', async () => {
    const kubeconfigPath = join(dir, 'kubeconfig');
    const statePath = join(dir, 'state.json');
    const backend = await startTestBackend({
      features: [
        gitopsPlugin,
        gitopsModuleLocalKubeSim,
        mockServices.rootConfig.factory({
          data: {
            kubeSim: {
              enabled: true,
              kubeconfigPath,
              statePath,
              labels: { env: 'local' },
            },
          },
        }),
      ],
    });

    const clusters = await request(backend.server)
      .get('/api/gitops/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(clusters.status).toBe(200);
    expect(clusters.body.items).toEqual([
      {
        name: 'in-cluster',
        server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
        labels: { env: 'local' },
        authProvider: 'serviceAccount',
        source: 'local-kube-sim',
      },
    ]);

    // Asynchronously: kube-sim answers from this very process.
    const kubectl = (...args: string[]) =>
      promisify(execFile)('kubectl', [
        '--kubeconfig',
        kubeconfigPath,
        '--cache-dir',
        join(dir, 'kube-cache'),
        '--request-timeout=5s',
        ...args,
      ]);
    const manifest = join(dir, 'namespace.yaml');
    await writeFile(
      manifest,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    );
    await kubectl('apply', '--server-side', '-f', manifest);
    expect(
      (await kubectl('get', 'namespace', 'shop', '-o', 'name')).stdout.trim(),
    ).toBe('namespace/shop');

    await backend.stop();
    // Stopped with the backend, state saved for the next start.
    await expect(kubectl('get', 'namespaces')).rejects.toThrow();
    expect(await readFile(statePath, 'utf8')).toContain('"shop"');
  });

  it('does nothing unless enabled', async () => {
    const backend = await startTestBackend({
      features: [
        gitopsPlugin,
        gitopsModuleLocalKubeSim,
        mockServices.rootConfig.factory({
          data: { kubeSim: { enabled: false } },
        }),
      ],
    });
    const clusters = await request(backend.server)
      .get('/api/gitops/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(clusters.body.items).toEqual([]);
    await backend.stop();
  });
});
