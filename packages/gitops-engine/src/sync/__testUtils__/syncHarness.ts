import type { KubeSimOptions } from '@driftless/kube-sim';
import type { Application } from '../../application/types';
import { ClusterCache } from '../../cache/ClusterCache';
import {
  startTestCluster,
  type TestCluster,
} from '../../cluster/__testUtils__/testCluster';
import { ApplicationComparator } from '../../diff/ApplicationComparator';
import { DefaultHealthAssessor } from '../../health/assessor';
import type { KubernetesObject } from '../../render/types';
import { ResourceTracking } from '../../tracking/ResourceTracking';
import { runSync, type RunSyncOptions } from '../runSync';
import {
  SyncEngine,
  type SyncEngineOptions,
  type SyncInput,
} from '../SyncEngine';
import type { Operation, SyncOperation, SyncOperationState } from '../types';
import { RecordingConnection } from './RecordingConnection';

export { application } from './application';

/** A kube-sim with its controllers, a cache, a comparator and a recording connection: what a controller has. */
export interface SyncHarness {
  cluster: TestCluster;
  connection: RecordingConnection;
  cache: ClusterCache;
  comparator: ApplicationComparator;
  tracking: ResourceTracking;
  health: DefaultHealthAssessor;
  engine(options?: Partial<SyncEngineOptions>): SyncEngine;
  /** Render → prepare → compare, as a controller does before each attempt. */
  request(
    application: Application,
    manifests: KubernetesObject[],
    sync?: SyncOperation,
  ): Promise<SyncInput>;
  /** A whole operation through {@link runSync}; every state it passed through. */
  sync(
    application: Application,
    manifests: KubernetesObject[],
    options?: {
      sync?: SyncOperation;
      operation?: Partial<Operation>;
      engine?: Partial<SyncEngineOptions>;
      run?: Partial<RunSyncOptions>;
    },
  ): Promise<{ state: SyncOperationState; states: SyncOperationState[] }>;
  /** The live object now, read from kube-sim (not through the recording connection). */
  live(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<KubernetesObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<KubernetesObject[]>;
  stop(): Promise<void>;
}

/** The revision every test "renders". */
export const REVISION = '3f2c9d1a8b7e6f5a4c3b2a1908f7e6d5c4b3a291';

export async function startSyncHarness(
  options: KubeSimOptions = {},
): Promise<SyncHarness> {
  const cluster = await startTestCluster({ controllers: true, ...options });
  const connection = new RecordingConnection(cluster.connection);
  const tracking = new ResourceTracking();
  const cache = new ClusterCache({ connection, tracking });
  // The comparator's dry runs are not the engine's writes: it uses the connection unrecorded.
  const comparator = new ApplicationComparator({
    connection: cluster.connection,
    live: cache,
    tracking,
  });
  const health = new DefaultHealthAssessor();
  const engine = (engineOptions: Partial<SyncEngineOptions> = {}) =>
    new SyncEngine({
      connection,
      health,
      tracking,
      waveDelayMs: 20,
      ...engineOptions,
    });

  const request = async (
    app: Application,
    manifests: KubernetesObject[],
    sync: SyncOperation = {},
  ): Promise<SyncInput> => {
    const compareRequest = {
      appInstanceName: app.metadata.name,
      destinationNamespace: app.spec.destination.namespace,
      desired: manifests,
      ignoreDifferences: app.spec.ignoreDifferences,
      syncOptions: app.spec.syncPolicy?.syncOptions,
    };
    const comparison = await comparator.compare(compareRequest);
    const { objects } = await comparator.prepare(compareRequest);
    return {
      application: app,
      operation: { sync },
      revision: REVISION,
      appInstanceName: app.metadata.name,
      desired: objects,
      comparison,
      live: cache,
    };
  };

  return {
    cluster,
    connection,
    cache,
    comparator,
    tracking,
    health,
    engine,
    request,
    async sync(app, manifests, syncOptions = {}) {
      const states: SyncOperationState[] = [];
      const base = await request(app, manifests, syncOptions.sync);
      const operation: Operation = {
        ...base.operation,
        ...syncOptions.operation,
      };
      const state = await runSync({
        engine: engine(syncOptions.engine),
        request: async attemptState =>
          attemptState && attemptState.retryCount > 0
            ? {
                ...(await request(app, manifests, syncOptions.sync)),
                operation,
              }
            : { ...base, operation },
        onStateChange: next => {
          states.push(structuredClone(next));
        },
        stepIntervalMs: 10,
        ...syncOptions.run,
      });
      return { state, states };
    },
    async live(apiVersion, kind, namespace, name) {
      const resource = await cluster.connection.findResource(apiVersion, kind);
      return cluster.connection.get(resource, name, namespace);
    },
    async list(apiVersion, kind, namespace) {
      const resource = await cluster.connection.findResource(apiVersion, kind);
      return (await cluster.connection.list(resource, { namespace })).items;
    },
    async stop() {
      cache.stop();
      await cluster.stop();
    },
  };
}

export function configMap(
  name: string,
  namespace: string,
  annotations: Record<string, string> = {},
  data: Record<string, string> = { key: name },
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, annotations },
    data,
  };
}

/** A Job kube-sim runs for `runMs` and ends with `exitCode`. */
export function job(
  metadata: KubernetesObject['metadata'],
  options: { exitCode?: number; runMs?: number } = {},
): KubernetesObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      backoffLimit: 0,
      template: {
        metadata: {
          annotations: {
            'kube-sim.driftless.dev/exit-code': String(options.exitCode ?? 0),
            'kube-sim.driftless.dev/run-ms': String(options.runMs ?? 30),
          },
        },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'run', image: 'busybox:1.36' }],
        },
      },
    },
  };
}

export function deployment(
  name: string,
  namespace: string,
  options: {
    annotations?: Record<string, string>;
    readyAfterSeconds?: number;
    image?: string;
  } = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, annotations: options.annotations ?? {} },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: options.image ?? 'nginx:1.27',
              ...(options.readyAfterSeconds
                ? {
                    readinessProbe: {
                      httpGet: { path: '/', port: 80 },
                      initialDelaySeconds: options.readyAfterSeconds,
                    },
                  }
                : {}),
            },
          ],
        },
      },
    },
  };
}
