import type { EventRow } from '../../tables';
import { fromStoredTimestamp } from '../../timestamps';
import type { EventRecord } from '../../types';

export function toEventRecord(row: EventRow): EventRecord {
  return {
    id: Number(row.id),
    namespace: row.namespace,
    name: row.name,
    createdAt: fromStoredTimestamp(row.created_at),
    type: row.type as EventRecord['type'],
    reason: row.reason,
    message: row.message,
    ...(row.actor !== null ? { actor: row.actor } : {}),
  };
}
