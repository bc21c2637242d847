import type { Knex } from 'knex';
import type { ApplicationStatusRow } from '../../tables';
import type { ApplicationKey, ApplicationStatusRecord } from '../../types';
import { toApplicationStatusRecord } from './toApplicationStatusRecord';

/** The app's last saved status, or undefined when it was never reconciled (or does not exist). */
export async function getApplicationStatus(
  knex: Knex,
  key: ApplicationKey,
): Promise<ApplicationStatusRecord | undefined> {
  const row = await knex<ApplicationStatusRow>('application_status')
    .where({ namespace: key.namespace, name: key.name })
    .first();
  return row ? toApplicationStatusRecord(row) : undefined;
}
