import { InputError } from '@backstage/errors';
import type { ApplicationKey } from '../../types';

/**
 * Page cursors name the last Application of a page. Pages are ordered by the
 * key, so the next page starts right after it whatever was added or deleted
 * in between: no app present throughout is skipped or repeated.
 */
export function encodeApplicationCursor(last: ApplicationKey): string {
  return Buffer.from(JSON.stringify([last.namespace, last.name])).toString(
    'base64url',
  );
}

export function decodeApplicationCursor(cursor: string): ApplicationKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    !decoded.every(part => typeof part === 'string')
  ) {
    throw new InputError(
      `Cursor '${cursor}' is not one this API returned; list again without a cursor to start from the first page`,
    );
  }
  return { namespace: decoded[0], name: decoded[1] };
}
