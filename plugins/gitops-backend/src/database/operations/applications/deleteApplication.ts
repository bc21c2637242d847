import type { Knex } from 'knex';
import type { ApplicationKey } from '../../types';

/** Tables holding per-app rows besides applications itself. */
const APPLICATION_CHILD_TABLES = [
  'application_labels',
  'application_sources',
  'application_status',
  'operations',
  'history',
  'events',
];

/**
 * Deletes an Application and everything recorded about it (status,
 * operations, history, events). Resources in clusters are the controller's
 * business, before it calls this. Returns whether the app existed.
 */
export async function deleteApplication(
  knex: Knex,
  key: ApplicationKey,
): Promise<boolean> {
  const where = { namespace: key.namespace, name: key.name };
  return knex.transaction(async trx => {
    // The applications row goes first: its row lock makes writers that hold
    // a share lock on it (requireApplication) finish before the children go.
    const deleted = await trx('applications').where(where).delete();
    for (const table of APPLICATION_CHILD_TABLES) {
      await trx(table).where(where).delete();
    }
    return deleted > 0;
  });
}
