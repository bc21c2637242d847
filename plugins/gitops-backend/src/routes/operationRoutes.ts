import { NotAllowedError } from '@backstage/errors';
import {
  gitopsApplicationActionPermission,
  gitopsApplicationOverridePermission,
  gitopsApplicationReadPermission,
  gitopsApplicationSyncPermission,
  toApplicationResourceRef,
  type SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import {
  applicationSources,
  normalizeTargetRevision,
  type Application,
} from '@driftless/gitops-engine';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { ApplicationKey, OperationRecord } from '../database/types';
import { resourceRefSchema } from './applicationReadRoutes';
import { toApplicationView } from './applicationView';
import { authorizeOnApplication } from './authorization';
import {
  audited,
  initiatorOf,
  requireApplication,
  requireCaller,
  requireController,
  type RouteContext,
} from './context';
import {
  booleanQuery,
  parseApplicationParams,
  parseRequestPart,
} from './validation';

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const goDuration = z
  .string()
  .regex(GO_DURATION, 'give a duration such as 5s, 3m or 1h30m');

const syncRequestSchema = z.strictObject({
  revision: z
    .string()
    .trim()
    .min(1, 'give a branch, tag or commit, or leave revision out')
    .optional(),
  prune: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  syncOptions: z
    .array(
      z
        .string()
        .regex(
          /^[A-Za-z]+=.+$/,
          'a sync option is Name=value, e.g. ServerSideApply=true',
        ),
    )
    .optional(),
  resources: z
    .array(
      z.strictObject({
        group: z.string().optional(),
        kind: z.string().min(1, 'give the kind'),
        name: z.string().min(1, 'give the name'),
        namespace: z.string().optional(),
      }),
    )
    .optional(),
  strategy: z
    .strictObject({
      apply: z.strictObject({ force: z.boolean().optional() }).optional(),
      hook: z.strictObject({ force: z.boolean().optional() }).optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      limit: z.number().int().optional(),
      backoff: z
        .strictObject({
          duration: goDuration.optional(),
          factor: z.number().int().min(1).optional(),
          maxDuration: goDuration.optional(),
        })
        .optional(),
    })
    .optional(),
});

const rollbackRequestSchema = z.strictObject({
  id: z.number({ error: 'give the id of a status.history entry' }).int().min(0),
  prune: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});

const refreshQuerySchema = z.strictObject({ hard: booleanQuery.optional() });

const runActionRequestSchema = resourceRefSchema.extend({
  action: z.string().min(1, 'give the action, e.g. restart'),
  params: z
    .array(z.strictObject({ name: z.string().min(1), value: z.string() }))
    .optional(),
});

function automatedSyncEnabled(application: Application): boolean {
  const automated = application.spec.syncPolicy?.automated;
  return Boolean(automated) && automated?.enabled !== false;
}

/**
 * Why a sync request deploys something other than what the app's spec
 * tracks in Git, which needs the `override` permission; undefined when it
 * does not. Argo CD asks `override` for local manifests (not accepted here)
 * and, when `application.sync.requireOverridePrivilegeForRevisionSync` is on,
 * for a revision other than the targetRevision; Driftless always does the
 * latter. Prune, selective sync, sync options and force still deploy Git's
 * content at the tracked revision, so `sync` covers them; a dry run deploys
 * nothing.
 */
export function syncOverrideReason(
  application: Application,
  request: SyncRequest,
): string | undefined {
  if (request.revision === undefined || request.dryRun) {
    return undefined;
  }
  const sources = applicationSources(application.spec);
  if (sources.length !== 1) {
    return `revision '${request.revision}' for an application with ${sources.length} sources`;
  }
  const target = normalizeTargetRevision(sources[0].targetRevision);
  return normalizeTargetRevision(request.revision) === target
    ? undefined
    : `revision '${request.revision}' instead of its targetRevision '${target}'`;
}

async function respondWithApplication(
  context: RouteContext,
  res: Response,
  key: ApplicationKey,
  operation?: OperationRecord,
): Promise<void> {
  const record = await requireApplication(context, key);
  res.json(
    toApplicationView(record, {
      latestOperation:
        operation ?? (await context.store.getLatestOperation(key)),
    }),
  );
}

/** Sync, refresh, rollback, terminate, resource actions. */
export function registerOperationRoutes(
  router: Router,
  context: RouteContext,
): void {
  const { permissions } = context;

  router.post('/applications/:namespace/:name/sync', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const request: SyncRequest = parseRequestPart(
      syncRequestSchema,
      req.body,
      'request body',
    );
    const ref = toApplicationResourceRef(key);
    const operation = await audited(
      context,
      req,
      {
        eventId: 'application-sync',
        meta: {
          application: ref,
          ...(request.revision ? { revision: request.revision } : {}),
          prune: request.prune ?? false,
          dryRun: request.dryRun ?? false,
          ...(request.resources ? { resources: request.resources.length } : {}),
        },
      },
      async () => {
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationSyncPermission,
        ]);
        const { manifest } = await requireApplication(context, key);
        const override = syncOverrideReason(manifest, request);
        if (override) {
          await authorizeOnApplication(permissions, credentials, key, [
            gitopsApplicationOverridePermission,
          ]);
          if (automatedSyncEnabled(manifest)) {
            throw new NotAllowedError(
              `Cannot sync application ${ref} to ${override}: automated sync keeps it at its targetRevision. ` +
                'Sync without a revision, use a dry run, or turn automated sync off first (spec.syncPolicy.automated)',
            );
          }
        }
        return requireController(context).requestSync(
          key,
          request,
          initiatorOf(credentials),
        );
      },
    );
    await respondWithApplication(context, res, key, operation);
  });

  router.post('/applications/:namespace/:name/refresh', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const { hard = false } = parseRequestPart(
      refreshQuerySchema,
      req.query,
      'query',
    );
    await audited(
      context,
      req,
      {
        eventId: 'application-refresh',
        severityLevel: 'low',
        meta: { application: toApplicationResourceRef(key), hard },
      },
      async () => {
        // A refresh only re-reads Git and the cluster: Argo CD lets readers do it.
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationReadPermission,
        ]);
        await requireApplication(context, key);
        await requireController(context).refresh(key, { hard });
      },
    );
    await respondWithApplication(context, res, key);
  });

  router.post('/applications/:namespace/:name/rollback', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const request = parseRequestPart(
      rollbackRequestSchema,
      req.body,
      'request body',
    );
    const operation = await audited(
      context,
      req,
      {
        eventId: 'application-rollback',
        meta: {
          application: toApplicationResourceRef(key),
          historyId: request.id,
          prune: request.prune ?? false,
          dryRun: request.dryRun ?? false,
        },
      },
      async () => {
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationSyncPermission,
        ]);
        await requireApplication(context, key);
        return requireController(context).rollback(
          key,
          request.id,
          { prune: request.prune, dryRun: request.dryRun },
          initiatorOf(credentials),
        );
      },
    );
    await respondWithApplication(context, res, key, operation);
  });

  router.delete(
    '/applications/:namespace/:name/operation',
    async (req: Request, res: Response) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      await audited(
        context,
        req,
        {
          eventId: 'operation-terminate',
          meta: { application: toApplicationResourceRef(key) },
        },
        async () => {
          await authorizeOnApplication(permissions, credentials, key, [
            gitopsApplicationSyncPermission,
          ]);
          await requireApplication(context, key);
          await requireController(context).terminateOperation(
            key,
            initiatorOf(credentials),
          );
        },
      );
      res.json({});
    },
  );

  router.post(
    '/applications/:namespace/:name/resource/actions',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      const request = parseRequestPart(
        runActionRequestSchema,
        req.body,
        'request body',
      );
      const { action, params = [], ...resource } = request;
      const resourceRef = { ...resource, group: resource.group ?? '' };
      await audited(
        context,
        req,
        {
          eventId: 'resource-action',
          meta: {
            application: toApplicationResourceRef(key),
            resource: `${resourceRef.group}/${resourceRef.version}/${
              resourceRef.kind
            } ${resourceRef.namespace ?? ''}/${resourceRef.name}`,
            action,
            // Names only: a parameter's value is the caller's, not the log's.
            params: params.map(param => param.name),
          },
        },
        async () => {
          await authorizeOnApplication(permissions, credentials, key, [
            gitopsApplicationActionPermission,
          ]);
          await requireApplication(context, key);
          await requireController(context).runResourceAction(
            key,
            resourceRef,
            action,
            params,
            initiatorOf(credentials),
          );
        },
      );
      res.json({});
    },
  );
}
