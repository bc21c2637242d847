import { ApiServer, DeleteOptions } from '../apiserver/apiServer';
import { ApiError } from '../machinery/errors';
import {
  cloneJson,
  JsonObject,
  KubeObject,
  nowTimestamp,
  parseApiVersion,
} from '../machinery/types';
import { ResourceType } from '../registry/resourceType';
import { ChangeEvent } from '../store/objectStore';
import { KubeSimTimings } from './timings';

/** Numbers the events of the process, to keep their names unique. */
let eventSequence = 0;

/** Events remembered for aggregation per client (client-go's correlator keeps as many). */
const RECENT_EVENTS_KEPT = 4096;

/** Who reports an event, when not the writing controller itself. */
export interface EventOptions {
  /** `source.component`: `default-scheduler` for the scheduler's events; the client's field manager otherwise. */
  component?: string;
  /** `source.host`: the node, for the kubelet's events. */
  host?: string;
  /** `involvedObject.fieldPath`: the container an event is about (`spec.containers{main}`). */
  fieldPath?: string;
}

/**
 * What controllers use to read and write: the API core in-process, under the
 * controller's own field manager, so their writes carry managedFields and
 * produce watch events exactly as a client's would.
 */
export class ControllerClient {
  /** Recent events by what makes two equal, oldest first: the ones a repeat bumps. */
  private readonly recentEvents = new Map<string, string>();

  constructor(
    private readonly api: ApiServer,
    readonly manager: string,
    /** `source.component` of its events when not the field manager (`deployment-controller`). */
    private readonly eventSource?: string,
  ) {}

  type(group: string, kind: string): ResourceType | undefined {
    return this.api.registry.lookupGroupKind(group, kind);
  }

  typeOf(object: KubeObject): ResourceType | undefined {
    const { group } = parseApiVersion(object.apiVersion);
    return this.type(group, object.kind);
  }

  /** The stored object (do not mutate it), or undefined. */
  get(
    group: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const type = this.type(group, kind);
    return type ? this.api.find(type, namespace, name) : undefined;
  }

  /** Stored objects (do not mutate them). */
  list(group: string, kind: string, namespace?: string): KubeObject[] {
    const type = this.type(group, kind);
    if (!type) return [];
    return this.api.list(type, namespace).items;
  }

  create(object: KubeObject): KubeObject {
    const type = this.requireType(object);
    return this.api.create(type, object.metadata.namespace, object, {
      fieldManager: this.manager,
      internal: true,
    }).object;
  }

  /** Writes the whole object (main resource). */
  update(object: KubeObject): KubeObject {
    const type = this.requireType(object);
    return this.api.update(
      type,
      object.metadata.namespace,
      object.metadata.name!,
      object,
      {
        fieldManager: this.manager,
        internal: true,
      },
    ).object;
  }

  /** Writes `status` through the status subresource when the kind has one. */
  updateStatus(object: KubeObject): KubeObject {
    const type = this.requireType(object);
    return this.api.update(
      type,
      object.metadata.namespace,
      object.metadata.name!,
      object,
      { fieldManager: this.manager, internal: true },
      type.hasStatusSubresource ? 'status' : undefined,
    ).object;
  }

  mergePatch(
    object: KubeObject,
    patch: JsonObject,
    subresource?: string,
  ): KubeObject {
    const type = this.requireType(object);
    return this.api.patch(
      type,
      object.metadata.namespace,
      object.metadata.name!,
      'merge',
      patch,
      {
        fieldManager: this.manager,
        internal: true,
      },
      subresource,
    ).object;
  }

  delete(object: KubeObject, options: DeleteOptions = {}): void {
    const type = this.typeOf(object);
    if (!type) return;
    try {
      this.api.delete(
        type,
        object.metadata.namespace,
        object.metadata.name!,
        options,
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 404) throw error;
    }
  }

  /**
   * Records a core/v1 Event about `object`, as controllers do for `kubectl
   * describe`. An event equal to a recent one (same reporter, object, type,
   * reason and message) bumps that one's `count` and `lastTimestamp`
   * instead, as client-go's event correlator does for a crash loop's
   * repeated BackOff.
   */
  event(
    object: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    now: Date,
    options: EventOptions = {},
  ): void {
    const eventType = this.type('', 'Event');
    if (!eventType || !object.metadata.namespace) return;
    const namespace = object.metadata.namespace;
    const time = nowTimestamp(now);
    const component = options.component ?? this.eventSource ?? this.manager;
    const involvedObject = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace,
      uid: object.metadata.uid,
      ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
    };
    const key = JSON.stringify([
      component,
      options.host,
      involvedObject,
      type,
      reason,
      message,
    ]);
    const previous = this.recentEvents.get(key);
    const stored = previous
      ? this.api.find(eventType, namespace, previous)
      : undefined;
    try {
      if (previous && stored) {
        this.recentEvents.delete(key);
        this.recentEvents.set(key, previous);
        this.api.patch(
          eventType,
          namespace,
          previous,
          'merge',
          { count: Number(stored.count ?? 1) + 1, lastTimestamp: time },
          { fieldManager: this.manager, internal: true },
        );
        return;
      }
      // `<object>.<hex nanoseconds>` as client-go names them; the sequence
      // stands in for the nanoseconds, so events of one millisecond never
      // collide (a collision would drop the event as AlreadyExists).
      const nanos =
        BigInt(now.getTime()) * 1_000_000n +
        BigInt(eventSequence++ % 1_000_000);
      const name = `${object.metadata.name}.${nanos.toString(16)}`;
      this.api.create(
        eventType,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            ...involvedObject,
            resourceVersion: object.metadata.resourceVersion,
          },
          reason,
          message,
          type,
          source: {
            component,
            ...(options.host ? { host: options.host } : {}),
          },
          firstTimestamp: time,
          lastTimestamp: time,
          count: 1,
          reportingComponent: component,
          reportingInstance: options.host ?? '',
        },
        { fieldManager: this.manager, internal: true },
      );
      this.recentEvents.set(key, name);
      if (this.recentEvents.size > RECENT_EVENTS_KEPT) {
        this.recentEvents.delete(this.recentEvents.keys().next().value!);
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private requireType(object: KubeObject): ResourceType {
    const type = this.typeOf(object);
    if (!type)
      throw new Error(
        `kube-sim: ${object.apiVersion} ${object.kind} is not served`,
      );
    return type;
  }

  clone<T>(value: T): T {
    return cloneJson(value);
  }
}

export interface ControllerContext {
  api: ApiServer;
  timings: KubeSimTimings;
  now(): Date;
  random(): number;
}

/** A simulated controller: maps store changes to keys, and reconciles one key at a time. */
export abstract class Controller {
  abstract readonly name: string;
  /** The field manager its writes use (as the real controller's would). */
  abstract readonly manager: string;
  /** The reporter its events name, as the real one's (`replicaset-controller`); the field manager when unset. */
  readonly eventSource?: string;
  protected client!: ControllerClient;
  protected context!: ControllerContext;
  private enqueueFn!: (key: string, delayMs?: number) => void;

  attach(
    context: ControllerContext,
    enqueue: (controller: Controller, key: string, delayMs?: number) => void,
  ): void {
    this.context = context;
    this.client = new ControllerClient(
      context.api,
      this.manager,
      this.eventSource,
    );
    this.enqueueFn = (key, delayMs) => enqueue(this, key, delayMs);
  }

  protected enqueue(key: string, delayMs = 0): void {
    this.enqueueFn(key, delayMs);
  }

  protected now(): Date {
    return this.context.now();
  }

  protected timestamp(): string {
    return nowTimestamp(this.context.now());
  }

  private readonly moments = new Map<string, { stamp: string; ms: number }>();

  /**
   * Remembers to the millisecond when a second-precision timestamp was
   * written, so deadlines measured from it (progress deadlines, pause
   * durations) hold at test speed.
   */
  protected noteMoment(key: string, stamp: string): void {
    this.moments.set(key, { stamp, ms: Date.now() });
  }

  /** Drops what was remembered about a deleted object. */
  forget(uid: string): void {
    for (const key of this.moments.keys())
      if (key.startsWith(`${uid}/`)) this.moments.delete(key);
  }

  /** When `stamp` was written under `key`: exact if this process wrote it, else parsed. */
  protected momentOf(key: string, stamp: string): number {
    const moment = this.moments.get(key);
    return moment && moment.stamp === stamp ? moment.ms : Date.parse(stamp);
  }

  /** Milliseconds for a duration written in seconds in a spec. */
  protected specSeconds(seconds: number): number {
    return seconds * this.context.timings.msPerSpecSecond;
  }

  /** Called for every change in the store. */
  abstract observe(event: ChangeEvent): void;

  /** Called for keys in the store at start (after a snapshot was loaded). */
  resync(): void {}

  abstract reconcile(key: string): void;
}

/** `namespace/name` keys, as controllers' work queues use. */
export function keyOf(object: KubeObject): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The controller owner reference of an object, if any. */
export function controllerOf(
  object: KubeObject | undefined,
): { kind: string; name: string; uid: string; apiVersion: string } | undefined {
  return object?.metadata.ownerReferences?.find(
    owner => owner.controller === true,
  );
}

export function ownerReference(owner: KubeObject): JsonObject {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function getCondition(
  object: KubeObject | undefined,
  type: string,
): JsonObject | undefined {
  return object?.status?.conditions?.find(
    (condition: JsonObject) => condition.type === type,
  );
}
