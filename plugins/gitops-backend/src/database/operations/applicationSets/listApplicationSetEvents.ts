import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { ApplicationSetEventRow } from '../../tables';
import type {
  ApplicationSetEventRecord,
  ListApplicationSetEventsOptions,
} from '../../types';
import { toApplicationSetEventRecord } from './toApplicationSetRecords';

const MAX_EVENTS = 1000;

/** The set's newest events first; page on with `beforeId`. */
export async function listApplicationSetEvents(
  knex: Knex,
  options: ListApplicationSetEventsOptions,
): Promise<ApplicationSetEventRecord[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS) {
    throw new InputError(
      `Event limit ${limit} is out of range; ask for 1 to ${MAX_EVENTS} events`,
    );
  }
  const query = knex<ApplicationSetEventRow>('application_set_events')
    .where({ namespace: options.namespace, name: options.name })
    .orderBy('id', 'desc')
    .limit(limit);
  if (options.beforeId !== undefined) {
    query.andWhere('id', '<', options.beforeId);
  }
  return (await query).map(toApplicationSetEventRecord);
}
