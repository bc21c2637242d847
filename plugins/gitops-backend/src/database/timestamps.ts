import { InputError } from '@backstage/errors';

/**
 * Timestamps are written as UTC ISO 8601 strings with milliseconds
 * (`2026-12-01T12:00:00.000Z`). PostgreSQL parses them into timestamptz;
 * SQLite keeps the text, whose fixed width makes string order chronological,
 * so `expires_at < ?` compares correctly on both.
 */
export function toStoredTimestamp(value: Date | string, field: string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `${field} '${String(
        value,
      )}' is not a valid timestamp; use ISO 8601, e.g. 2026-12-01T12:00:00Z`,
    );
  }
  return date.toISOString();
}

// SQLite's CURRENT_TIMESTAMP (the default of the first migration's columns): UTC without a zone.
const SQLITE_CURRENT_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** A timestamp column as an ISO string, whatever the driver returned (Date from pg, text or epoch ms from SQLite). */
export function fromStoredTimestamp(value: unknown): string {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'number') {
    return new Date(value).toISOString();
  }
  if (typeof value === 'string') {
    const text = SQLITE_CURRENT_TIMESTAMP.test(value)
      ? `${value.replace(' ', 'T')}Z`
      : value;
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) {
      return date.toISOString();
    }
  }
  throw new Error(
    `The database returned '${String(value)}' where a timestamp was expected`,
  );
}

export function fromStoredOptionalTimestamp(
  value: unknown,
): string | undefined {
  return value === null || value === undefined
    ? undefined
    : fromStoredTimestamp(value);
}
