import type { Knex } from 'knex';
import type { ArgoObjectRow } from '../../tables';
import type { ArgoObjectKey, ArgoObjectRecord } from '../../types';
import { argoObjectTable } from './argoObjectTable';
import { toArgoObjectRecord } from './toArgoObjectRecord';

/** One AppProject or ApplicationSet, or undefined when it is not registered. */
export async function getArgoObject(
  knex: Knex,
  key: ArgoObjectKey,
): Promise<ArgoObjectRecord | undefined> {
  const row: ArgoObjectRow | undefined = await knex(argoObjectTable(key.kind))
    .where({ namespace: key.namespace, name: key.name })
    .first();
  return row ? toArgoObjectRecord(key.kind, row) : undefined;
}
