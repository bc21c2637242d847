import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { EventRow } from '../../tables';
import { toStoredTimestamp } from '../../timestamps';
import type { AppendEventInput, EventRecord } from '../../types';
import { toEventRecord } from './toEventRecord';

/**
 * Records an event of an app. Apps are not checked for existence: an event
 * may describe the app's deletion; pruneEvents removes what is left over.
 */
export async function appendEvent(
  knex: Knex,
  input: AppendEventInput,
): Promise<EventRecord> {
  if (input.type !== 'Normal' && input.type !== 'Warning') {
    throw new InputError(
      `Event type '${String(input.type)}' for ${input.namespace}/${
        input.name
      } must be Normal or Warning`,
    );
  }
  const row: Omit<EventRow, 'id'> = {
    namespace: input.namespace,
    name: input.name,
    created_at: toStoredTimestamp(input.createdAt ?? new Date(), 'createdAt'),
    type: input.type,
    reason: input.reason,
    message: input.message,
    actor: input.actor ?? null,
  };
  const [inserted] = await knex('events').insert(row).returning('id');
  return toEventRecord({ ...row, id: inserted.id });
}
