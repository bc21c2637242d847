import type { Knex } from 'knex';
import type { ApplicationSetStatusRow } from '../../tables';
import type { ApplicationSetStatusRecord } from '../../types';
import { toApplicationSetStatusRecord } from './toApplicationSetRecords';

/**
 * Every saved ApplicationSet status, by namespace then name, including those
 * of sets that are gone and whose Applications are still being removed.
 */
export async function listApplicationSetStatuses(
  knex: Knex,
  options: { namespaces?: string[] } = {},
): Promise<ApplicationSetStatusRecord[]> {
  const query = knex<ApplicationSetStatusRow>('application_set_status')
    .orderBy('namespace', 'asc')
    .orderBy('name', 'asc');
  if (options.namespaces) {
    query.whereIn('namespace', options.namespaces);
  }
  const rows: ApplicationSetStatusRow[] = await query;
  return rows.map(toApplicationSetStatusRecord);
}
