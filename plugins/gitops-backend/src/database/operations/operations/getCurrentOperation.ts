import type { Knex } from 'knex';
import type { OperationRow } from '../../tables';
import type { ApplicationKey, OperationRecord } from '../../types';
import { toOperationRecord } from './toOperationRecord';

/** The app's unfinished operation, if one is running or waiting to be resumed. */
export async function getCurrentOperation(
  knex: Knex,
  key: ApplicationKey,
): Promise<OperationRecord | undefined> {
  const row = await knex<OperationRow>('operations')
    .where({ namespace: key.namespace, name: key.name })
    .whereNull('finished_at')
    .first();
  return row ? toOperationRecord(row) : undefined;
}
