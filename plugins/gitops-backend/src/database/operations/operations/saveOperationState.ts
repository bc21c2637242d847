import type { Knex } from 'knex';
import type { OperationRecord, SaveOperationStateInput } from '../../types';
import { getOperation } from './getOperation';
import { operationUpdateFailure } from './operationUpdateFailure';

/**
 * Saves a running operation's state after a step. Only its holder may; the
 * returned record tells the executor whether a termination was requested.
 */
export async function saveOperationState(
  knex: Knex,
  input: SaveOperationStateInput,
): Promise<OperationRecord> {
  const updated = await knex('operations')
    .where({ id: input.id, holder: input.holder })
    .whereNull('finished_at')
    .update({
      state: JSON.stringify(input.state),
      updated_at: new Date().toISOString(),
    });
  if (updated === 0) {
    throw await operationUpdateFailure(
      knex,
      input.id,
      input.holder,
      'save the state of',
    );
  }
  return (await getOperation(knex, input.id))!;
}
