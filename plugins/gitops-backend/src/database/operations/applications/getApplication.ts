import type { Knex } from 'knex';
import type { ApplicationKey, ApplicationRecord } from '../../types';
import {
  selectApplicationsWithStatus,
  toApplicationRecord,
  type ApplicationWithStatusRow,
} from './toApplicationRecord';

/** One Application with its last status, or undefined when it does not exist. */
export async function getApplication(
  knex: Knex,
  key: ApplicationKey,
): Promise<ApplicationRecord | undefined> {
  const row: ApplicationWithStatusRow | undefined =
    await selectApplicationsWithStatus(knex)
      .where({ 'a.namespace': key.namespace, 'a.name': key.name })
      .first();
  return row ? toApplicationRecord(row) : undefined;
}
