import type { Knex } from 'knex';
import type { OperationRecord } from '../../types';
import { getOperation } from './getOperation';
import { operationUpdateFailure } from './operationUpdateFailure';

/**
 * Makes `holder` the replica running an unfinished operation: to start one
 * created without a holder, or to resume one whose replica died. The caller
 * must hold the app's lease; from then on only it can save the state, so a
 * replica that lost the lease cannot overwrite the new holder's progress.
 */
export async function claimOperation(
  knex: Knex,
  input: { id: string; holder: string },
): Promise<OperationRecord> {
  const now = new Date().toISOString();
  const updated = await knex('operations')
    .where({ id: input.id })
    .whereNull('finished_at')
    .update({
      holder: input.holder,
      started_at: knex.raw('COALESCE(started_at, ?)', [now]),
      updated_at: now,
    });
  if (updated === 0) {
    throw await operationUpdateFailure(knex, input.id, input.holder, 'claim');
  }
  return (await getOperation(knex, input.id))!;
}
