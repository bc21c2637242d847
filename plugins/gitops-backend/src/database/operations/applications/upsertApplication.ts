import { ConflictError } from '@backstage/errors';
import type { Application } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import { isDeepStrictEqual } from 'node:util';
import { isPostgres, isUniqueViolation } from '../../dialect';
import { parseStoredJson } from '../../json';
import type { ApplicationRow } from '../../tables';
import type {
  UpsertApplicationInput,
  UpsertApplicationResult,
} from '../../types';
import { applicationKeyOf, formatApplicationKey } from './applicationKey';
import { indexApplication, writeApplicationIndex } from './applicationIndex';
import { getApplication } from './getApplication';

/**
 * Creates or replaces an Application, bumping its spec generation when the
 * spec changed, and re-deriving its indexed fields. The manifest is stored as
 * given (callers pass metadata and spec; status lives in application_status).
 */
export async function upsertApplication(
  knex: Knex,
  input: UpsertApplicationInput,
): Promise<UpsertApplicationResult> {
  const { application, origin, mode = 'upsert' } = input;
  const key = applicationKeyOf(application);
  const manifest = JSON.stringify(application);
  // Compared after a JSON round trip, as the stored spec will be read back.
  const spec = JSON.parse(JSON.stringify(application.spec ?? null));
  const index = indexApplication(application);
  const now = new Date().toISOString();
  const alreadyExists = () =>
    new ConflictError(
      `Application ${formatApplicationKey(
        key,
      )} already exists; update it instead, or delete it first`,
    );

  try {
    return await knex.transaction(async trx => {
      const existingQuery = trx<ApplicationRow>('applications')
        .where(key)
        .first('manifest', 'spec_generation');
      const existing = await (isPostgres(trx)
        ? existingQuery.forUpdate()
        : existingQuery);
      if (existing && mode === 'create') {
        throw alreadyExists();
      }

      let specChanged = true;
      const columns = { manifest, origin, ...index.columns, updated_at: now };
      if (existing) {
        const storedSpec =
          parseStoredJson<Application>(
            existing.manifest,
            `application ${formatApplicationKey(key)}`,
          ).spec ?? null;
        specChanged = !isDeepStrictEqual(storedSpec, spec);
        await trx('applications')
          .where(key)
          .update({
            ...columns,
            spec_generation:
              Number(existing.spec_generation) + (specChanged ? 1 : 0),
          });
      } else {
        const insert = trx('applications').insert({
          ...key,
          ...columns,
          spec_generation: 1,
          created_at: now,
        });
        if (mode === 'create') {
          await insert;
        } else {
          // Another writer may create the app between our read and this
          // insert (PostgreSQL); then its row is updated and counted as a
          // spec change, which at worst causes one extra refresh.
          await insert.onConflict(['namespace', 'name']).merge({
            ...columns,
            spec_generation: trx.raw('applications.spec_generation + 1'),
          });
        }
      }
      await writeApplicationIndex(trx, key, index);

      const stored = await getApplication(trx, key);
      return { application: stored!, created: !existing, specChanged };
    });
  } catch (error) {
    if (mode === 'create' && isUniqueViolation(error)) {
      throw alreadyExists();
    }
    throw error;
  }
}
