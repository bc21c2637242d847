import type { Knex } from 'knex';
import type { ApplicationRow } from '../../tables';

/** Number of stored Applications; also proves the schema is in place. */
export async function countApplications(knex: Knex): Promise<number> {
  const [row] = await knex<ApplicationRow>('applications').count({
    count: '*',
  });
  // pg returns counts as strings (bigint), SQLite as numbers.
  return Number(row.count);
}
