import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readClustersConfig } from './readClustersConfig';

function configWith(clusters: JsonObject[]) {
  return new ConfigReader({ gitops: { clusters } });
}

describe('readClustersConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-clusters-'));
    await writeFile(
      join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: prod',
        'contexts: [{name: prod, context: {cluster: prod, user: ci}}]',
        "clusters: [{name: prod, cluster: {server: 'https://prod.example.internal:6443/'}}]",
        'users: [{name: ci, user: {token: t}}]',
      ].join('\n'),
    );
    await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads no clusters when the section is absent', async () => {
    await expect(readClustersConfig(new ConfigReader({}))).resolves.toEqual([]);
  });

  it('reads each auth provider with what it needs', async () => {
    const clusters = await readClustersConfig(
      configWith([
        {
          name: 'staging',
          url: 'https://staging.example.internal:6443',
          labels: { env: 'staging' },
          authProvider: 'serviceAccount',
          serviceAccountToken: 'sa-token',
          caFile: join(dir, 'ca.pem'),
        },
        {
          name: 'edge',
          url: 'https://edge.example.internal',
          authProvider: 'clientCertificate',
          clientCertData: 'CERT',
          clientKeyData: 'KEY',
          skipTLSVerify: true,
        },
        {
          name: 'prod',
          authProvider: 'kubeconfig',
          kubeconfigPath: join(dir, 'kubeconfig'),
        },
        { authProvider: 'inCluster' },
      ]),
    );
    expect(clusters).toEqual([
      {
        name: 'staging',
        server: 'https://staging.example.internal:6443',
        labels: { env: 'staging' },
        auth: { provider: 'serviceAccount', token: 'sa-token' },
        caData: '-----BEGIN CERTIFICATE-----\nMIIB\n',
      },
      {
        name: 'edge',
        server: 'https://edge.example.internal',
        labels: {},
        auth: {
          provider: 'clientCertificate',
          certData: 'CERT',
          keyData: 'KEY',
        },
        skipTLSVerify: true,
      },
      {
        name: 'prod',
        server: 'https://prod.example.internal:6443',
        labels: {},
        auth: {
          provider: 'kubeconfig',
          path: join(dir, 'kubeconfig'),
          context: undefined,
        },
      },
      {
        name: 'in-cluster',
        server: 'https://kubernetes.default.svc',
        labels: {},
        auth: { provider: 'inCluster' },
      },
    ]);
  });

  it.each([
    [
      { name: 'a', url: 'https://a', authProvider: 'serviceAccount' },
      "gitops.clusters[0] (a): 'serviceAccountToken' is required when authProvider is 'serviceAccount'",
    ],
    [
      {
        name: 'a',
        url: 'https://a',
        authProvider: 'clientCertificate',
        clientCertData: 'C',
      },
      "gitops.clusters[0] (a): 'clientKeyData' is required when authProvider is 'clientCertificate'",
    ],
    [
      { name: 'a', url: 'https://a', authProvider: 'token' },
      "gitops.clusters[0] (a): unknown authProvider 'token'; use one of serviceAccount, clientCertificate, kubeconfig, inCluster",
    ],
    [
      {
        url: 'https://a',
        authProvider: 'serviceAccount',
        serviceAccountToken: 't',
      },
      "gitops.clusters[0]: 'name' is required",
    ],
    [
      { name: 'a', authProvider: 'serviceAccount', serviceAccountToken: 't' },
      "gitops.clusters[0] (a): 'url' is required",
    ],
    [
      {
        name: 'a',
        url: 'kubernetes.local',
        authProvider: 'serviceAccount',
        serviceAccountToken: 't',
      },
      "gitops.clusters[0] (a): url 'kubernetes.local' is not an http(s) URL",
    ],
    [
      {
        name: 'a',
        authProvider: 'kubeconfig',
        kubeconfigPath: '/nonexistent/kubeconfig',
      },
      'gitops.clusters[0] (a): Cannot read kubeconfig /nonexistent/kubeconfig',
    ],
  ])('rejects %j with a message naming the entry', async (entry, message) => {
    await expect(readClustersConfig(configWith([entry]))).rejects.toThrow(
      message,
    );
  });

  it('rejects a name used twice, naming both entries', async () => {
    const entry = {
      name: 'prod',
      url: 'https://a',
      authProvider: 'serviceAccount',
      serviceAccountToken: 't',
    };
    await expect(
      readClustersConfig(configWith([entry, entry])),
    ).rejects.toThrow(
      "gitops.clusters[1]: name 'prod' is already used by gitops.clusters[0]",
    );
  });

  it('never puts a credential in an error message', async () => {
    const error = await readClustersConfig(
      configWith([
        {
          name: 'a',
          url: 'nope',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'very-secret-token',
        },
      ]),
    ).catch(e => e);
    expect(String(error.message)).not.toContain('very-secret-token');
  });
});
