import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';

/** The databases Driftless supports: the embedded default and production's. */
export const SUPPORTED_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_15',
];

/**
 * TestDatabases for every supported database. PostgreSQL comes from
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, which `npm test`
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
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'DRIFTLESS_REQUIRE_POSTGRES is set but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not: start PostgreSQL 15 (scripts/test.sh does) or unset it',
    );
  }
  return databases;
}
