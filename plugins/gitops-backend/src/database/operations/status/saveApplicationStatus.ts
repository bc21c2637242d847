import type { Knex } from 'knex';
import type { ApplicationStatusRow } from '../../tables';
import { toStoredTimestamp } from '../../timestamps';
import type {
  ApplicationStatusRecord,
  SaveApplicationStatusInput,
} from '../../types';
import { requireApplication } from '../applications/requireApplication';
import { toApplicationStatusRecord } from './toApplicationStatusRecord';

/**
 * Replaces an app's status with the result of a reconcile. The indexed
 * columns (sync, health, revision) are read from the document itself, so they
 * cannot disagree with it. Throws NotFoundError when the app was deleted
 * meanwhile.
 */
export async function saveApplicationStatus(
  knex: Knex,
  input: SaveApplicationStatusInput,
): Promise<ApplicationStatusRecord> {
  const {
    operationState: _operationState,
    history: _history,
    ...status
  } = input.status;
  const sync = status.sync ?? {};
  const row: ApplicationStatusRow = {
    namespace: input.namespace,
    name: input.name,
    sync_status: sync.status || 'Unknown',
    health_status: status.health?.status || 'Unknown',
    revision: sync.revision || sync.revisions?.join(',') || null,
    status: JSON.stringify(status),
    reconciled_at: toStoredTimestamp(
      input.reconciledAt ?? status.reconciledAt ?? new Date(),
      'reconciledAt',
    ),
  };
  await knex.transaction(async trx => {
    await requireApplication(trx, input);
    await trx('application_status')
      .insert(row)
      .onConflict(['namespace', 'name'])
      .merge([
        'sync_status',
        'health_status',
        'revision',
        'status',
        'reconciled_at',
      ]);
  });
  return toApplicationStatusRecord(row);
}
