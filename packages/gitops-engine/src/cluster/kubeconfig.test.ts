import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfigServer } from './kubeconfig';

const KUBECONFIG = `
apiVersion: v1
kind: Config
current-context: staging
clusters:
  - name: staging-cluster
    cluster: { server: 'https://staging.example.internal:6443' }
  - name: prod-cluster
    cluster: { server: 'https://prod.example.internal:6443' }
  - name: broken-cluster
    cluster: {}
contexts:
  - name: staging
    context: { cluster: staging-cluster, user: deployer }
  - name: prod
    context: { cluster: prod-cluster, user: deployer }
  - name: broken
    context: { cluster: broken-cluster, user: deployer }
users:
  - name: deployer
    user: { token: secret-token }
`;

describe('readKubeconfigServer', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-kubeconfig-'));
    path = join(dir, 'config');
    await writeFile(path, KUBECONFIG);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('follows the current context by default', async () => {
    await expect(readKubeconfigServer(path)).resolves.toBe(
      'https://staging.example.internal:6443',
    );
  });

  it('follows a named context', async () => {
    await expect(readKubeconfigServer(path, 'prod')).resolves.toBe(
      'https://prod.example.internal:6443',
    );
  });

  it('names the file and context when it cannot tell', async () => {
    await expect(readKubeconfigServer(path, 'dev')).rejects.toThrow(
      `Kubeconfig ${path} has no context named 'dev'`,
    );
    await expect(readKubeconfigServer(path, 'broken')).rejects.toThrow(
      "cluster 'broken-cluster' of context 'broken' has no server URL",
    );
    await expect(readKubeconfigServer(join(dir, 'missing'))).rejects.toThrow(
      /Cannot read kubeconfig .*missing: ENOENT/,
    );
  });
});
