import { ConflictError } from '@backstage/errors';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../dialect';
import type { OperationRow } from '../../tables';
import type { CreateOperationInput, OperationRecord } from '../../types';
import { formatApplicationKey } from '../applications/applicationKey';
import { requireApplication } from '../applications/requireApplication';
import { getCurrentOperation } from './getCurrentOperation';
import { toOperationRecord } from './toOperationRecord';

/**
 * Records a new operation for an app, in phase Running. The database refuses
 * a second unfinished operation per app (a partial unique index), so racing
 * requests from replicas or users get a ConflictError, never two syncs.
 * Throws NotFoundError when the app does not exist.
 */
export async function createOperation(
  knex: Knex,
  input: CreateOperationInput,
): Promise<OperationRecord> {
  const now = new Date().toISOString();
  const row: OperationRow = {
    id: randomUUID(),
    namespace: input.namespace,
    name: input.name,
    operation: JSON.stringify(input.operation),
    state: JSON.stringify(input.state ?? {}),
    phase: 'Running',
    holder: input.holder ?? null,
    created_at: now,
    started_at: input.holder ? now : null,
    updated_at: now,
    terminate_requested_at: null,
    finished_at: null,
  };
  try {
    await knex.transaction(async trx => {
      await requireApplication(trx, input);
      await trx('operations').insert(row);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) {
      throw error;
    }
    const running = await getCurrentOperation(knex, input);
    const details = running
      ? ` (operation ${running.id}, created ${running.createdAt}${
          running.holder ? `, run by ${running.holder}` : ''
        })`
      : '';
    throw new ConflictError(
      `Another operation is already in progress for application ${formatApplicationKey(
        input,
      )}${details}; wait for it to finish or terminate it`,
    );
  }
  return toOperationRecord(row);
}
