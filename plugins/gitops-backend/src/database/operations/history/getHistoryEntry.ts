import type { Knex } from 'knex';
import type { HistoryRow } from '../../tables';
import type { ApplicationKey, HistoryEntryRecord } from '../../types';
import { toHistoryEntryRecord } from './toHistoryEntryRecord';

/** One history entry of the app (what a rollback names), or undefined. */
export async function getHistoryEntry(
  knex: Knex,
  input: ApplicationKey & { id: number },
): Promise<HistoryEntryRecord | undefined> {
  const row = await knex<HistoryRow>('history')
    .where({ namespace: input.namespace, name: input.name, id: input.id })
    .first();
  return row ? toHistoryEntryRecord(row) : undefined;
}
