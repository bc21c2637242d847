import type { Knex } from 'knex';
import type { LeaseRow } from '../../tables';
import type { LeaseRecord } from '../../types';
import { toLeaseRecord } from './toLeaseRecord';

/**
 * Leases whose name starts with `prefix` (all without one), by name,
 * expired ones included: compare `expiresAt` with your clock.
 */
export async function listLeases(
  knex: Knex,
  options: { prefix?: string } = {},
): Promise<LeaseRecord[]> {
  const query = knex<LeaseRow>('leases').orderBy('name', 'asc');
  if (options.prefix) {
    // substr, not LIKE: SQLite's LIKE ignores case and both treat % and _ specially.
    query.whereRaw('substr(name, 1, ?) = ?', [
      [...options.prefix].length,
      options.prefix,
    ]);
  }
  return (await query).map(toLeaseRecord);
}
