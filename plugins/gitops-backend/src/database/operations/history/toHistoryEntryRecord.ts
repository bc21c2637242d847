import { parseOptionalStoredJson, parseStoredJson } from '../../json';
import type { HistoryRow } from '../../tables';
import {
  fromStoredOptionalTimestamp,
  fromStoredTimestamp,
} from '../../timestamps';
import type { HistoryEntryRecord } from '../../types';

export function toHistoryEntryRecord(row: HistoryRow): HistoryEntryRecord {
  const where = `history entry ${row.id} of ${row.namespace}/${row.name}`;
  const record: HistoryEntryRecord = {
    id: Number(row.id),
    namespace: row.namespace,
    name: row.name,
    deployedAt: fromStoredTimestamp(row.deployed_at),
    initiatedBy: parseStoredJson(row.initiated_by, where),
  };
  const optional: Partial<HistoryEntryRecord> = {
    revision: row.revision ?? undefined,
    revisions: parseOptionalStoredJson(row.revisions, where),
    source: parseOptionalStoredJson(row.source, where),
    sources: parseOptionalStoredJson(row.sources, where),
    deployStartedAt: fromStoredOptionalTimestamp(row.deploy_started_at),
    phase: row.phase ?? undefined,
    resources: parseOptionalStoredJson(row.resources, where),
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) {
      (record as unknown as Record<string, unknown>)[field] = value;
    }
  }
  return record;
}
