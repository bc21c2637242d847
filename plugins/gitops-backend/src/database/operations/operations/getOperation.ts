import type { Knex } from 'knex';
import type { OperationRow } from '../../tables';
import type { OperationRecord } from '../../types';
import { toOperationRecord } from './toOperationRecord';

export async function getOperation(
  knex: Knex,
  id: string,
): Promise<OperationRecord | undefined> {
  const row = await knex<OperationRow>('operations').where({ id }).first();
  return row ? toOperationRecord(row) : undefined;
}
