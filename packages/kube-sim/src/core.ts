import { ApiServer } from './apiserver/apiServer';
import { Allocators } from './defaults/defaults';
import { seededRandom } from './machinery/naming';
import { KubeObject, nowTimestamp, parseApiVersion } from './machinery/types';
import { ResourceRegistry } from './registry/registry';
import { ObjectStore } from './store/objectStore';

class IpAllocator {
  private readonly used = new Set<string>();
  private next: number;
  constructor(
    private readonly prefix: string,
    start: number,
    private readonly end: number,
  ) {
    this.next = start;
  }
  reserve(address: string): void {
    this.used.add(address);
  }
  allocate(): string {
    for (let i = this.next; i <= this.end; i++) {
      const address = `${this.prefix}.${Math.floor(i / 256)}.${i % 256}`;
      if (!this.used.has(address)) {
        this.used.add(address);
        this.next = i + 1;
        return address;
      }
    }
    throw new Error(
      'kube-sim: service cluster IP range 10.96.0.0/16 is exhausted',
    );
  }
}

export interface CoreOptions {
  watchHistory?: number;
  bookmarkIntervalMs?: number;
  seed?: number;
}

/** The API machinery and its store, without HTTP or controllers. */
export interface Core {
  api: ApiServer;
  registry: ResourceRegistry;
  store: ObjectStore;
  random: () => number;
  /** Stores objects verbatim (managedFields included), as a live cluster held them. */
  seed(objects: KubeObject[]): KubeObject[];
  /** Marks service IPs and node ports in use (after loading a snapshot). */
  reserveAllocations(objects: KubeObject[]): void;
}

export function createCore(options: CoreOptions = {}): Core {
  const random = seededRandom(options.seed ?? 1);
  const registry = new ResourceRegistry();
  const store = new ObjectStore(options.watchHistory ?? 10000);
  const clusterIPs = new IpAllocator('10.96', 10, 65000);
  const nodePorts = new Set<number>();
  let nextNodePort = 30000;
  const allocators: Allocators = {
    allocateClusterIP: () => clusterIPs.allocate(),
    allocateNodePort: () => {
      while (nodePorts.has(nextNodePort) && nextNodePort <= 32767)
        nextNodePort++;
      if (nextNodePort > 32767)
        throw new Error('kube-sim: node port range 30000-32767 is exhausted');
      nodePorts.add(nextNodePort);
      return nextNodePort++;
    },
    defaultStorageClass: () =>
      store
        .list('storageclasses.storage.k8s.io')
        .find(
          c =>
            c.metadata.annotations?.[
              'storageclass.kubernetes.io/is-default-class'
            ] === 'true',
        )?.metadata.name,
  };
  const reserveAllocations = (objects: KubeObject[]) => {
    for (const object of objects) {
      if (object.kind !== 'Service') continue;
      if (typeof object.spec?.clusterIP === 'string')
        clusterIPs.reserve(object.spec.clusterIP);
      for (const port of object.spec?.ports ?? [])
        if (port?.nodePort) nodePorts.add(port.nodePort);
    }
  };
  store.subscribe(event => {
    if (event.storageKey === 'services' && event.type !== 'DELETED')
      reserveAllocations([event.object]);
  });
  const api = new ApiServer({
    registry,
    store,
    allocators,
    random,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  const seed = (objects: KubeObject[]): KubeObject[] =>
    objects.map(object => {
      const { group, version } = parseApiVersion(object.apiVersion);
      const type = registry.lookupKind(group, version, object.kind);
      if (!type)
        throw new Error(
          `kube-sim: ${object.apiVersion} ${object.kind} is not served`,
        );
      const copy = JSON.parse(JSON.stringify(object)) as KubeObject;
      copy.metadata.resourceVersion = String(store.nextRevision());
      copy.metadata.uid ??= crypto.randomUUID();
      copy.metadata.creationTimestamp ??= nowTimestamp();
      if (type.namespaced) copy.metadata.namespace ??= 'default';
      store.put(type.storageKey, copy);
      return copy;
    });
  return { api, registry, store, random, seed, reserveAllocations };
}

/** Creates the namespaces a test needs (in-process, no controllers). */
export function ensureNamespaces(core: Core, names: string[]): void {
  const type = core.registry.lookupGroupKind('', 'Namespace')!;
  for (const name of names) {
    if (!core.api.find(type, undefined, name)) {
      core.api.create(
        type,
        undefined,
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { fieldManager: 'kube-apiserver', internal: true },
      );
    }
  }
}
