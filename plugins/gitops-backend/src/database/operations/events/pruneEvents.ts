import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { toStoredTimestamp } from '../../timestamps';
import type { PruneEventsOptions } from '../../types';

/**
 * Deletes old events: those created before `olderThan`, and beyond the
 * newest `keepPerApplication` of each app. Returns how many went.
 */
export async function pruneEvents(
  knex: Knex,
  options: PruneEventsOptions,
): Promise<number> {
  const { olderThan, keepPerApplication } = options;
  if (olderThan === undefined && keepPerApplication === undefined) {
    throw new InputError(
      'Pruning events needs olderThan, keepPerApplication or both',
    );
  }
  let deleted = 0;
  if (olderThan !== undefined) {
    deleted += await knex('events')
      .where('created_at', '<', toStoredTimestamp(olderThan, 'olderThan'))
      .delete();
  }
  if (keepPerApplication !== undefined) {
    if (!Number.isInteger(keepPerApplication) || keepPerApplication < 0) {
      throw new InputError(
        `keepPerApplication ${keepPerApplication} must be a whole number, 0 or more`,
      );
    }
    // Window functions: PostgreSQL and SQLite 3.25+ both have them.
    const ranked = knex('events')
      .select(
        'id',
        knex.raw(
          'ROW_NUMBER() OVER (PARTITION BY namespace, name ORDER BY id DESC) AS newest_first',
        ),
      )
      .as('ranked');
    deleted += await knex('events')
      .whereIn(
        'id',
        knex
          .select('ranked.id')
          .from(ranked)
          .where('ranked.newest_first', '>', keepPerApplication),
      )
      .delete();
  }
  return deleted;
}
