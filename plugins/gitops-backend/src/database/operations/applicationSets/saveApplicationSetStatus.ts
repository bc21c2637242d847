import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { ApplicationSetStatusRow } from '../../tables';
import { toStoredTimestamp } from '../../timestamps';
import type {
  ApplicationSetStatusRecord,
  SaveApplicationSetStatusInput,
} from '../../types';
import { toApplicationSetStatusRecord } from './toApplicationSetRecords';

/**
 * Replaces an ApplicationSet's status with the result of a reconcile. The set
 * itself is not required to exist: the controller records the status of a
 * set it is removing the Applications of, and deletes it afterwards
 * ({@link deleteApplicationSetState}).
 */
export async function saveApplicationSetStatus(
  knex: Knex,
  input: SaveApplicationSetStatusInput,
): Promise<ApplicationSetStatusRecord> {
  if (!input.applicationsSync) {
    throw new InputError(
      `Cannot save the status of ApplicationSet ${input.namespace}/${input.name} without the applicationsSync policy it applied`,
    );
  }
  const row: ApplicationSetStatusRow = {
    namespace: input.namespace,
    name: input.name,
    status: JSON.stringify(input.status),
    applications_sync: input.applicationsSync,
    reconciled_at: toStoredTimestamp(
      input.reconciledAt ?? new Date(),
      'reconciledAt',
    ),
  };
  await knex('application_set_status')
    .insert(row)
    .onConflict(['namespace', 'name'])
    .merge(['status', 'applications_sync', 'reconciled_at']);
  return toApplicationSetStatusRecord(row);
}
