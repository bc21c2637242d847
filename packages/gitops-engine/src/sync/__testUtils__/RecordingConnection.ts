import type {
  ApiResource,
  ApplyOptions,
  ClusterConnection,
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchOptions,
  WatchHandle,
  WatchHandlers,
  WatchOptions,
  WriteOptions,
} from '../../cluster/connection';
import type { KubernetesObject } from '../../render/types';

/** One write the engine sent, in the order it was sent. */
export interface RecordedWrite {
  verb: 'apply' | 'create' | 'replace' | 'delete' | 'patch';
  kind: string;
  namespace: string;
  name: string;
  dryRun: boolean;
  /** The options as given (propagation policy, force, fieldValidation...). */
  options: object;
}

/**
 * A {@link ClusterConnection} that passes every call to a real one and
 * records the writes, so tests see what a sync did and in which order
 * without depending on timing.
 */
export class RecordingConnection implements ClusterConnection {
  readonly writes: RecordedWrite[] = [];
  /** Runs before each write reaches the cluster: tests look at the cluster at that moment. */
  beforeWrite?: (write: RecordedWrite) => void;

  constructor(private readonly inner: ClusterConnection) {}

  get clusterName() {
    return this.inner.clusterName;
  }

  get server() {
    return this.inner.server;
  }

  /** The writes that changed something (no dry runs), as `verb Kind namespace/name`. */
  realWrites(): string[] {
    return this.writes
      .filter(write => !write.dryRun)
      .map(
        write =>
          `${write.verb} ${write.kind} ${
            write.namespace ? `${write.namespace}/` : ''
          }${write.name}`,
      );
  }

  private record(write: RecordedWrite): void {
    this.writes.push(write);
    this.beforeWrite?.(write);
  }

  discover(options?: { refresh?: boolean }) {
    return this.inner.discover(options);
  }

  findResource(apiVersion: string, kind: string) {
    return this.inner.findResource(apiVersion, kind);
  }

  findPreferredResource(group: string, kind: string) {
    return this.inner.findPreferredResource(group, kind);
  }

  get(resource: ApiResource, name: string, namespace?: string) {
    return this.inner.get(resource, name, namespace);
  }

  list(resource: ApiResource, options?: ListOptions): Promise<ListResult> {
    return this.inner.list(resource, options);
  }

  watch(
    resource: ApiResource,
    options: WatchOptions,
    handlers: WatchHandlers,
  ): WatchHandle {
    return this.inner.watch(resource, options, handlers);
  }

  apply(object: KubernetesObject, options: ApplyOptions = {}) {
    this.record({
      verb: 'apply',
      kind: object.kind,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name ?? '',
      dryRun: options.dryRun === true,
      options,
    });
    return this.inner.apply(object, options);
  }

  create(object: KubernetesObject, options: WriteOptions = {}) {
    this.record({
      verb: 'create',
      kind: object.kind,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name ?? object.metadata.generateName ?? '',
      dryRun: options.dryRun === true,
      options,
    });
    return this.inner.create(object, options);
  }

  replace(object: KubernetesObject, options: WriteOptions = {}) {
    this.record({
      verb: 'replace',
      kind: object.kind,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name ?? '',
      dryRun: options.dryRun === true,
      options,
    });
    return this.inner.replace(object, options);
  }

  delete(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    options: DeleteOptions = {},
  ) {
    this.record({
      verb: 'delete',
      kind: resource.kind,
      namespace: namespace ?? '',
      name,
      dryRun: options.dryRun === true,
      options,
    });
    return this.inner.delete(resource, name, namespace, options);
  }

  patch(
    resource: ApiResource,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    options: PatchOptions,
  ) {
    this.record({
      verb: 'patch',
      kind: resource.kind,
      namespace: namespace ?? '',
      name,
      dryRun: options.dryRun === true,
      options,
    });
    return this.inner.patch(resource, name, namespace, patch, options);
  }

  close(): void {
    this.inner.close();
  }
}
