import { JsonObject } from './types';

/** One field problem inside an Invalid or Conflict error, as in StatusCause. */
export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/**
 * An API error that the HTTP layer turns into a `Status` object with the same
 * code and reason a real API server uses, so clients branch on them unchanged.
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** Names a resource the way the API server does in messages: `deployments.apps`. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(
  group: string,
  resource: string,
  name: string,
): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(group, resource)} "${name}" not found`,
    { name, group: group || undefined, kind: resource },
  );
}

export function alreadyExists(
  group: string,
  resource: string,
  name: string,
): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(group, resource)} "${name}" already exists`,
    { name, group: group || undefined, kind: resource },
  );
}

export function conflict(
  group: string,
  resource: string,
  name: string,
  why: string,
): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      group,
      resource,
    )} "${name}": ${why}`,
    { name, group: group || undefined, kind: resource },
  );
}

export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function invalid(
  group: string,
  kind: string,
  name: string,
  causes: StatusCause[],
): ApiError {
  const list = causes.map(cause => `${cause.field}: ${cause.message}`);
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const message = `${qualifiedKind} "${name}" is invalid: ${
    list.length === 1 ? list[0] : `[${list.join(', ')}]`
  }`;
  return new ApiError(422, 'Invalid', message, {
    name,
    group: group || undefined,
    kind,
    causes: causes.map(cause => ({
      type: cause.type ?? 'FieldValueInvalid',
      message: cause.message,
      field: cause.field,
    })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(
  group: string,
  resource: string,
  name: string,
  why: string,
): ApiError {
  return new ApiError(
    403,
    'Forbidden',
    `${qualifiedResource(group, resource)} "${name}" is forbidden: ${why}`,
    { name, group: group || undefined, kind: resource },
  );
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', message);
}
