import type { Application } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import { isPostgres } from '../../dialect';
import { parseStoredJson } from '../../json';
import type { ApplicationRow } from '../../tables';
import {
  APPLICATION_INDEX_VERSION,
  indexApplication,
  writeApplicationIndex,
} from './applicationIndex';

/**
 * Re-derives the indexed fields of apps written by an older derivation (or
 * before the index existed), so filters see every app. Runs at startup;
 * returns how many apps it found stale.
 */
export async function reindexApplications(knex: Knex): Promise<number> {
  const stale = await knex<ApplicationRow>('applications')
    .where('index_version', '<', APPLICATION_INDEX_VERSION)
    .select('namespace', 'name', 'manifest');
  for (const row of stale) {
    const key = { namespace: row.namespace, name: row.name };
    const index = indexApplication(
      parseStoredJson<Application>(
        row.manifest,
        `application ${row.namespace}/${row.name}`,
      ),
    );
    await knex.transaction(async trx => {
      // Another replica starting at the same time may be reindexing too.
      const current = trx<ApplicationRow>('applications')
        .where(key)
        .first('index_version');
      const locked = await (isPostgres(trx) ? current.forUpdate() : current);
      if (!locked || locked.index_version >= APPLICATION_INDEX_VERSION) {
        return;
      }
      await trx('applications').where(key).update(index.columns);
      await writeApplicationIndex(trx, key, index);
    });
  }
  return stale.length;
}
