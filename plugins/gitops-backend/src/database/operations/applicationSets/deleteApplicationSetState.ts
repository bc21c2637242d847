import type { Knex } from 'knex';
import type { ApplicationKey } from '../../types';

/** Deletes a set's status and events (once the set and its Applications are gone); returns whether a status existed. */
export async function deleteApplicationSetState(
  knex: Knex,
  key: ApplicationKey,
): Promise<boolean> {
  return knex.transaction(async trx => {
    await trx('application_set_events')
      .where({ namespace: key.namespace, name: key.name })
      .delete();
    const deleted = await trx('application_set_status')
      .where({ namespace: key.namespace, name: key.name })
      .delete();
    return deleted > 0;
  });
}
