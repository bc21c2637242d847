import type { Knex } from 'knex';

/** Whether the client talks to PostgreSQL (row locks exist) rather than SQLite (one writer at a time). */
export function isPostgres(knex: Knex): boolean {
  return (
    knex.client.config.client === 'pg' || knex.client.dialect === 'postgresql'
  );
}

/** Whether a driver error is a unique or primary key violation (pg 23505, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
