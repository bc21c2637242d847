import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { isDeepStrictEqual } from 'node:util';
import { isPostgres } from '../../dialect';
import { parseStoredJson } from '../../json';
import type { ArgoObjectRow } from '../../tables';
import type {
  ArgoObjectKey,
  UpsertArgoObjectInput,
  UpsertArgoObjectResult,
} from '../../types';
import { argoObjectTable, describeArgoObject } from './argoObjectTable';
import { getArgoObject } from './getArgoObject';

/**
 * Creates or replaces an AppProject or ApplicationSet, bumping its
 * generation when the manifest changed. An unchanged object with an
 * unchanged origin is not written at all, so the platform repository's
 * periodic reconcile costs one read per object.
 */
export async function upsertArgoObject(
  knex: Knex,
  input: UpsertArgoObjectInput,
): Promise<UpsertArgoObjectResult> {
  const { object, origin } = input;
  const kind = object.kind;
  const table = argoObjectTable(kind);
  const name = object.metadata?.name;
  const namespace = object.metadata?.namespace;
  if (!name || !namespace) {
    throw new InputError(
      `Cannot store ${kind} '${
        name ?? '(no name)'
      }' without metadata.name and metadata.namespace`,
    );
  }
  const key: ArgoObjectKey = { kind, namespace, name };
  // Compared after a JSON round trip, as the stored manifest will be read back.
  const manifest = JSON.stringify(object);
  const manifestValue = JSON.parse(manifest);
  const now = new Date().toISOString();

  const outcome = await knex.transaction(async trx => {
    const query = trx<ArgoObjectRow>(table)
      .where({ namespace, name })
      .first('manifest', 'origin', 'generation');
    const existing = await (isPostgres(trx) ? query.forUpdate() : query);
    if (!existing) {
      await trx(table)
        .insert({
          namespace,
          name,
          manifest,
          origin,
          generation: 1,
          created_at: now,
          updated_at: now,
        })
        // A racing writer created it first: this write then replaces it.
        .onConflict(['namespace', 'name'])
        .merge({
          manifest,
          origin,
          generation: trx.raw(`${table}.generation + 1`),
          updated_at: now,
        });
      return { created: true, changed: true };
    }
    const manifestChanged = !isDeepStrictEqual(
      parseStoredJson(existing.manifest, describeArgoObject(key)),
      manifestValue,
    );
    if (!manifestChanged && existing.origin === origin) {
      return { created: false, changed: false };
    }
    await trx(table)
      .where({ namespace, name })
      .update({
        manifest,
        origin,
        generation: Number(existing.generation) + (manifestChanged ? 1 : 0),
        updated_at: now,
      });
    return { created: false, changed: true };
  });
  const record = await getArgoObject(knex, key);
  return { record: record!, ...outcome };
}
