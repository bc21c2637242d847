import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsApplicationSetCreatePermission,
  gitopsApplicationSetReadPermission,
  toApplicationSetResourceRef,
  type ApplicationSetEventsResponse,
  type GitOpsApplicationSetPermission,
  type ListApplicationSetsResponse,
} from '@driftless/backstage-plugin-gitops-common';
import type { Router } from 'express';
import { z } from 'zod';
import type { ApplicationKey, ArgoObjectRecord } from '../database/types';
import { DEFAULT_APPLICATION_NAMESPACE } from './applicationWriteRoutes';
import {
  toApplicationSetEventView,
  toApplicationSetView,
} from './applicationSetView';
import {
  audited,
  requireCaller,
  requireController,
  type RouteContext,
} from './context';
import {
  applicationNameSchema,
  integerQuery,
  listQuery,
  namespaceSchema,
  parseRequestPart,
} from './validation';

const setParamsSchema = z.object({
  namespace: namespaceSchema,
  name: applicationNameSchema,
});

const listQuerySchema = z.strictObject({
  namespace: listQuery.optional(),
  project: listQuery.optional(),
});

const eventsQuerySchema = z.strictObject({
  limit: integerQuery(1, 1000).optional(),
  cursor: integerQuery(1, Number.MAX_SAFE_INTEGER).optional(),
});

/** `POST /applicationsets/generate`: the set to dry-run, checked enough to name it; the engine checks the rest. */
const generateBodySchema = z.strictObject({
  applicationSet: z.looseObject({
    apiVersion: z.literal('argoproj.io/v1alpha1', {
      error: 'apiVersion must be argoproj.io/v1alpha1',
    }),
    kind: z.literal('ApplicationSet', { error: 'kind must be ApplicationSet' }),
    metadata: z.looseObject({
      name: applicationNameSchema,
      namespace: namespaceSchema.optional(),
    }),
    spec: z.record(z.string(), z.unknown(), {
      error: 'spec must be an object with generators and template',
    }),
  }),
});

function parseSetParams(params: unknown): ApplicationKey {
  return parseRequestPart(setParamsSchema, params, 'ApplicationSet path');
}

/** Throws NotAllowedError unless the caller holds `permission` on the set; checked before the set is loaded. */
async function authorizeOnApplicationSet(
  context: RouteContext,
  credentials: BackstageCredentials,
  key: ApplicationKey,
  permission: GitOpsApplicationSetPermission,
): Promise<void> {
  const resourceRef = toApplicationSetResourceRef(key);
  const [decision] = await context.permissions.authorize(
    [{ permission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not do this on ApplicationSet ${resourceRef}: it needs the permission '${permission.name}'. Ask an administrator of the Backstage permission policy to grant it`,
    );
  }
}

async function requireApplicationSet(
  context: RouteContext,
  key: ApplicationKey,
): Promise<ArgoObjectRecord> {
  const record = await context.store.getArgoObject({
    kind: 'ApplicationSet',
    ...key,
  });
  if (!record) {
    throw new NotFoundError(
      `ApplicationSet ${key.namespace}/${key.name} does not exist; check its namespace and name (GET /api/gitops/applicationsets lists them)`,
    );
  }
  return record;
}

/**
 * ApplicationSets: list and get with status, conditions and generated
 * Applications, their events, and dry runs (of a stored set, or of a set in
 * the request). ApplicationSets are defined in Git, so there is no write.
 */
export function registerApplicationSetRoutes(
  router: Router,
  context: RouteContext,
): void {
  const { permissions, store } = context;

  router.get('/applicationsets', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const query = parseRequestPart(listQuerySchema, req.query, 'query');
    const namespaces = query.namespace?.length ? query.namespace : undefined;
    const projects = query.project?.length ? query.project : undefined;
    const records = (
      await store.listArgoObjects({
        kind: 'ApplicationSet',
        ...(namespaces ? { namespaces } : {}),
      })
    ).filter(record => {
      if (!projects) return true;
      const template = record.manifest.spec?.template as
        | { spec?: { project?: string } }
        | undefined;
      return projects.includes(template?.spec?.project || 'default');
    });
    const decisions =
      records.length === 0
        ? []
        : await permissions.authorize(
            records.map(record => ({
              permission: gitopsApplicationSetReadPermission,
              resourceRef: toApplicationSetResourceRef(record),
            })),
            { credentials },
          );
    const readable = records.filter(
      (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
    );
    const statuses = new Map(
      (
        await store.listApplicationSetStatuses(namespaces ? { namespaces } : {})
      ).map(status => [`${status.namespace}/${status.name}`, status]),
    );
    const body: ListApplicationSetsResponse = {
      items: readable.map(record =>
        toApplicationSetView(
          record,
          statuses.get(`${record.namespace}/${record.name}`),
        ),
      ),
    };
    res.json(body);
  });

  router.get('/applicationsets/:namespace/:name', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseSetParams(req.params);
    await authorizeOnApplicationSet(
      context,
      credentials,
      key,
      gitopsApplicationSetReadPermission,
    );
    const record = await requireApplicationSet(context, key);
    res.json(
      toApplicationSetView(record, await store.getApplicationSetStatus(key)),
    );
  });

  router.get('/applicationsets/:namespace/:name/events', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseSetParams(req.params);
    const query = parseRequestPart(eventsQuerySchema, req.query, 'query');
    await authorizeOnApplicationSet(
      context,
      credentials,
      key,
      gitopsApplicationSetReadPermission,
    );
    await requireApplicationSet(context, key);
    const limit = query.limit ?? 100;
    const events = await store.listApplicationSetEvents({
      ...key,
      limit,
      beforeId: query.cursor,
    });
    const body: ApplicationSetEventsResponse = {
      items: events.map(toApplicationSetEventView),
    };
    if (events.length === limit) {
      body.nextCursor = String(events[events.length - 1].id);
    }
    res.json(body);
  });

  // A stored set's dry run shows what it generates from Git now; reading it is enough.
  router.post(
    '/applicationsets/:namespace/:name/generate',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseSetParams(req.params);
      await authorizeOnApplicationSet(
        context,
        credentials,
        key,
        gitopsApplicationSetReadPermission,
      );
      const record = await requireApplicationSet(context, key);
      res.json(
        await requireController(context).generateApplicationSet({
          ...record.manifest,
          metadata: {
            ...record.manifest.metadata,
            name: record.name,
            namespace: record.namespace,
          },
        }),
      );
    },
  );

  router.post('/applicationsets/generate', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const { applicationSet } = parseRequestPart(
      generateBodySchema,
      req.body,
      'request body',
    );
    const key = {
      // As POST /applications does for Applications.
      namespace:
        applicationSet.metadata.namespace ?? DEFAULT_APPLICATION_NAMESPACE,
      name: applicationSet.metadata.name,
    };
    const response = await audited(
      context,
      req,
      {
        eventId: 'applicationset-generate',
        severityLevel: 'low',
        meta: { applicationSet: toApplicationSetResourceRef(key) },
      },
      async () => {
        await authorizeOnApplicationSet(
          context,
          credentials,
          key,
          gitopsApplicationSetCreatePermission,
        );
        return requireController(context).generateApplicationSet({
          ...applicationSet,
          metadata: { ...applicationSet.metadata, namespace: key.namespace },
        });
      },
    );
    res.json(response);
  });
}
