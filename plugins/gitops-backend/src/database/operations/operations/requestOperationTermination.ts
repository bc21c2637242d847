import type { Knex } from 'knex';
import type { ApplicationKey, OperationRecord } from '../../types';
import { getCurrentOperation } from './getCurrentOperation';

/**
 * Asks the replica running the app's operation to terminate it (it sees
 * `terminationRequested` on its next save). Returns the operation, or
 * undefined when none is in progress.
 */
export async function requestOperationTermination(
  knex: Knex,
  key: ApplicationKey,
): Promise<OperationRecord | undefined> {
  await knex('operations')
    .where({ namespace: key.namespace, name: key.name })
    .whereNull('finished_at')
    .whereNull('terminate_requested_at')
    .update({ terminate_requested_at: new Date().toISOString() });
  return getCurrentOperation(knex, key);
}
