import {
  FAST_TIMINGS,
  startKubeSim,
  type KubeSim,
  type KubeSimOptions,
} from '@driftless/kube-sim';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KubernetesClusterConnection,
  type KubernetesClusterConnectionOptions,
} from '../KubernetesClusterConnection';
import type { ClusterConfig } from '../types';

/** A kube-sim over HTTPS, its kubeconfig on disk, and a connection to it with token + CA. */
export interface TestCluster {
  sim: KubeSim;
  dir: string;
  kubeconfigPath: string;
  config: ClusterConfig;
  connection: KubernetesClusterConnection;
  /** Requests the sim served, as `METHOD path?query STATUS`. */
  requests: string[];
  stop(): Promise<void>;
}

export async function startTestCluster(
  options: KubeSimOptions & {
    connection?: KubernetesClusterConnectionOptions;
  } = {},
): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'driftless-cluster-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const requests: string[] = [];
  const sim = await startKubeSim({
    controllers: false,
    timings: FAST_TIMINGS,
    kubeconfigPath,
    logRequests: true,
    log: line => {
      const request = /^(GET|PUT|POST|PATCH|DELETE) (\S+) (\d+) /.exec(line);
      if (request) requests.push(`${request[1]} ${request[2]} ${request[3]}`);
    },
    ...options,
  });
  const config: ClusterConfig = {
    name: 'kube-sim',
    server: sim.url,
    labels: {},
    auth: { provider: 'serviceAccount', token: sim.token! },
    caData: sim.caCertificate,
  };
  const connection = new KubernetesClusterConnection(
    config,
    options.connection,
  );
  return {
    sim,
    dir,
    kubeconfigPath,
    config,
    connection,
    requests,
    async stop() {
      connection.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` returns something truthy; fails with `what` after the timeout. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
