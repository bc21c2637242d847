import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { getOperation } from './getOperation';

/**
 * Why a holder's conditional update of an operation changed nothing: the
 * operation is gone (its app was deleted), already finished, or now held by
 * another replica, which means this one must stop working on it.
 */
export async function operationUpdateFailure(
  knex: Knex,
  id: string,
  holder: string,
  action: string,
): Promise<Error> {
  const operation = await getOperation(knex, id);
  if (!operation) {
    return new NotFoundError(
      `Cannot ${action} operation ${id}: it no longer exists (its application was deleted)`,
    );
  }
  const where = `operation ${id} of ${operation.namespace}/${operation.name}`;
  if (operation.finishedAt) {
    return new ConflictError(
      `Cannot ${action} ${where}: it already finished (${operation.phase}) at ${operation.finishedAt}`,
    );
  }
  return new ConflictError(
    `Cannot ${action} ${where}: it is held by ${
      operation.holder ?? 'no replica'
    }, not ${holder}; this replica must stop running it`,
  );
}
