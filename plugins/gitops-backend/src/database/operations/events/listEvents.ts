import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { EventRow } from '../../tables';
import type { EventRecord, ListEventsOptions } from '../../types';
import { toEventRecord } from './toEventRecord';

const MAX_EVENTS = 1000;

/** The app's newest events first; page on with `beforeId`. */
export async function listEvents(
  knex: Knex,
  options: ListEventsOptions,
): Promise<EventRecord[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS) {
    throw new InputError(
      `Event limit ${limit} is out of range; ask for 1 to ${MAX_EVENTS} events`,
    );
  }
  const query = knex<EventRow>('events')
    .where({ namespace: options.namespace, name: options.name })
    .orderBy('id', 'desc')
    .limit(limit);
  if (options.beforeId !== undefined) {
    query.andWhere('id', '<', options.beforeId);
  }
  return (await query).map(toEventRecord);
}
