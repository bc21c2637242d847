import type { Knex } from 'knex';
import type { ArgoObjectRow } from '../../tables';
import type { ArgoObjectRecord, ListArgoObjectsOptions } from '../../types';
import { argoObjectTable } from './argoObjectTable';
import { toArgoObjectRecord } from './toArgoObjectRecord';

/**
 * The AppProjects or ApplicationSets matching the options, by namespace then
 * name. Unpaged: there are few of them (one per team or generator), unlike
 * Applications.
 */
export async function listArgoObjects(
  knex: Knex,
  options: ListArgoObjectsOptions,
): Promise<ArgoObjectRecord[]> {
  const query = knex<ArgoObjectRow>(argoObjectTable(options.kind))
    .orderBy('namespace', 'asc')
    .orderBy('name', 'asc');
  if (options.origins) {
    query.whereIn('origin', options.origins);
  }
  if (options.namespaces) {
    query.whereIn('namespace', options.namespaces);
  }
  const rows: ArgoObjectRow[] = await query;
  return rows.map(row => toArgoObjectRecord(options.kind, row));
}
