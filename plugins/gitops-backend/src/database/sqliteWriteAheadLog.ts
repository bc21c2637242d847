import type { Knex } from 'knex';

interface BetterSqliteConnection {
  pragma(source: string): unknown;
}

function useWriteAheadLog(connection: BetterSqliteConnection): void {
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
}

/**
 * SQLite only: a write-ahead log, synced to disk at checkpoints rather than
 * at every commit. better-sqlite3 runs queries synchronously, so with the
 * default rollback journal every commit's fsync (tens of ms) stalls the
 * whole backend; a controller commits several times per sync. A killed
 * process loses nothing (the log is in the OS's page cache); a power cut may
 * lose the last commits, which the controller redoes as it does after any
 * crash. In-memory databases ignore it.
 */
export async function useSqliteWriteAheadLog(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'better-sqlite3') return;
  // Connections the pool opens later get it too (synchronous is per connection).
  knex.client.pool?.on(
    'createSuccess',
    (_eventId: unknown, connection: BetterSqliteConnection) =>
      useWriteAheadLog(connection),
  );
  const connection = await knex.client.acquireConnection();
  try {
    useWriteAheadLog(connection);
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
