import { InputError } from '@backstage/errors';
import type { LeaseRow } from '../../tables';
import { fromStoredTimestamp } from '../../timestamps';
import type { LeaseInput, LeaseRecord } from '../../types';

export const LEASE_COLUMNS = [
  'name',
  'holder',
  'acquired_at',
  'renewed_at',
  'expires_at',
] as const;

export function toLeaseRecord(row: LeaseRow): LeaseRecord {
  return {
    name: row.name,
    holder: row.holder,
    acquiredAt: fromStoredTimestamp(row.acquired_at),
    renewedAt: fromStoredTimestamp(row.renewed_at),
    expiresAt: fromStoredTimestamp(row.expires_at),
  };
}

/** Now and the new expiry, as stored timestamps; refuses a TTL that is not a positive number of milliseconds. */
export function leaseTimes(input: LeaseInput): {
  now: string;
  expiresAt: string;
} {
  if (!Number.isFinite(input.ttlMs) || input.ttlMs <= 0) {
    throw new InputError(
      `Lease '${input.name}' needs a positive ttlMs, not ${input.ttlMs}`,
    );
  }
  const now = input.now ?? new Date();
  return {
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.ttlMs).toISOString(),
  };
}
