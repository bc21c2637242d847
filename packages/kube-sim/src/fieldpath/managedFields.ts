import { ApiError, StatusCause } from '../machinery/errors';
import { JsonObject, ManagedFieldsEntry } from '../machinery/types';
import { TypeNode } from '../schema/typeNode';
import { FieldSet, formatPath } from './fieldSet';
import {
  compareObjects,
  mergeValue,
  removePaths,
  toFieldSet,
} from './typedOps';

/** One entry of `metadata.managedFields`, with its fields decoded. */
export interface ManagerRecord {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Who is writing: the field manager, its operation and the subresource written. */
export interface WriterIdentity {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
}

/** Apply managers are one per name; Update managers also per API version. */
function identityKey(identity: WriterIdentity): string {
  return [
    identity.manager,
    identity.operation,
    identity.subresource ?? '',
    identity.operation === 'Update' ? identity.apiVersion : '',
  ].join('\u0000');
}

export function decodeManagedFields(
  entries: ManagedFieldsEntry[] | undefined,
): ManagerRecord[] {
  const records: ManagerRecord[] = [];
  for (const entry of entries ?? []) {
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') continue;
    records.push({
      manager: entry.manager ?? '',
      operation: entry.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: entry.apiVersion ?? '',
      subresource: entry.subresource || undefined,
      time: entry.time,
      set: FieldSet.fromFieldsV1(entry.fieldsV1),
    });
  }
  return records;
}

/** Encodes records in the order the API server writes them (Apply first, then by time). */
export function encodeManagedFields(
  records: ManagerRecord[],
): ManagedFieldsEntry[] {
  const sorted = [...records].sort((a, b) => {
    if (a.operation !== b.operation) return a.operation < b.operation ? -1 : 1;
    const at = a.time ? Date.parse(a.time) / 1000 : 0;
    const bt = b.time ? Date.parse(b.time) / 1000 : 0;
    if (Math.floor(at) !== Math.floor(bt)) return at - bt;
    if (a.manager !== b.manager) return a.manager < b.manager ? -1 : 1;
    if (a.apiVersion !== b.apiVersion)
      return a.apiVersion < b.apiVersion ? -1 : 1;
    return (a.subresource ?? '') < (b.subresource ?? '') ? -1 : 1;
  });
  return sorted.map(record => {
    const entry: ManagedFieldsEntry = {
      manager: record.manager,
      operation: record.operation,
      apiVersion: record.apiVersion,
    };
    if (record.time) entry.time = record.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = record.set.toFieldsV1();
    if (record.subresource) entry.subresource = record.subresource;
    return entry;
  });
}

/** Same owners with the same fields, whatever the timestamps. */
export function sameOwnership(a: ManagerRecord[], b: ManagerRecord[]): boolean {
  if (a.length !== b.length) return false;
  const byKey = new Map(a.map(record => [identityKey(record), record]));
  for (const record of b) {
    const other = byKey.get(identityKey(record));
    if (!other) return false;
    if (
      JSON.stringify(other.set.toFieldsV1()) !==
      JSON.stringify(record.set.toFieldsV1())
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Fields no manager owns: identity and bookkeeping metadata, and the half of
 * the object the written endpoint resets (status on the main resource, all
 * but status on /status).
 */
export function ownershipFilter(options: {
  hasStatusSubresource: boolean;
  subresource?: string;
}): (set: FieldSet) => FieldSet {
  return set => {
    const out = set.clone();
    out.remove(['f:apiVersion']);
    out.remove(['f:kind']);
    for (const field of [
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
      'selfLink',
      'managedFields',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generateName',
    ]) {
      out.remove(['f:metadata', `f:${field}`]);
    }
    if (options.subresource === 'status') {
      for (const key of [...(out.children?.keys() ?? [])]) {
        if (key !== 'f:status') out.remove([key]);
      }
    } else if (options.hasStatusSubresource) {
      out.remove(['f:status']);
    }
    const metadata = out.get('f:metadata');
    if (metadata) metadata.member = false;
    return out.compact();
  };
}

function describeManager(record: ManagerRecord): string {
  let text = JSON.stringify(record.manager);
  if (record.subresource)
    text += ` with subresource ${JSON.stringify(record.subresource)}`;
  if (record.apiVersion) text += ` using ${record.apiVersion}`;
  return text;
}

function conflictError(
  conflicts: Array<{ record: ManagerRecord; path: string[] }>,
): ApiError {
  const causes: StatusCause[] = conflicts.map(({ record, path }) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${describeManager(record)}`,
    field: formatPath(path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(
      conflicts[0].record,
    )}: ${formatPath(conflicts[0].path)}`;
  } else {
    const byManager = new Map<
      string,
      { record: ManagerRecord; paths: string[][] }
    >();
    for (const { record, path } of conflicts) {
      const key = describeManager(record);
      if (!byManager.has(key)) byManager.set(key, { record, paths: [] });
      byManager.get(key)!.paths.push(path);
    }
    const lines: string[] = [];
    for (const key of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${key}:`);
      for (const path of byManager.get(key)!.paths)
        lines.push(`- ${formatPath(path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join(
      '\n',
    )}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

export interface UpdateTrackingInput {
  before: JsonObject;
  after: JsonObject;
  type: TypeNode;
  records: ManagerRecord[];
  writer: WriterIdentity;
  filter: (set: FieldSet) => FieldSet;
  now: string;
}

/**
 * Ownership after a non-apply write (create, update, patch): the writer takes
 * every field it added or changed, away from whoever held it, and fields it
 * removed leave every owner.
 */
export function trackUpdate(input: UpdateTrackingInput): ManagerRecord[] {
  const comparison = compareObjects(input.before, input.after, input.type);
  const added = input.filter(comparison.added);
  const modified = input.filter(comparison.modified);
  const removed = input.filter(comparison.removed);
  const changed = added.union(modified);
  const key = identityKey(input.writer);
  const out: ManagerRecord[] = [];
  let mine: ManagerRecord | undefined;
  for (const record of input.records) {
    if (identityKey(record) === key) {
      mine = record;
      continue;
    }
    const set = record.set.difference(changed).difference(removed);
    if (!set.isEmpty()) out.push({ ...record, set });
  }
  const mineSet = (mine?.set ?? new FieldSet())
    .difference(removed)
    .union(changed)
    .compact();
  if (!mineSet.isEmpty()) {
    const unchanged = mine && changed.isEmpty() && removed.isEmpty();
    out.push({
      ...input.writer,
      subresource: input.writer.subresource,
      time: unchanged ? mine!.time : input.now,
      set: mineSet,
    });
  }
  return out;
}

export interface ApplyInput {
  live: JsonObject;
  config: JsonObject;
  type: TypeNode;
  records: ManagerRecord[];
  writer: WriterIdentity;
  force: boolean;
  filter: (set: FieldSet) => FieldSet;
  now: string;
  /** Runs on the merged object before ownership is compared (defaulting, reset fields). */
  finish: (merged: JsonObject) => JsonObject;
}

/**
 * Server-side apply: merge the configuration into the live object, drop what
 * this manager applied before and applies no more (unless someone else owns
 * it), and refuse to change fields other managers own unless forced.
 */
export function applyConfiguration(input: ApplyInput): {
  object: JsonObject;
  records: ManagerRecord[];
} {
  const configSet = input.filter(toFieldSet(input.config, input.type));
  let merged = mergeValue(input.live, input.config, input.type) as JsonObject;
  const key = identityKey(input.writer);
  const previous = input.records.find(record => identityKey(record) === key);
  const others = input.records.filter(record => identityKey(record) !== key);

  if (previous && !previous.set.difference(configSet).isEmpty()) {
    // Fields this manager applied last time and not now go, unless someone
    // (this configuration included) still owns them or something below them.
    let toRemove = previous.set
      .withFieldsAsMembers()
      .difference(configSet.withFieldsAsMembers());
    for (const record of others) {
      if (toRemove.isEmpty()) break;
      toRemove = toRemove.difference(record.set.withFieldsAsMembers());
    }
    if (!toRemove.isEmpty()) merged = removePaths(merged, toRemove, input.type);
  }

  // Conflicts are judged on what the configuration changes, before server
  // defaults fill in fields nobody applied.
  const comparison = compareObjects(input.live, merged, input.type);
  merged = input.finish(merged);
  const changed = input.filter(comparison.added.union(comparison.modified));
  const removed = input.filter(comparison.removed);
  const conflicts: Array<{ record: ManagerRecord; path: string[] }> = [];
  const taken = new Map<ManagerRecord, FieldSet>();
  for (const record of others) {
    const overlap = record.set.intersection(changed);
    if (overlap.isEmpty()) continue;
    taken.set(record, overlap);
    overlap.forEachPath(path => conflicts.push({ record, path }));
  }
  if (conflicts.length > 0 && !input.force) throw conflictError(conflicts);

  const out: ManagerRecord[] = [];
  for (const record of others) {
    let set = record.set;
    const overlap = taken.get(record);
    if (overlap) set = set.difference(overlap);
    if (!removed.isEmpty()) set = set.difference(removed);
    if (!set.isEmpty())
      out.push(set === record.set ? record : { ...record, set });
  }
  if (!configSet.isEmpty()) {
    const unchanged =
      previous &&
      JSON.stringify(previous.set.toFieldsV1()) ===
        JSON.stringify(configSet.toFieldsV1()) &&
      changed.isEmpty() &&
      removed.isEmpty();
    out.push({
      ...input.writer,
      time: unchanged ? previous!.time : input.now,
      set: configSet,
    });
  }
  return { object: merged, records: out };
}
