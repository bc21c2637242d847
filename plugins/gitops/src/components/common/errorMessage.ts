import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, in the backend's words: a `ResponseError`'s own message
 * is only "Request failed with 403 Forbidden", while the error it carries
 * from the backend says what was refused and why.
 */
export function errorMessage(error: unknown): string {
  if (ResponseError.is(error) && error.cause.message) {
    return error.cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
