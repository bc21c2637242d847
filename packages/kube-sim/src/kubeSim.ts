import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiServer, PatchOptions, WriteResult } from './apiserver/apiServer';
import { Controller } from './controllers/controller';
import { ControllerManager } from './controllers/controllerManager';
import { createControllers, ControllerName } from './controllers/registry';
import { DEFAULT_TIMINGS, KubeSimTimings } from './controllers/timings';
import { FaultInjector } from './faults/faults';
import { createRequestHandler } from './http/httpServer';
import { renderKubeconfig } from './http/kubeconfig';
import { generateServingCertificates, ServingCertificates } from './http/tls';
import {
  isPlainObject,
  JsonObject,
  KubeObject,
  parseApiVersion,
} from './machinery/types';
import { StoreSnapshot } from './store/objectStore';
import { createCore } from './core';
import { createControlRoutes } from './http/controlRoutes';

export interface KubeSimOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Serve HTTPS with a generated CA (default true); false serves plain HTTP. */
  tls?: boolean;
  /** Bearer token clients must send; a random one by default; false accepts any request. */
  token?: string | false;
  /** Write the kubeconfig to this file. */
  kubeconfigPath?: string;
  /** Keep the state in this JSON file: loaded at start, saved on change and at stop. */
  statePath?: string;
  /**
   * Simulated controllers: true (default) runs all; false runs only the
   * control-plane ones (namespace, garbage collector, CRD cleanup); an object
   * switches single controllers on or off.
   */
  controllers?: boolean | Partial<Record<ControllerName, boolean>>;
  /** How long simulated things take; see {@link KubeSimTimings}. */
  timings?: Partial<KubeSimTimings>;
  /** Changes kept for watches to resume from (older resourceVersions get 410 Gone). */
  watchHistory?: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
  /** Seed for generated names (generateName, pod names). */
  seed?: number;
  /** Namespaces to create at start, besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** Log lines (controller errors; requests when `logRequests`). */
  log?: (line: string) => void;
  logRequests?: boolean;
}

/** A running kube-sim. */
export interface KubeSim {
  /** `https://127.0.0.1:PORT` (or http). */
  readonly url: string;
  readonly port: number;
  /** The kubeconfig, as YAML. */
  readonly kubeconfig: string;
  /** Where the kubeconfig was written, when asked to. */
  readonly kubeconfigPath?: string;
  readonly token?: string;
  /** The CA certificate (PEM) clients must trust, when serving TLS. */
  readonly caCertificate?: string;
  /** The API core, in-process. */
  readonly api: ApiServer;
  readonly faults: FaultInjector;
  readonly controllers: ControllerManager;
  /** Applies YAML or objects in-process with server-side apply (for test setup). */
  apply(
    manifests: string | KubeObject | KubeObject[],
    options?: { fieldManager?: string; force?: boolean },
  ): KubeObject[];
  /** Stores objects verbatim, managedFields and all (to reproduce a live state). */
  seed(objects: KubeObject[]): KubeObject[];
  /** The whole state, as `--state` files hold it. */
  snapshot(): StoreSnapshot;
  /** Writes the state file now (when `statePath` was given). */
  saveState(): Promise<void>;
  /** Forgets watch history: watches resuming from older resourceVersions get 410 Gone. */
  compactHistory(): void;
  /** How many watch streams are open. */
  openWatchCount(): number;
  stop(): Promise<void>;
}

const STATE_FORMAT = 'kube-sim/state/v1';

async function readState(path: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `kube-sim: cannot read state file ${path}: ${(error as Error).message}`,
    );
  }
  let parsed: JsonObject;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `kube-sim: state file ${path} is not valid JSON (${
        (error as Error).message
      }); move it away to start empty`,
    );
  }
  if (parsed.format !== STATE_FORMAT || !Array.isArray(parsed.objects)) {
    throw new Error(
      `kube-sim: state file ${path} is not a ${STATE_FORMAT} file; move it away to start empty`,
    );
  }
  return {
    resourceVersion: Number(parsed.resourceVersion) || 1,
    objects: parsed.objects,
  };
}

function bootstrapObjects(extraNamespaces: string[]): KubeObject[] {
  const namespaces = [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...extraNamespaces,
  ];
  return [
    ...[...new Set(namespaces)].map(name => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    })),
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kube-sim-node',
        labels: {
          'kubernetes.io/hostname': 'kube-sim-node',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node-role.kubernetes.io/control-plane': '',
        },
      },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'standard',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'kube-sim.driftless.dev/hostpath',
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: '10.96.0.1',
        ports: [
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 },
        ],
      },
    },
  ];
}

function nodeStatus(now: string): JsonObject {
  return {
    addresses: [
      { type: 'InternalIP', address: '172.18.0.2' },
      { type: 'Hostname', address: 'kube-sim-node' },
    ],
    capacity: {
      cpu: '8',
      memory: '32Gi',
      pods: '110',
      'ephemeral-storage': '100Gi',
    },
    allocatable: {
      cpu: '8',
      memory: '32Gi',
      pods: '110',
      'ephemeral-storage': '100Gi',
    },
    conditions: [
      {
        type: 'MemoryPressure',
        status: 'False',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
        reason: 'KubeletHasSufficientMemory',
        message: 'kubelet has sufficient memory available',
      },
      {
        type: 'DiskPressure',
        status: 'False',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
        reason: 'KubeletHasNoDiskPressure',
        message: 'kubelet has no disk pressure',
      },
      {
        type: 'PIDPressure',
        status: 'False',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
        reason: 'KubeletHasSufficientPID',
        message: 'kubelet has sufficient PID available',
      },
      {
        type: 'Ready',
        status: 'True',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
      },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.32.0-kube-sim',
      kubeProxyVersion: 'v1.32.0-kube-sim',
      containerRuntimeVersion: 'kube-sim://1.0.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
      osImage: 'kube-sim',
      kernelVersion: '6.1.0',
      machineID: 'kube-sim',
      systemUUID: 'kube-sim',
      bootID: 'kube-sim',
    },
  };
}

/** Splits YAML text into objects, skipping empty documents. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new Error(`kube-sim: invalid YAML: ${document.errors[0].message}`);
    const value = document.toJS();
    if (!value) continue;
    if (
      isPlainObject(value) &&
      value.kind === 'List' &&
      Array.isArray(value.items)
    )
      objects.push(...value.items);
    else objects.push(value as KubeObject);
  }
  return objects;
}

/**
 * Starts a kube-sim: a Kubernetes API server test double, in this process.
 * It is for tests and the local portal only; production code never uses it.
 */
export async function startKubeSim(
  options: KubeSimOptions = {},
): Promise<KubeSim> {
  const timings: KubeSimTimings = {
    ...DEFAULT_TIMINGS,
    ...(options.timings ?? {}),
  };
  const core = createCore({
    watchHistory: options.watchHistory,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    seed: options.seed,
  });
  const { api, registry, store, random } = core;

  if (options.statePath) {
    const state = await readState(options.statePath);
    if (state) {
      store.restore(state);
      core.reserveAllocations(state.objects.map(entry => entry.object));
      api.reinstallStoredCrds();
    }
  }

  // Cluster objects a real cluster starts with.
  for (const object of bootstrapObjects(options.namespaces ?? [])) {
    const { group } = parseApiVersion(object.apiVersion);
    const type = registry.lookupGroupKind(group, object.kind)!;
    if (!api.find(type, object.metadata.namespace, object.metadata.name!)) {
      api.create(type, object.metadata.namespace, object, {
        fieldManager: 'kube-apiserver',
        internal: true,
      });
    }
  }
  const nodeType = registry.lookupGroupKind('', 'Node')!;
  const node = api.get(nodeType, undefined, 'kube-sim-node');
  if (!node.status?.nodeInfo) {
    api.update(
      nodeType,
      undefined,
      'kube-sim-node',
      { ...node, status: nodeStatus(node.metadata.creationTimestamp!) },
      { fieldManager: 'kubelet', internal: true },
      'status',
    );
  }

  const controllers = new ControllerManager(api, timings, random, options.log);
  for (const controller of createControllers(options.controllers ?? true))
    controllers.register(controller as Controller);
  controllers.start();

  const faults = new FaultInjector();
  const token =
    options.token === false
      ? undefined
      : options.token ?? randomBytes(24).toString('hex');
  const useTls = options.tls ?? true;
  let certificates: ServingCertificates | undefined;
  const host = options.host ?? '127.0.0.1';
  if (useTls)
    certificates = generateServingCertificates(
      host === '127.0.0.1' || host === '0.0.0.0' ? [] : [host],
    );

  let address = '';
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  const saveState = async (): Promise<void> => {
    if (!options.statePath) return;
    const path = options.statePath;
    const snapshot = store.snapshot();
    const text = JSON.stringify({
      format: STATE_FORMAT,
      resourceVersion: snapshot.resourceVersion,
      objects: snapshot.objects,
    });
    saving = saving.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, path);
    });
    await saving;
  };
  const unsubscribeSave = options.statePath
    ? store.subscribe(() => {
        if (saveTimer) return;
        saveTimer = setTimeout(() => {
          saveTimer = undefined;
          saveState().catch(error =>
            options.log?.(
              `kube-sim: saving state failed: ${(error as Error).message}`,
            ),
          );
        }, 250);
        saveTimer.unref?.();
      })
    : undefined;

  const applyManifests: KubeSim['apply'] = (manifests, applyOptions = {}) => {
    let objects: KubeObject[];
    if (typeof manifests === 'string') objects = parseManifests(manifests);
    else objects = Array.isArray(manifests) ? manifests : [manifests];
    const results: KubeObject[] = [];
    for (const object of objects) {
      const { group, version } = parseApiVersion(object.apiVersion);
      const type = registry.lookupKind(group, version, object.kind);
      if (!type)
        throw new Error(
          `kube-sim: ${object.apiVersion} ${object.kind} is not served (install its CRD first)`,
        );
      const patchOptions: PatchOptions = {
        fieldManager: applyOptions.fieldManager ?? 'kube-sim-test',
        force: applyOptions.force ?? true,
      };
      const namespace = type.namespaced
        ? object.metadata.namespace ?? 'default'
        : undefined;
      const result: WriteResult = api.patch(
        type,
        namespace,
        object.metadata.name!,
        'apply',
        object,
        patchOptions,
      );
      results.push(result.object);
    }
    return results;
  };

  const handler = createRequestHandler({
    api,
    faults,
    token,
    serverAddress: () => address,
    extraRoutes: createControlRoutes({ faults, api }),
    onRequest:
      options.logRequests && options.log
        ? entry =>
            options.log!(
              `${entry.method} ${entry.url} ${entry.status} ${entry.ms}ms`,
            )
        : undefined,
  });
  const server: http.Server = useTls
    ? https.createServer(
        { cert: certificates!.certificate, key: certificates!.privateKey },
        handler,
      )
    : http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  address = `${connectHost}:${port}`;
  const url = `${useTls ? 'https' : 'http'}://${
    connectHost.includes(':') ? `[${connectHost}]` : connectHost
  }:${port}`;
  const kubeconfig = renderKubeconfig({
    server: url,
    token: token ?? 'kube-sim',
    caCertificate: certificates?.caCertificate,
  });
  if (options.kubeconfigPath) {
    await mkdir(dirname(options.kubeconfigPath), { recursive: true });
    await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });
  }

  let stopped = false;
  return {
    url,
    port,
    kubeconfig,
    kubeconfigPath: options.kubeconfigPath,
    token,
    caCertificate: certificates?.caCertificate,
    api,
    faults,
    controllers,
    apply: applyManifests,
    seed: core.seed,
    snapshot: () => store.snapshot(),
    saveState,
    compactHistory: () => store.compact(),
    openWatchCount: () => api.openWatchCount(),
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      api.closeWatches();
      if (saveTimer) clearTimeout(saveTimer);
      unsubscribeSave?.();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await saveState();
    },
  };
}
