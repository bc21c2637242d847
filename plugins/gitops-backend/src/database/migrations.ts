import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@driftless/backstage-plugin-gitops-backend',
  'migrations',
);

/** Brings the plugin's database schema up to date. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
}

/** Exposed for migration tests, which also walk the schema down. */
export const migrationsDirectory = MIGRATIONS_DIRECTORY;
