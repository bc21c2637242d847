import type { Knex } from 'knex';
import type { OperationRow } from '../../tables';
import type { ApplicationKey, OperationRecord } from '../../types';
import { toOperationRecord } from './toOperationRecord';

/**
 * What `status.operationState` shows: the unfinished operation, else the
 * last finished one (finishOperation keeps only that one).
 */
export async function getLatestOperation(
  knex: Knex,
  key: ApplicationKey,
): Promise<OperationRecord | undefined> {
  const row = await knex<OperationRow>('operations')
    .where({ namespace: key.namespace, name: key.name })
    .orderByRaw('CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END')
    .orderBy('created_at', 'desc')
    .first();
  return row ? toOperationRecord(row) : undefined;
}
