import { parseStoredJson } from '../../json';
import type {
  ApplicationSetEventRow,
  ApplicationSetStatusRow,
} from '../../tables';
import { fromStoredTimestamp } from '../../timestamps';
import type {
  ApplicationSetEventRecord,
  ApplicationSetStatusDocument,
  ApplicationSetStatusRecord,
} from '../../types';

export function toApplicationSetStatusRecord(
  row: ApplicationSetStatusRow,
): ApplicationSetStatusRecord {
  return {
    namespace: row.namespace,
    name: row.name,
    status: parseStoredJson<ApplicationSetStatusDocument>(
      row.status,
      `application_set_status ${row.namespace}/${row.name}`,
    ),
    applicationsSync: row.applications_sync,
    reconciledAt: fromStoredTimestamp(row.reconciled_at),
  };
}

export function toApplicationSetEventRecord(
  row: ApplicationSetEventRow,
): ApplicationSetEventRecord {
  return {
    id: Number(row.id),
    namespace: row.namespace,
    name: row.name,
    createdAt: fromStoredTimestamp(row.created_at),
    type: row.type as ApplicationSetEventRecord['type'],
    reason: row.reason,
    message: row.message,
  };
}
