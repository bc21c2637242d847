import type { Knex } from 'knex';
import type { LeaseRow } from '../../tables';
import type { LeaseInput, LeaseRecord } from '../../types';
import { LEASE_COLUMNS, leaseTimes, toLeaseRecord } from './toLeaseRecord';

/**
 * Extends a lease this holder still has. Undefined means the lease was lost
 * (released, or expired and taken by another holder): stop the work it guards.
 * An expired lease nobody took is still this holder's, so renewing it is safe.
 */
export async function renewLease(
  knex: Knex,
  input: LeaseInput,
): Promise<LeaseRecord | undefined> {
  const { now, expiresAt } = leaseTimes(input);
  const renewed: LeaseRow[] = await knex('leases')
    .where({ name: input.name, holder: input.holder })
    .update(
      { renewed_at: now, expires_at: expiresAt },
      LEASE_COLUMNS as unknown as string[],
    );
  return renewed.length > 0 ? toLeaseRecord(renewed[0]) : undefined;
}
