import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { FinishOperationInput, OperationRecord } from '../../types';
import { getOperation } from './getOperation';
import { operationUpdateFailure } from './operationUpdateFailure';

const FINISHED_PHASES = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * Ends an operation with its final state and phase; only its holder may.
 * Older finished operations of the app are deleted: status.operationState
 * shows only the last one, and history keeps the record of past syncs.
 */
export async function finishOperation(
  knex: Knex,
  input: FinishOperationInput,
): Promise<OperationRecord> {
  if (!FINISHED_PHASES.has(input.phase)) {
    throw new InputError(
      `Operation ${input.id} cannot finish in phase '${input.phase}'; use Succeeded, Failed or Error`,
    );
  }
  const now = new Date().toISOString();
  const finished = await knex.transaction(async trx => {
    const operation = await trx('operations')
      .where({ id: input.id })
      .first('namespace', 'name');
    if (!operation) {
      return false;
    }
    const updated = await trx('operations')
      .where({ id: input.id, holder: input.holder })
      .whereNull('finished_at')
      .update({
        state: JSON.stringify(input.state),
        phase: input.phase,
        finished_at: now,
        updated_at: now,
      });
    if (updated === 0) {
      return false;
    }
    await trx('operations')
      .where({ namespace: operation.namespace, name: operation.name })
      .whereNotNull('finished_at')
      .whereNot({ id: input.id })
      .delete();
    return true;
  });
  if (!finished) {
    throw await operationUpdateFailure(knex, input.id, input.holder, 'finish');
  }
  return (await getOperation(knex, input.id))!;
}
