import type { Knex } from 'knex';
import type { OperationRow } from '../../tables';
import type { OperationRecord } from '../../types';
import { toOperationRecord } from './toOperationRecord';

/** Every unfinished operation, oldest first: what a starting replica resumes (after taking each app's lease). */
export async function listUnfinishedOperations(
  knex: Knex,
): Promise<OperationRecord[]> {
  const rows = await knex<OperationRow>('operations')
    .whereNull('finished_at')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc');
  return rows.map(toOperationRecord);
}
