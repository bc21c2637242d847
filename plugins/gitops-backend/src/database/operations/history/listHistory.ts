import type { Knex } from 'knex';
import type { HistoryRow } from '../../tables';
import type { ApplicationKey, HistoryEntryRecord } from '../../types';
import { toHistoryEntryRecord } from './toHistoryEntryRecord';

/** The app's history, oldest first, as Argo CD orders `status.history`. */
export async function listHistory(
  knex: Knex,
  key: ApplicationKey,
): Promise<HistoryEntryRecord[]> {
  const rows = await knex<HistoryRow>('history')
    .where({ namespace: key.namespace, name: key.name })
    .orderBy('id', 'asc');
  return rows.map(toHistoryEntryRecord);
}
