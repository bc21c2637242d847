import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { ApplicationSetEventRow } from '../../tables';
import { toStoredTimestamp } from '../../timestamps';
import type {
  AppendApplicationSetEventInput,
  ApplicationSetEventRecord,
} from '../../types';
import { toApplicationSetEventRecord } from './toApplicationSetRecords';

const DEFAULT_KEEP = 500;

/**
 * Records an event of an ApplicationSet and drops its events beyond the
 * newest `keep`, so a set whose generator fails for weeks does not fill the
 * table.
 */
export async function appendApplicationSetEvent(
  knex: Knex,
  input: AppendApplicationSetEventInput,
): Promise<ApplicationSetEventRecord> {
  if (input.type !== 'Normal' && input.type !== 'Warning') {
    throw new InputError(
      `Event type '${String(input.type)}' for ApplicationSet ${
        input.namespace
      }/${input.name} must be Normal or Warning`,
    );
  }
  const keep = input.keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new InputError(
      `keep must be a whole number of at least 1, not ${keep}`,
    );
  }
  const row: Omit<ApplicationSetEventRow, 'id'> = {
    namespace: input.namespace,
    name: input.name,
    created_at: toStoredTimestamp(input.createdAt ?? new Date(), 'createdAt'),
    type: input.type,
    reason: input.reason,
    message: input.message,
  };
  const [inserted] = await knex('application_set_events')
    .insert(row)
    .returning('id');
  const set = { namespace: input.namespace, name: input.name };
  const oldestKept = await knex('application_set_events')
    .where(set)
    .orderBy('id', 'desc')
    .offset(keep - 1)
    .first('id');
  if (oldestKept) {
    await knex('application_set_events')
      .where(set)
      .andWhere('id', '<', oldestKept.id)
      .delete();
  }
  return toApplicationSetEventRecord({ ...row, id: inserted.id });
}
