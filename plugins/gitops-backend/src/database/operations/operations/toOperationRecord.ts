import { parseStoredJson } from '../../json';
import type { OperationRow } from '../../tables';
import {
  fromStoredOptionalTimestamp,
  fromStoredTimestamp,
} from '../../timestamps';
import type {
  ApplicationOperation,
  OperationPhase,
  OperationRecord,
} from '../../types';

export function toOperationRecord(row: OperationRow): OperationRecord {
  const where = `operation ${row.id} of ${row.namespace}/${row.name}`;
  const terminationRequested = row.terminate_requested_at !== null;
  const finished = row.finished_at !== null;
  const record: OperationRecord = {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    operation: parseStoredJson<ApplicationOperation>(row.operation, where),
    state: parseStoredJson<Record<string, unknown>>(row.state, where),
    // The phase column is the executor's; a termination request shows as
    // Terminating without racing the executor's writes to it.
    phase:
      terminationRequested && !finished
        ? 'Terminating'
        : (row.phase as OperationPhase),
    terminationRequested,
    createdAt: fromStoredTimestamp(row.created_at),
    updatedAt: fromStoredTimestamp(row.updated_at),
  };
  if (row.holder !== null) {
    record.holder = row.holder;
  }
  const startedAt = fromStoredOptionalTimestamp(row.started_at);
  if (startedAt) {
    record.startedAt = startedAt;
  }
  const finishedAt = fromStoredOptionalTimestamp(row.finished_at);
  if (finishedAt) {
    record.finishedAt = finishedAt;
  }
  return record;
}
