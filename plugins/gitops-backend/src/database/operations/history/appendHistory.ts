import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { HistoryRow } from '../../tables';
import { toStoredTimestamp } from '../../timestamps';
import {
  DEFAULT_REVISION_HISTORY_LIMIT,
  type AppendHistoryInput,
  type HistoryEntryRecord,
} from '../../types';
import { requireApplication } from '../applications/requireApplication';
import { toHistoryEntryRecord } from './toHistoryEntryRecord';

function optionalJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * Records a deployment and trims the app's history to the newest `limit`
 * entries (`spec.revisionHistoryLimit`, default 10; with 0 nothing is kept,
 * as in Argo CD). Throws NotFoundError when the app does not exist.
 */
export async function appendHistory(
  knex: Knex,
  input: AppendHistoryInput,
): Promise<HistoryEntryRecord> {
  const limit = input.limit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InputError(
      `History limit ${limit} for ${input.namespace}/${input.name} must be a whole number of entries, 0 or more`,
    );
  }
  const row: Omit<HistoryRow, 'id'> = {
    namespace: input.namespace,
    name: input.name,
    revision: input.revision ?? null,
    revisions: optionalJson(input.revisions),
    source: optionalJson(input.source),
    sources: optionalJson(input.sources),
    deployed_at: toStoredTimestamp(
      input.deployedAt ?? new Date(),
      'deployedAt',
    ),
    deploy_started_at: input.deployStartedAt
      ? toStoredTimestamp(input.deployStartedAt, 'deployStartedAt')
      : null,
    initiated_by: JSON.stringify(input.initiatedBy ?? {}),
    phase: input.phase ?? null,
    resources: optionalJson(input.resources),
  };
  const key = { namespace: input.namespace, name: input.name };
  const id = await knex.transaction(async trx => {
    await requireApplication(trx, key);
    const [inserted] = await trx('history').insert(row).returning('id');
    // The newest `limit` entries stay; the first id past them and all older go.
    const cutoff = await trx<HistoryRow>('history')
      .where(key)
      .orderBy('id', 'desc')
      .offset(limit)
      .first('id');
    if (cutoff) {
      await trx('history').where(key).andWhere('id', '<=', cutoff.id).delete();
    }
    return Number(inserted.id);
  });
  return toHistoryEntryRecord({ ...row, id });
}
