import { NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { isPostgres } from '../../dialect';
import type { ApplicationKey } from '../../types';
import { formatApplicationKey } from './applicationKey';

/**
 * Checks, inside a transaction, that the app exists, and on PostgreSQL holds
 * a share lock on its row until commit: a concurrent delete then waits, so no
 * status, operation or history row outlives its app. Every transaction that
 * touches an app's rows locks the applications row first, so they cannot
 * deadlock one another.
 */
export async function requireApplication(
  trx: Knex.Transaction,
  key: ApplicationKey,
): Promise<void> {
  const query = trx('applications')
    .where({ namespace: key.namespace, name: key.name })
    .first('name');
  const row = await (isPostgres(trx) ? query.forShare() : query);
  if (!row) {
    throw new NotFoundError(
      `Application ${formatApplicationKey(key)} does not exist`,
    );
  }
}
