import type { Knex } from 'knex';
import type { LeaseRow } from '../../tables';
import type { LeaseInput, LeaseRecord } from '../../types';
import { LEASE_COLUMNS, leaseTimes, toLeaseRecord } from './toLeaseRecord';

/**
 * Takes the lease when it is free, expired, or already this holder's (then
 * it is extended). Returns the lease when taken, undefined when another
 * holder has it.
 *
 * Two single statements, no read-then-write: the conditional UPDATE takes an
 * expired or own lease (on PostgreSQL a racing UPDATE waits for the row lock
 * and re-checks the condition against the winner's row, which no longer
 * matches), and the INSERT … ON CONFLICT DO NOTHING takes an absent one (the
 * unique key lets one insert through). SQLite runs one writer at a time.
 */
export async function tryAcquireLease(
  knex: Knex,
  input: LeaseInput,
): Promise<LeaseRecord | undefined> {
  const { now, expiresAt } = leaseTimes(input);
  const taken: LeaseRow[] = await knex('leases')
    .where('name', input.name)
    .andWhere(free =>
      free.where('expires_at', '<=', now).orWhere('holder', input.holder),
    )
    .update(
      {
        holder: input.holder,
        // Kept across the holder's own re-acquisitions.
        acquired_at: knex.raw(
          'CASE WHEN holder = ? THEN acquired_at ELSE ? END',
          [input.holder, now],
        ),
        renewed_at: now,
        expires_at: expiresAt,
      },
      LEASE_COLUMNS as unknown as string[],
    );
  if (taken.length > 0) {
    return toLeaseRecord(taken[0]);
  }
  const created: LeaseRow[] = await knex('leases')
    .insert({
      name: input.name,
      holder: input.holder,
      acquired_at: now,
      renewed_at: now,
      expires_at: expiresAt,
    })
    .onConflict('name')
    .ignore()
    .returning(LEASE_COLUMNS as unknown as string[]);
  return created.length > 0 ? toLeaseRecord(created[0]) : undefined;
}
