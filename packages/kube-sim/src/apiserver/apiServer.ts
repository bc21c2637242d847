import { parse as parseYaml } from 'yaml';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  forbidden,
  gone,
  invalid,
  notFound,
  STALE_OBJECT_MESSAGE,
  unsupportedMediaType,
} from '../machinery/errors';
import { randomSuffix } from '../machinery/naming';
import {
  COMMON_FIELD_SELECTORS,
  FieldRequirement,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../machinery/selectors';
import {
  cloneJson,
  formatApiVersion,
  isPlainObject,
  JsonObject,
  jsonEqual,
  KubeObject,
  nowTimestamp,
} from '../machinery/types';
import { nameCauses } from '../machinery/validation';
import {
  applyConfiguration,
  decodeManagedFields,
  encodeManagedFields,
  ManagerRecord,
  ownershipFilter,
  sameOwnership,
  trackUpdate,
  WriterIdentity,
} from '../fieldpath/managedFields';
import { applyJsonPatch } from '../patch/jsonPatch';
import { applyMergePatch } from '../patch/mergePatch';
import { applyStrategicMergePatch } from '../patch/strategicMerge';
import { applySchemaDefaults, pruneUnknownFields } from '../registry/crdSchema';
import { ResourceRegistry } from '../registry/registry';
import { ResourceType, storageKeyOf } from '../registry/resourceType';
import { ChangeEvent, ObjectStore } from '../store/objectStore';
import {
  Allocators,
  applyBuiltinDefaults,
  initialStatus,
} from '../defaults/defaults';
import { validateBuiltinObject } from '../validation/validateObject';

/** How a write identifies itself and what it asks for. */
export interface WriteOptions {
  /** `fieldManager`; derived from the user agent when absent (non-apply writes). */
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /** Writes by the simulated controllers skip checks meant for users (pod spec immutability). */
  internal?: boolean;
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

export interface DeleteResult {
  /** The object as it now stands when deletion waits on finalizers. */
  pending?: KubeObject;
  /** The object's last state when it is gone. */
  deleted?: KubeObject;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export interface WatchOptions extends ListOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

/** Receives the events of one watch. */
export interface WatchSink {
  event(
    type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR',
    object: JsonObject,
    source?: ChangeEvent,
  ): void;
  close(): void;
}

interface Watcher {
  type: ResourceType;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldRequirement[];
  sink: WatchSink;
  bookmarkTimer?: NodeJS.Timeout;
}

/** Field selectors a real server accepts beyond metadata.name/namespace. */
const EXTRA_FIELD_SELECTORS: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  'batch/jobs': ['status.successful'],
  'apps/replicasets': ['status.replicas'],
};

/** Field labels that name no path in the object: where their value is read instead. */
const COMPUTED_FIELD_SELECTORS: Record<string, Record<string, string[]>> = {
  // As the real Event strategy: the reporter, old-style or events.k8s.io.
  '/events': { source: ['source.component', 'reportingComponent'] },
};

function hasSpecChange(before: KubeObject, after: KubeObject): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (
      key === 'metadata' ||
      key === 'status' ||
      key === 'apiVersion' ||
      key === 'kind'
    )
      continue;
    if (!jsonEqual(before[key], after[key])) return true;
  }
  return false;
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _ignored, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** Shared options of the core, set by the simulator. */
export interface ApiServerOptions {
  registry: ResourceRegistry;
  store: ObjectStore;
  allocators: Allocators;
  random: () => number;
  now?: () => Date;
  bookmarkIntervalMs?: number;
  /** Runs after a CRD is stored or changed, and after one is removed. */
  onCrdChange?: () => void;
}

/**
 * The API machinery without HTTP: every verb, synchronous, over the store.
 * Both the HTTP layer and the simulated controllers call it, so what a
 * controller writes gets the same resourceVersions, managedFields and watch
 * events as a client's write.
 */
export class ApiServer {
  readonly registry: ResourceRegistry;
  readonly store: ObjectStore;
  private readonly allocators: Allocators;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly bookmarkIntervalMs: number;
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly onCrdChange?: () => void;

  constructor(options: ApiServerOptions) {
    this.registry = options.registry;
    this.store = options.store;
    this.allocators = options.allocators;
    this.random = options.random;
    this.now = options.now ?? (() => new Date());
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.onCrdChange = options.onCrdChange;
    this.store.subscribe(event => this.fanOut(event));
  }

  private timestamp(): string {
    return nowTimestamp(this.now());
  }

  private served(object: KubeObject, type: ResourceType): KubeObject {
    const apiVersion = formatApiVersion(type.group, type.version);
    if (object.apiVersion === apiVersion) return object;
    return { ...object, apiVersion };
  }

  private checkScope(
    type: ResourceType,
    namespace: string | undefined,
  ): string | undefined {
    if (!type.namespaced) return undefined;
    return namespace;
  }

  // -------------------------------------------------------------------------
  // Reads

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const object = this.store.get(
      type.storageKey,
      this.checkScope(type, namespace),
      name,
    );
    if (!object) throw notFound(type.group, type.resource, name);
    return this.served(object, type);
  }

  /** The stored object or undefined, for callers that test existence. */
  find(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const object = this.store.get(
      type.storageKey,
      this.checkScope(type, namespace),
      name,
    );
    return object ? this.served(object, type) : undefined;
  }

  private parseFieldSelector(
    type: ResourceType,
    input: string | undefined,
  ): FieldRequirement[] {
    const requirements = parseFieldSelector(input);
    const allowed = [
      ...COMMON_FIELD_SELECTORS,
      ...(EXTRA_FIELD_SELECTORS[`${type.group}/${type.resource}`] ?? []),
    ];
    const computed = COMPUTED_FIELD_SELECTORS[`${type.group}/${type.resource}`];
    for (const requirement of requirements) {
      if (!allowed.includes(requirement.path)) {
        throw badRequest(`field label not supported: ${requirement.path}`);
      }
      const readPaths = computed?.[requirement.path];
      if (readPaths) requirement.readPaths = readPaths;
    }
    return requirements;
  }

  list(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): ListResult {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = this.parseFieldSelector(type, options.fieldSelector);
    const listRevision = this.store.currentRevision();
    let start = '';
    let revision = listRevision;
    if (options.continue) {
      let token: { rv?: number; start?: string };
      try {
        token = JSON.parse(
          Buffer.from(options.continue, 'base64').toString('utf8'),
        );
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      if (typeof token.rv !== 'number' || typeof token.start !== 'string') {
        throw badRequest(
          'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
        );
      }
      if (token.rv < this.store.oldestResumableRevision()) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      start = token.start;
      revision = token.rv;
    }
    const all = this.store.list(
      type.storageKey,
      this.checkScope(type, namespace),
    );
    const matching: KubeObject[] = [];
    for (const object of all) {
      const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      if (start && key <= start) continue;
      if (labels.length > 0 && !matchesLabels(labels, object.metadata.labels))
        continue;
      if (fields.length > 0 && !matchesFields(fields, object)) continue;
      matching.push(object);
    }
    const limit =
      options.limit && options.limit > 0 ? options.limit : undefined;
    const result: ListResult = {
      items: (limit ? matching.slice(0, limit) : matching).map(object =>
        this.served(object, type),
      ),
      resourceVersion: String(revision),
    };
    if (limit && matching.length > limit) {
      const last = result.items[result.items.length - 1];
      result.continue = Buffer.from(
        JSON.stringify({
          v: 'meta.k8s.io/v1',
          rv: revision,
          start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
        }),
      ).toString('base64');
      if (labels.length === 0 && fields.length === 0)
        result.remainingItemCount = matching.length - limit;
    }
    return result;
  }

  // -------------------------------------------------------------------------
  // Helpers shared by writes

  private writer(
    type: ResourceType,
    options: WriteOptions,
    operation: 'Apply' | 'Update',
    subresource?: string,
  ): WriterIdentity {
    let manager = options.fieldManager;
    if (!manager && operation === 'Update') {
      const agent = options.userAgent ?? '';
      manager = agent.split('/')[0].slice(0, 128) || 'unknown';
    }
    if (manager && manager.length > 128) {
      throw new ApiError(
        422,
        'Invalid',
        `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be longer than 128 characters`,
      );
    }
    return {
      manager: manager ?? '',
      operation,
      apiVersion: formatApiVersion(type.group, type.version),
      subresource,
    };
  }

  private filterFor(type: ResourceType, subresource?: string) {
    return ownershipFilter({
      hasStatusSubresource: type.hasStatusSubresource,
      subresource,
    });
  }

  private requireNamespace(
    type: ResourceType,
    namespace: string | undefined,
    forCreate: boolean,
  ): void {
    if (!type.namespaced) return;
    if (!namespace)
      throw badRequest(
        'the server could not find the requested resource: a namespace is required',
      );
    if (!forCreate) return;
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        type.group,
        type.resource,
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** Defaulting, schema pruning and validation of a candidate object. */
  private admit(
    type: ResourceType,
    object: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): string[] {
    const warnings: string[] = [];
    if (type.custom) {
      const schema = this.registry.crdSchema(type);
      if (schema) {
        const pruned = pruneUnknownFields(object, schema, '', [
          'apiVersion',
          'kind',
          'metadata',
        ]);
        if (pruned.length > 0) {
          if (options.fieldValidation === 'Strict') {
            throw badRequest(
              `strict decoding error: ${pruned
                .map(path => `unknown field "${path}"`)
                .join(', ')}`,
            );
          }
          if (options.fieldValidation !== 'Ignore') {
            warnings.push(...pruned.map(path => `unknown field "${path}"`));
          }
        }
        applySchemaDefaults(object, schema);
      }
    } else {
      applyBuiltinDefaults(type.group, type.kind, object, old, this.allocators);
    }
    const causes = type.custom
      ? []
      : validateBuiltinObject(
          type.group,
          type.kind,
          object,
          old,
          options.internal === true,
        );
    if (causes.length > 0)
      throw invalid(type.group, type.kind, object.metadata.name ?? '', causes);
    return warnings;
  }

  private checkBody(
    type: ResourceType,
    body: unknown,
    verb: string,
  ): KubeObject {
    if (!isPlainObject(body))
      throw badRequest(`the body of the ${verb} request must be a JSON object`);
    const expected = formatApiVersion(type.group, type.version);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${type.kind})`,
      );
    }
    const object = cloneJson(body) as KubeObject;
    object.apiVersion = expected;
    object.kind = type.kind;
    if (!isPlainObject(object.metadata)) object.metadata = {};
    return object;
  }

  private checkNamespaceMatch(
    type: ResourceType,
    object: KubeObject,
    namespace: string | undefined,
  ): void {
    if (!type.namespaced) {
      delete object.metadata.namespace;
      return;
    }
    if (
      object.metadata.namespace &&
      namespace &&
      object.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    object.metadata.namespace = namespace;
  }

  private commit(
    type: ResourceType,
    object: KubeObject,
    dryRun: boolean | undefined,
  ): KubeObject {
    if (dryRun) return object;
    object.metadata.resourceVersion = String(this.store.nextRevision());
    this.store.put(type.storageKey, object);
    return object;
  }

  private removeFromStore(type: ResourceType, object: KubeObject): KubeObject {
    const tombstone: KubeObject = {
      ...object,
      metadata: {
        ...object.metadata,
        resourceVersion: String(this.store.nextRevision()),
      },
    };
    this.store.remove(type.storageKey, tombstone);
    if (
      type.group === 'apiextensions.k8s.io' &&
      type.kind === 'CustomResourceDefinition'
    ) {
      this.uninstallCrd(object);
    }
    return tombstone;
  }

  // -------------------------------------------------------------------------
  // Create

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const object = this.checkBody(type, body, 'create');
    this.checkNamespaceMatch(type, object, namespace);
    const writer = this.writer(type, options, 'Update');
    return this.createPrepared(type, object, options, (before, after) =>
      trackUpdate({
        before,
        after,
        type: type.schema,
        records: [],
        writer,
        filter: this.filterFor(type),
        now: this.timestamp(),
      }),
    );
  }

  private assignName(type: ResourceType, object: KubeObject): void {
    const metadata = object.metadata;
    if (!metadata.name && metadata.generateName) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const candidate = `${metadata.generateName}${randomSuffix(
          this.random,
        )}`;
        if (!this.store.get(type.storageKey, metadata.namespace, candidate)) {
          metadata.name = candidate;
          break;
        }
      }
    }
    if (!metadata.name) {
      throw invalid(type.group, type.kind, '', [
        {
          type: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    const causes = nameCauses('metadata.name', metadata.name, type.nameRule);
    if (causes.length > 0)
      throw invalid(type.group, type.kind, metadata.name, causes);
  }

  private createPrepared(
    type: ResourceType,
    object: KubeObject,
    options: WriteOptions,
    records: (before: JsonObject, after: KubeObject) => ManagerRecord[],
    precomputedRecords?: ManagerRecord[],
  ): WriteResult {
    this.requireNamespace(type, object.metadata.namespace, true);
    this.assignName(type, object);
    const name = object.metadata.name!;
    if (this.store.get(type.storageKey, object.metadata.namespace, name)) {
      throw alreadyExists(type.group, type.resource, name);
    }
    const metadata = object.metadata;
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    delete metadata.selfLink;
    delete metadata.managedFields;
    metadata.uid = crypto.randomUUID();
    metadata.creationTimestamp = this.timestamp();
    if (type.tracksGeneration) metadata.generation = 1;
    else delete metadata.generation;
    if (type.hasStatusSubresource) delete object.status;
    const warnings = this.admit(type, object, undefined, options);
    if (type.hasStatusSubresource && !type.custom) {
      const status = initialStatus(type.group, type.kind, object);
      if (status !== undefined) object.status = status;
    }
    if (this.isCrd(type)) this.prepareCrd(object, undefined);
    const owners =
      precomputedRecords ?? records({}, withoutManagedFields(object));
    if (owners.length > 0) metadata.managedFields = encodeManagedFields(owners);
    const stored = this.commit(type, object, options.dryRun);
    if (this.isCrd(type) && !options.dryRun) this.installCrd(stored);
    return { object: this.served(stored, type), created: true, warnings };
  }

  // -------------------------------------------------------------------------
  // Update (PUT) and the common tail of updates and patches

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    subresource?: string,
  ): WriteResult {
    const object = this.checkBody(type, body, 'update');
    this.checkNamespaceMatch(type, object, namespace);
    if (object.metadata.name && object.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    object.metadata.name = name;
    const existing = this.store.get(
      type.storageKey,
      this.checkScope(type, namespace),
      name,
    );
    if (!existing) {
      if (type.allowCreateOnUpdate && !subresource)
        return this.create(type, namespace, object, options);
      throw notFound(type.group, type.resource, name);
    }
    if (!object.metadata.resourceVersion && !type.allowUnconditionalUpdate) {
      throw invalid(type.group, type.kind, name, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    return this.updateExisting(type, existing, object, options, subresource);
  }

  private updateExisting(
    type: ResourceType,
    existing: KubeObject,
    candidate: KubeObject,
    options: WriteOptions,
    subresource?: string,
  ): WriteResult {
    if (
      candidate.metadata.resourceVersion &&
      candidate.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(
        type.group,
        type.resource,
        existing.metadata.name!,
        STALE_OBJECT_MESSAGE,
      );
    }
    if (
      candidate.metadata.uid &&
      candidate.metadata.uid !== existing.metadata.uid
    ) {
      throw conflict(
        type.group,
        type.resource,
        existing.metadata.name!,
        `Precondition failed: UID in precondition: ${candidate.metadata.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (existing.metadata.deletionTimestamp && !subresource) {
      const added = (candidate.metadata.finalizers ?? []).filter(
        f => !(existing.metadata.finalizers ?? []).includes(f),
      );
      if (added.length > 0) {
        throw invalid(type.group, type.kind, existing.metadata.name!, [
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
              .map(f => JSON.stringify(f))
              .join(', ')}}`,
          },
        ]);
      }
    }
    const next = this.prepareUpdate(type, existing, candidate, subresource);
    const warnings = subresource
      ? []
      : this.admit(type, next, existing, options);
    const writer = this.writer(type, options, 'Update', subresource);
    let records = this.startingRecords(existing, candidate);
    if (records !== undefined) {
      // A status write changes nothing outside status (prepareUpdate), so
      // only that subtree needs comparing.
      const statusOnly = subresource === 'status';
      records = trackUpdate({
        before: statusOnly
          ? { status: existing.status }
          : withoutManagedFields(existing),
        after: statusOnly
          ? { status: next.status }
          : withoutManagedFields(next),
        type: type.schema,
        records,
        writer,
        filter: this.filterFor(type, subresource),
        now: this.timestamp(),
      });
    }
    return this.finishUpdate(
      type,
      existing,
      next,
      records ?? [],
      options,
      warnings,
    );
  }

  /**
   * Managed fields an update starts from: the stored ones, or those the
   * request sets; a request that sets `[{}]` strips them (undefined).
   */
  private startingRecords(
    existing: KubeObject,
    candidate: KubeObject,
  ): ManagerRecord[] | undefined {
    const requested = candidate.metadata.managedFields;
    if (Array.isArray(requested)) {
      if (
        requested.length === 1 &&
        Object.keys(requested[0] ?? {}).length === 0
      )
        return undefined;
      if (
        requested.length > 0 &&
        !jsonEqual(requested, existing.metadata.managedFields)
      ) {
        return decodeManagedFields(requested);
      }
    }
    return decodeManagedFields(existing.metadata.managedFields);
  }

  /** The object an update would store, before defaulting: reset fields and fixed metadata applied. */
  private prepareUpdate(
    type: ResourceType,
    existing: KubeObject,
    candidate: KubeObject,
    subresource?: string,
  ): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      // Only status and top-level metadata fields change on this path, so the
      // rest is shared with the stored object (stored objects are never
      // mutated); `candidate` is already the request's own copy.
      next = {
        ...existing,
        metadata: { ...existing.metadata },
        status: candidate.status,
      };
      if (next.status === undefined) delete next.status;
    } else if (subresource === 'finalize') {
      next = cloneJson(existing);
      next.spec = {
        ...(next.spec ?? {}),
        finalizers: cloneJson(candidate.spec?.finalizers ?? []),
      };
    } else {
      next = candidate;
      if (type.hasStatusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = cloneJson(existing.status);
      }
    }
    const metadata = next.metadata;
    const fixed = existing.metadata;
    metadata.name = fixed.name;
    if (type.namespaced) metadata.namespace = fixed.namespace;
    metadata.uid = fixed.uid;
    metadata.creationTimestamp = fixed.creationTimestamp;
    if (fixed.deletionTimestamp)
      metadata.deletionTimestamp = fixed.deletionTimestamp;
    else delete metadata.deletionTimestamp;
    if (fixed.deletionGracePeriodSeconds !== undefined)
      metadata.deletionGracePeriodSeconds = fixed.deletionGracePeriodSeconds;
    else delete metadata.deletionGracePeriodSeconds;
    if (fixed.generateName !== undefined && metadata.generateName === undefined)
      metadata.generateName = fixed.generateName;
    delete metadata.selfLink;
    delete metadata.managedFields;
    if (fixed.generation !== undefined) metadata.generation = fixed.generation;
    else delete metadata.generation;
    metadata.resourceVersion = fixed.resourceVersion;
    return next;
  }

  private finishUpdate(
    type: ResourceType,
    existing: KubeObject,
    next: KubeObject,
    records: ManagerRecord[],
    options: WriteOptions,
    warnings: string[],
  ): WriteResult {
    if (type.tracksGeneration && hasSpecChange(existing, next)) {
      next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (this.isCrd(type)) this.prepareCrd(next, existing);
    const existingRecords = decodeManagedFields(
      existing.metadata.managedFields,
    );
    const unchanged =
      jsonEqual(withoutManagedFields(existing), withoutManagedFields(next)) &&
      sameOwnership(existingRecords, records);
    if (unchanged)
      return { object: this.served(existing, type), created: false, warnings };
    if (records.length > 0)
      next.metadata.managedFields = encodeManagedFields(records);
    else delete next.metadata.managedFields;

    const isNamespace = type.group === '' && type.resource === 'namespaces';
    const pendingFinalizers =
      (next.metadata.finalizers ?? []).length +
      (isNamespace ? (next.spec?.finalizers ?? []).length : 0);
    if (next.metadata.deletionTimestamp && pendingFinalizers === 0) {
      if (options.dryRun) return { object: next, created: false, warnings };
      const tombstone = this.removeFromStore(type, next);
      return { object: this.served(tombstone, type), created: false, warnings };
    }
    const stored = this.commit(type, next, options.dryRun);
    if (this.isCrd(type) && !options.dryRun) this.installCrd(stored);
    return { object: this.served(stored, type), created: false, warnings };
  }

  // -------------------------------------------------------------------------
  // Patch

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: string | unknown,
    options: PatchOptions = {},
    subresource?: string,
  ): WriteResult {
    const ns = this.checkScope(type, namespace);
    if (patchType === 'apply')
      return this.apply(type, ns, name, body, options, subresource);
    let patch: unknown = body;
    if (typeof body === 'string') {
      try {
        patch = JSON.parse(body);
      } catch (error) {
        throw badRequest(`error decoding patch: ${(error as Error).message}`);
      }
    }
    const existing = this.store.get(type.storageKey, ns, name);
    if (!existing) throw notFound(type.group, type.resource, name);
    const original = this.served(existing, type);
    let patched: unknown;
    switch (patchType) {
      case 'json':
        patched = applyJsonPatch(original, patch);
        break;
      case 'merge':
        patched = applyMergePatch(cloneJson(original), patch);
        break;
      case 'strategic':
        if (!type.strategicMerge)
          throw unsupportedMediaType('application/strategic-merge-patch+json');
        patched = applyStrategicMergePatch(
          cloneJson(original),
          patch,
          type.schema,
        );
        break;
      default:
        throw unsupportedMediaType(String(patchType));
    }
    const candidate = this.checkBody(type, patched, 'patch');
    if (
      candidate.metadata.name !== undefined &&
      candidate.metadata.name !== name
    ) {
      throw badRequest(
        `the name of the object (${candidate.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    // A patch that leaves resourceVersion as stored carries no precondition.
    if (
      candidate.metadata.resourceVersion === existing.metadata.resourceVersion
    )
      delete candidate.metadata.resourceVersion;
    if (
      jsonEqual(
        candidate.metadata.managedFields,
        existing.metadata.managedFields,
      )
    )
      delete candidate.metadata.managedFields;
    return this.updateExisting(type, existing, candidate, options, subresource);
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: string | unknown,
    options: PatchOptions,
    subresource?: string,
  ): WriteResult {
    if (!options.fieldManager) {
      throw new ApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    let config: unknown = body;
    if (typeof body === 'string') {
      // kubectl and client-node send JSON (which is YAML); parse it as such first, it is much faster.
      const trimmed = body.trimStart();
      let parsed = false;
      if (trimmed.startsWith('{')) {
        try {
          config = JSON.parse(body);
          parsed = true;
        } catch {
          parsed = false;
        }
      }
      if (!parsed) {
        try {
          config = parseYaml(body);
        } catch (error) {
          throw badRequest(`error decoding YAML: ${(error as Error).message}`);
        }
      }
    }
    if (!isPlainObject(config))
      throw badRequest('apply patch must be a YAML or JSON object');
    const expected = formatApiVersion(type.group, type.version);
    if (!config.apiVersion || !config.kind) {
      throw badRequest(
        `invalid object type: ${config.apiVersion ?? ''}, Kind=${
          config.kind ?? ''
        }`,
      );
    }
    const applied = this.checkBody(type, config, 'apply');
    if (config.metadata?.name !== undefined && config.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      type.namespaced &&
      applied.metadata.namespace &&
      applied.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const precondition = applied.metadata.resourceVersion;
    delete applied.metadata.managedFields;
    delete applied.metadata.resourceVersion;
    const writer = this.writer(type, options, 'Apply', subresource);
    const filter = this.filterFor(type, subresource);
    const existing = this.store.get(type.storageKey, namespace, name);
    const now = this.timestamp();

    if (!existing) {
      if (subresource) throw notFound(type.group, type.resource, name);
      if (precondition)
        throw conflict(type.group, type.resource, name, STALE_OBJECT_MESSAGE);
      const live: KubeObject = {
        apiVersion: expected,
        kind: type.kind,
        metadata: { name },
      };
      if (type.namespaced) live.metadata.namespace = namespace;
      let warnings: string[] = [];
      const { object, records } = applyConfiguration({
        live,
        config: applied,
        type: type.schema,
        records: [],
        writer,
        force: options.force === true,
        filter,
        now,
        finish: merged => merged,
      });
      const created = object as KubeObject;
      created.metadata = { ...created.metadata, name };
      if (type.namespaced) created.metadata.namespace = namespace;
      const result = this.createPrepared(
        type,
        created,
        options,
        () => records,
        records,
      );
      warnings = result.warnings;
      return { ...result, warnings };
    }

    if (precondition && precondition !== existing.metadata.resourceVersion) {
      throw conflict(type.group, type.resource, name, STALE_OBJECT_MESSAGE);
    }
    const live = withoutManagedFields(this.served(existing, type));
    let warnings: string[] = [];
    const { object, records } = applyConfiguration({
      live,
      config: applied,
      type: type.schema,
      records: decodeManagedFields(existing.metadata.managedFields),
      writer,
      force: options.force === true,
      filter,
      now,
      finish: merged => {
        const candidate = cloneJson(merged) as KubeObject;
        if (existing.metadata.deletionTimestamp && !subresource) {
          const added = (candidate.metadata.finalizers ?? []).filter(
            f => !(existing.metadata.finalizers ?? []).includes(f),
          );
          if (added.length > 0) {
            throw invalid(type.group, type.kind, existing.metadata.name!, [
              {
                type: 'FieldValueForbidden',
                field: 'metadata.finalizers',
                message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
                  .map(f => JSON.stringify(f))
                  .join(', ')}}`,
              },
            ]);
          }
        }
        const next = this.prepareUpdate(type, existing, candidate, subresource);
        if (subresource !== 'status')
          warnings = this.admit(type, next, existing, options);
        return next;
      },
    });
    return this.finishUpdate(
      type,
      existing,
      object as KubeObject,
      records,
      options,
      warnings,
    );
  }

  // -------------------------------------------------------------------------
  // Delete

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const ns = this.checkScope(type, namespace);
    const existing = this.store.get(type.storageKey, ns, name);
    if (!existing) throw notFound(type.group, type.resource, name);
    const preconditions = options.preconditions ?? {};
    if (preconditions.uid && preconditions.uid !== existing.metadata.uid) {
      throw conflict(
        type.group,
        type.resource,
        name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (
      preconditions.resourceVersion &&
      preconditions.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(
        type.group,
        type.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in meta: ${existing.metadata.resourceVersion}`,
      );
    }
    let policy = options.propagationPolicy;
    if (!policy && options.orphanDependents !== undefined)
      policy = options.orphanDependents ? 'Orphan' : 'Background';
    policy ??= 'Background';

    if (existing.metadata.deletionTimestamp) {
      return { pending: this.served(existing, type) };
    }
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    if (policy === 'Orphan' && !finalizers.includes('orphan'))
      finalizers.push('orphan');
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    const isNamespace = type.group === '' && type.resource === 'namespaces';
    if (finalizers.length === 0 && !isNamespace) {
      if (options.dryRun) return { deleted: this.served(existing, type) };
      return {
        deleted: this.served(this.removeFromStore(type, existing), type),
      };
    }
    const next: KubeObject = cloneJson(existing);
    next.metadata.deletionTimestamp = this.timestamp();
    next.metadata.deletionGracePeriodSeconds = 0;
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (type.tracksGeneration && next.metadata.generation !== undefined)
      next.metadata.generation += 1;
    if (isNamespace)
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    const stored = this.commit(type, next, options.dryRun);
    return { pending: this.served(stored, type) };
  }

  deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    listOptions: ListOptions,
    deleteOptions: DeleteOptions,
  ): KubeObject[] {
    const { items } = this.list(type, namespace, {
      ...listOptions,
      limit: undefined,
      continue: undefined,
    });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        const result = this.delete(
          type,
          item.metadata.namespace,
          item.metadata.name!,
          deleteOptions,
        );
        deleted.push(result.deleted ?? result.pending!);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 404) throw error;
      }
    }
    return deleted;
  }

  // -------------------------------------------------------------------------
  // Watch

  watch(
    type: ResourceType,
    namespace: string | undefined,
    options: WatchOptions,
    sink: WatchSink,
  ): () => void {
    const watcher: Watcher = {
      type,
      namespace: this.checkScope(type, namespace),
      labels: parseLabelSelector(options.labelSelector),
      fields: this.parseFieldSelector(type, options.fieldSelector),
      sink,
    };
    const requested = options.resourceVersion;
    const sendInitial =
      options.sendInitialEvents ??
      (requested === undefined || requested === '' || requested === '0');
    if (
      !sendInitial &&
      requested !== undefined &&
      requested !== '' &&
      requested !== '0'
    ) {
      const revision = Number(requested);
      if (!Number.isFinite(revision))
        throw badRequest(`invalid resource version: ${requested}`);
      const changes = this.store.changesSince(revision);
      if (!changes) {
        sink.event(
          'ERROR',
          gone(
            `too old resource version: ${revision} (${this.store.oldestResumableRevision()})`,
          ).toStatus(),
        );
        sink.close();
        return () => undefined;
      }
      for (const change of changes) {
        if (change.storageKey === type.storageKey)
          this.deliver(watcher, change);
      }
    } else if (sendInitial) {
      for (const object of this.store.list(
        type.storageKey,
        watcher.namespace,
      )) {
        if (this.matches(watcher, object))
          sink.event('ADDED', this.served(object, type));
      }
      if (options.sendInitialEvents) {
        sink.event(
          'BOOKMARK',
          this.bookmark(type, { 'k8s.io/initial-events-end': 'true' }),
        );
      }
    }
    let set = this.watchers.get(type.storageKey);
    if (!set) {
      set = new Set();
      this.watchers.set(type.storageKey, set);
    }
    set.add(watcher);
    if (options.allowWatchBookmarks) {
      watcher.bookmarkTimer = setInterval(
        () => sink.event('BOOKMARK', this.bookmark(type)),
        this.bookmarkIntervalMs,
      );
      watcher.bookmarkTimer.unref?.();
    }
    return () => this.stopWatcher(watcher);
  }

  private stopWatcher(watcher: Watcher): void {
    if (watcher.bookmarkTimer) clearInterval(watcher.bookmarkTimer);
    this.watchers.get(watcher.type.storageKey)?.delete(watcher);
  }

  /** How many watches are open (for the benchmark and tests). */
  openWatchCount(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  /** Ends every watch (server shutdown), or those of one resource. */
  closeWatches(storageKey?: string): void {
    for (const [key, set] of this.watchers) {
      if (storageKey && key !== storageKey) continue;
      for (const watcher of [...set]) {
        this.stopWatcher(watcher);
        watcher.sink.close();
      }
    }
  }

  private bookmark(
    type: ResourceType,
    annotations?: Record<string, string>,
  ): JsonObject {
    const metadata: JsonObject = {
      resourceVersion: String(this.store.currentRevision()),
    };
    if (annotations) metadata.annotations = annotations;
    return {
      kind: type.kind,
      apiVersion: formatApiVersion(type.group, type.version),
      metadata,
    };
  }

  private matches(watcher: Watcher, object: KubeObject | undefined): boolean {
    if (!object) return false;
    if (watcher.namespace && object.metadata.namespace !== watcher.namespace)
      return false;
    if (
      watcher.labels.length > 0 &&
      !matchesLabels(watcher.labels, object.metadata.labels)
    )
      return false;
    if (watcher.fields.length > 0 && !matchesFields(watcher.fields, object))
      return false;
    return true;
  }

  private deliver(watcher: Watcher, event: ChangeEvent): void {
    const now = this.matches(watcher, event.object);
    const before =
      event.type !== 'ADDED' && this.matches(watcher, event.previous);
    let type: 'ADDED' | 'MODIFIED' | 'DELETED' | undefined;
    if (event.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (event.type === 'DELETED') type = before ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (!type) return;
    watcher.sink.event(type, this.served(event.object, watcher.type), event);
  }

  private fanOut(event: ChangeEvent): void {
    const set = this.watchers.get(event.storageKey);
    if (!set || set.size === 0) return;
    for (const watcher of set) this.deliver(watcher, event);
  }

  // -------------------------------------------------------------------------
  // CustomResourceDefinitions

  private isCrd(type: ResourceType): boolean {
    return (
      type.group === 'apiextensions.k8s.io' &&
      type.kind === 'CustomResourceDefinition'
    );
  }

  /** Sets what the apiextensions server writes into a CRD (names, conditions, finalizer). */
  private prepareCrd(object: KubeObject, old: KubeObject | undefined): void {
    const names = object.spec?.names ?? {};
    const storage = (object.spec?.versions ?? []).find(
      (version: JsonObject) => version.storage,
    )?.name;
    if (!old || old.metadata.deletionTimestamp === undefined) {
      const finalizers = object.metadata.finalizers ?? [];
      if (
        !old &&
        !finalizers.includes('customresourcecleanup.apiextensions.k8s.io')
      ) {
        object.metadata.finalizers = [
          ...finalizers,
          'customresourcecleanup.apiextensions.k8s.io',
        ];
      }
    }
    const time =
      old?.status?.conditions?.find((c: JsonObject) => c.type === 'Established')
        ?.lastTransitionTime ?? this.timestamp();
    const storedVersions: string[] = [...(old?.status?.storedVersions ?? [])];
    if (storage && !storedVersions.includes(storage))
      storedVersions.push(storage);
    const conditions: JsonObject[] = [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: time,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: time,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ];
    if (object.metadata.deletionTimestamp) {
      conditions.push({
        type: 'Terminating',
        status: 'True',
        lastTransitionTime: this.timestamp(),
        reason: 'InstanceDeletionInProgress',
        message: 'CustomResource deletion is in progress',
      });
    }
    object.status = {
      acceptedNames: {
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
      },
      conditions,
      storedVersions,
    };
  }

  private installCrd(crd: KubeObject): void {
    this.registry.installCrd(crd);
    this.onCrdChange?.();
  }

  private uninstallCrd(crd: KubeObject): void {
    const removed = this.registry.removeCrd(crd.metadata.name!);
    const storageKey = storageKeyOf(
      crd.spec?.group ?? '',
      crd.spec?.names?.plural ?? '',
    );
    if (removed.length > 0) {
      this.closeWatches(storageKey);
      this.store.dropBucket(storageKey);
    }
    this.onCrdChange?.();
  }

  /** Re-serves the CRDs found in the store (after loading a snapshot). */
  reinstallStoredCrds(): void {
    for (const crd of this.store.list(
      storageKeyOf('apiextensions.k8s.io', 'customresourcedefinitions'),
    )) {
      this.registry.installCrd(crd);
    }
    this.onCrdChange?.();
  }
}
