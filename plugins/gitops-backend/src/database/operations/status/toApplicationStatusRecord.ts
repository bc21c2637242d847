import { fromStoredTimestamp } from '../../timestamps';
import { parseStoredJson } from '../../json';
import type { ApplicationStatusRow } from '../../tables';
import type {
  ApplicationStatusDocument,
  ApplicationStatusRecord,
} from '../../types';

export function toApplicationStatusRecord(
  row: ApplicationStatusRow,
): ApplicationStatusRecord {
  return {
    namespace: row.namespace,
    name: row.name,
    syncStatus: row.sync_status,
    healthStatus: row.health_status,
    ...(row.revision ? { revision: row.revision } : {}),
    status: parseStoredJson<ApplicationStatusDocument>(
      row.status,
      `application_status ${row.namespace}/${row.name}`,
    ),
    reconciledAt: fromStoredTimestamp(row.reconciled_at),
  };
}
