import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';

/**
 * The PostgreSQL version under test: the one `npm test` started (it sets
 * DRIFTLESS_TEST_POSTGRES_ID from the installed server), else 15, the version
 * production runs.
 */
const POSTGRES_ID = (process.env.DRIFTLESS_TEST_POSTGRES_ID ??
  'POSTGRES_15') as TestDatabaseId;

/** The databases Driftless supports: the embedded default and production's. */
export const SUPPORTED_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  POSTGRES_ID,
];

/**
 * TestDatabases for every supported database. PostgreSQL comes from
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING, which `npm test`
 * sets after starting a private server. When DRIFTLESS_REQUIRE_POSTGRES is
 * set (as `npm test` does), a missing server fails the run instead of
 * quietly testing SQLite alone.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({
    ids: SUPPORTED_DATABASE_IDS,
    disableDocker: true,
  });
  if (
    process.env.DRIFTLESS_REQUIRE_POSTGRES &&
    !databases.supports(POSTGRES_ID)
  ) {
    const variable = `BACKSTAGE_TEST_DATABASE_${POSTGRES_ID.replace(
      '_',
      '',
    )}_CONNECTION_STRING`;
    throw new Error(
      `DRIFTLESS_REQUIRE_POSTGRES is set but ${variable} is not: start PostgreSQL (scripts/test.sh does) or unset DRIFTLESS_REQUIRE_POSTGRES`,
    );
  }
  return databases;
}

/**
 * A second, independent client (its own connection pool) on the same
 * PostgreSQL database as `knex`, as a second backend replica would have.
 * Destroy it at the end of the test. SQLite's in-memory test databases
 * cannot be shared between clients.
 */
export function connectSecondClient(knex: Knex): Knex {
  if (knex.client.config.client !== 'pg') {
    throw new Error(
      `connectSecondClient needs PostgreSQL; this database uses ${String(
        knex.client.config.client,
      )}`,
    );
  }
  return knexFactory({ ...knex.client.config });
}
