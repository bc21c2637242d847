import { FAST_TIMINGS, startKubeSim, type KubeSim } from '@driftless/kube-sim';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../services/controller/__testUtils__/controllerTestEnv';
import { BackendProcess } from './backendProcess';

/** A live object as kube-sim stores it. */
export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  data?: Record<string, string>;
  status?: Record<string, any>;
}

/**
 * What every process-level test shares: a temp dir, kube-sim serving in
 * this process (on its own port, so the backends reach it over HTTPS like
 * any cluster), and the backends started, which `stop` ends.
 */
export class IntegrationEnv {
  private readonly backends: BackendProcess[] = [];

  private constructor(readonly dir: string, readonly sim: KubeSim) {}

  static async start(name: string): Promise<IntegrationEnv> {
    const dir = await mkdtemp(join(tmpdir(), `driftless-it-${name}-`));
    const sim = await startKubeSim({
      timings: FAST_TIMINGS,
      kubeconfigPath: join(dir, 'kubeconfig'),
    });
    return new IntegrationEnv(dir, sim);
  }

  /** `gitops.clusters`: kube-sim as `in-cluster`, through the kubeconfig it wrote. */
  clustersConfig(): Array<Record<string, unknown>> {
    return [
      {
        name: 'in-cluster',
        authProvider: 'kubeconfig',
        kubeconfigPath: this.sim.kubeconfigPath,
      },
    ];
  }

  /** Starts a backend process; `stop` ends it if the test did not. */
  async backend(
    name: string,
    config: Record<string, unknown>,
  ): Promise<BackendProcess> {
    const backend = await BackendProcess.start({ name, dir: this.dir, config });
    this.backends.push(backend);
    return backend;
  }

  /** Live objects of a kind in a namespace, from kube-sim's store. */
  objects(kind: string, namespace: string): LiveObject[] {
    return this.sim
      .snapshot()
      .objects.map(entry => entry.object as unknown as LiveObject)
      .filter(
        object =>
          object.kind === kind && object.metadata.namespace === namespace,
      );
  }

  /**
   * Polls `probe` until it returns something truthy, and returns that; on
   * timeout the error carries the end of every backend's log.
   */
  async waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined | null | false>,
    timeoutMs: number,
  ): Promise<T> {
    try {
      return (await eventually(probe, what, timeoutMs)) as T;
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await this.logs()}`);
    }
  }

  /** Backend logs, for a failure's message. */
  async logs(): Promise<string> {
    const tails = await Promise.all(
      this.backends.map(
        async backend =>
          `--- ${backend.name} (${
            backend.logPath
          })\n${await backend.logTail()}`,
      ),
    );
    return tails.join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.backends.map(backend => backend.stop()));
    await this.sim.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A Job hook whose pod runs `runMs` (kube-sim's run-ms annotation), named from `generateName`. */
export function hookJobYaml(options: {
  generateName: string;
  hook: 'PreSync' | 'Sync' | 'PostSync';
  runMs: number;
  deletePolicy?: string;
}): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  generateName: ${options.generateName}`,
    '  annotations:',
    `    argocd.argoproj.io/hook: ${options.hook}`,
    ...(options.deletePolicy
      ? [`    argocd.argoproj.io/hook-delete-policy: ${options.deletePolicy}`]
      : []),
    'spec:',
    '  backoffLimit: 0',
    '  template:',
    '    metadata:',
    `      annotations: {kube-sim.driftless.dev/run-ms: '${options.runMs}'}`,
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: main, image: busybox}]',
    '',
  ].join('\n');
}

/** A plain-YAML app: a ConfigMap and a Deployment. */
export function directoryAppFiles(
  path: string,
  name: string,
  value = 'one',
): Record<string, string> {
  return {
    [`${path}/configmap.yaml`]: [
      'apiVersion: v1',
      'kind: ConfigMap',
      `metadata: {name: ${name}-settings}`,
      `data: {value: "${value}"}`,
      '',
    ].join('\n'),
    [`${path}/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: ${name}}`,
      'spec:',
      '  replicas: 1',
      `  selector: {matchLabels: {app: ${name}}}`,
      '  template:',
      `    metadata: {labels: {app: ${name}}}`,
      '    spec:',
      '      containers: [{name: main, image: "nginx:1.27"}]',
      '',
    ].join('\n'),
  };
}

/** An Application as the API takes it. */
export function applicationManifest(options: {
  name: string;
  repoURL: string;
  path: string;
  automated?: boolean;
}): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: options.name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: {
        repoURL: options.repoURL,
        targetRevision: 'main',
        path: options.path,
      },
      destination: { name: 'in-cluster', namespace: options.name },
      syncPolicy: {
        ...(options.automated ? { automated: { prune: true } } : {}),
        syncOptions: ['CreateNamespace=true'],
      },
    },
  };
}
