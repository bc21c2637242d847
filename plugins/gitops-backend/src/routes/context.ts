import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';
import type { GitOpsStore } from '../database/GitOpsStore';
import type { ApplicationKey, ApplicationRecord } from '../database/types';
import type { ClusterRegistry } from '../services/clusters/ClusterRegistry';
import type { GitOpsController, Initiator } from '../services/controller/types';
import type { GitWebhookSettings } from '../services/webhooks';

/** What the route handlers share. */
export interface RouteContext {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  store: GitOpsStore;
  clusters: ClusterRegistry;
  catalog: CatalogService;
  webhookSettings: GitWebhookSettings;
  /** Absent until the application controller runs; routes that need it answer 503. */
  controller?: GitOpsController;
}

/** The caller of an authenticated route: users and other backends. */
export async function requireCaller(
  context: RouteContext,
  request: Request,
): Promise<BackstageCredentials> {
  return context.httpAuth.credentials(request, { allow: ['user', 'service'] });
}

/** Operations record who asked: the user's entity ref, else the calling service. */
export function initiatorOf(credentials: BackstageCredentials): Initiator {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: string };
  if ('userEntityRef' in principal) {
    return { username: principal.userEntityRef };
  }
  if ('subject' in principal) {
    return { username: principal.subject };
  }
  return {};
}

export function requireController(context: RouteContext): GitOpsController {
  if (!context.controller) {
    throw new ServiceUnavailableError(
      'the GitOps controller is not running in this backend, so this request cannot be served; ' +
        'reads of stored applications still work. Ask the operators to run the backend with the controller',
    );
  }
  return context.controller;
}

/**
 * Runs a write action as an audit event: recorded when it starts, then as
 * succeeded or failed (a refused permission included). `meta` must hold no
 * secret and no manifest.
 */
export async function audited<T>(
  context: RouteContext,
  request: Request,
  event: {
    eventId: string;
    severityLevel?: AuditorServiceEventSeverityLevel;
    meta: JsonObject;
  },
  action: () => Promise<T>,
): Promise<T> {
  const auditorEvent = await context.auditor.createEvent({
    eventId: event.eventId,
    severityLevel: event.severityLevel ?? 'medium',
    request,
    meta: event.meta,
  });
  try {
    const result = await action();
    await auditorEvent.success();
    return result;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

/** The stored app, or a NotFoundError that says how to find the right one. */
export async function requireApplication(
  context: RouteContext,
  key: ApplicationKey,
): Promise<ApplicationRecord> {
  const record = await context.store.getApplication(key);
  if (!record) {
    throw new NotFoundError(
      `Application ${key.namespace}/${key.name} does not exist; check its namespace and name (GET /api/gitops/applications lists them)`,
    );
  }
  return record;
}
