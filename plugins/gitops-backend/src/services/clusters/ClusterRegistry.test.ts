import type { ClusterConfig } from '@driftless/gitops-engine';
import { ClusterRegistry } from './ClusterRegistry';

const cluster = (name: string): ClusterConfig => ({
  name,
  server: `https://${name}.example.internal`,
  labels: {},
  auth: { provider: 'serviceAccount', token: 't' },
});

describe('ClusterRegistry', () => {
  it('lists config and supplied clusters by name, with their source', async () => {
    const registry = new ClusterRegistry(
      [cluster('prod')],
      new Map([['kube-sim', { getClusters: async () => [cluster('local')] }]]),
    );
    const listed = await registry.list();
    expect(listed.map(c => [c.cluster.name, c.source])).toEqual([
      ['local', 'kube-sim'],
      ['prod', 'config'],
    ]);
  });

  it('refuses a name defined by two sources, naming both', async () => {
    const registry = new ClusterRegistry(
      [cluster('prod')],
      new Map([['cloud', { getClusters: async () => [cluster('prod')] }]]),
    );
    await expect(registry.list()).rejects.toThrow(
      "Cluster name 'prod' is defined twice, by config and by cloud",
    );
  });

  it('names the supplier that failed', async () => {
    const registry = new ClusterRegistry(
      [],
      new Map([
        [
          'cloud',
          {
            getClusters: async () =>
              Promise.reject(new Error('503 from cloud API')),
          },
        ],
      ]),
    );
    await expect(registry.list()).rejects.toThrow(
      "Cluster supplier 'cloud' failed; caused by Error: 503 from cloud API",
    );
  });
});
