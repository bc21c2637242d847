import type { Knex } from 'knex';
import type { ApplicationSetStatusRow } from '../../tables';
import type { ApplicationKey, ApplicationSetStatusRecord } from '../../types';
import { toApplicationSetStatusRecord } from './toApplicationSetRecords';

/** The set's last saved status, or undefined before its first reconcile. */
export async function getApplicationSetStatus(
  knex: Knex,
  key: ApplicationKey,
): Promise<ApplicationSetStatusRecord | undefined> {
  const row: ApplicationSetStatusRow | undefined = await knex(
    'application_set_status',
  )
    .where({ namespace: key.namespace, name: key.name })
    .first();
  return row ? toApplicationSetStatusRecord(row) : undefined;
}
