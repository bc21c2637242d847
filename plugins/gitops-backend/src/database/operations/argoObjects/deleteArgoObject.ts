import type { Knex } from 'knex';
import type { ArgoObjectKey } from '../../types';
import { argoObjectTable } from './argoObjectTable';

/** Deletes an AppProject or ApplicationSet; returns whether it existed. */
export async function deleteArgoObject(
  knex: Knex,
  key: ArgoObjectKey,
): Promise<boolean> {
  const deleted = await knex(argoObjectTable(key.kind))
    .where({ namespace: key.namespace, name: key.name })
    .delete();
  return deleted > 0;
}
