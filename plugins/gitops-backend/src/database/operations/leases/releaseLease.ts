import type { Knex } from 'knex';

/** Gives up a lease this holder has; returns false when it was not (or no longer) theirs. */
export async function releaseLease(
  knex: Knex,
  input: { name: string; holder: string },
): Promise<boolean> {
  const deleted = await knex('leases')
    .where({ name: input.name, holder: input.holder })
    .delete();
  return deleted > 0;
}
