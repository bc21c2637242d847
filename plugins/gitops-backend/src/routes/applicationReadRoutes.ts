import {
  gitopsApplicationReadPermission,
  HEALTH_STATUS_CODES,
  SYNC_STATUS_CODES,
  type ApplicationEventsResponse,
  type ApplicationHistoryResponse,
  type ApplicationResourceResponse,
  type ManagedResourcesResponse,
  type ResourceActionsResponse,
  type ResourceEventsResponse,
} from '@driftless/backstage-plugin-gitops-common';
import type { Router } from 'express';
import { z } from 'zod';
import {
  DEFAULT_APPLICATION_PAGE_SIZE,
  MAX_APPLICATION_PAGE_SIZE,
  type ApplicationListFilter,
} from '../database/types';
import { listReadableApplications } from './applicationList';
import {
  toApplicationView,
  toEventView,
  toRevisionHistoryView,
} from './applicationView';
import { authorizeOnApplication } from './authorization';
import {
  requireApplication,
  requireCaller,
  requireController,
  type RouteContext,
} from './context';
import { ensureSecretValuesMasked } from './secretMasking';
import {
  booleanQuery,
  enumListQuery,
  integerQuery,
  listQuery,
  parseApplicationParams,
  parseRequestPart,
} from './validation';

const listApplicationsQuerySchema = z.strictObject({
  project: listQuery.optional(),
  cluster: z.string().min(1, 'give a cluster name or server URL').optional(),
  namespace: listQuery.optional(),
  appNamespace: listQuery.optional(),
  sync: enumListQuery(SYNC_STATUS_CODES).optional(),
  health: enumListQuery(HEALTH_STATUS_CODES).optional(),
  repo: listQuery.optional(),
  selector: z.string().optional(),
  entity: z.string().min(1, 'give an entity ref').optional(),
  owner: z.string().min(1, "give the owner's entity ref").optional(),
  search: z.string().max(253, 'search at most 253 characters').optional(),
  limit: integerQuery(1, MAX_APPLICATION_PAGE_SIZE).optional(),
  cursor: z.string().min(1).optional(),
  includeTotalCount: booleanQuery.optional(),
});

const MAX_EVENTS_PER_PAGE = 1000;

const eventsQuerySchema = z.strictObject({
  limit: integerQuery(1, MAX_EVENTS_PER_PAGE).optional(),
  cursor: integerQuery(1, Number.MAX_SAFE_INTEGER).optional(),
});

export const resourceRefSchema = z.strictObject({
  group: z.string().optional(),
  version: z.string().min(1, 'give the API version, e.g. v1 or v1alpha1'),
  kind: z.string().min(1, 'give the kind, e.g. Deployment'),
  namespace: z.string().optional(),
  name: z.string().min(1, "give the resource's name"),
});

/** Events are found by the object, not its schema: the apiVersion may be left out (as in Argo CD's events API). */
const resourceEventsQuerySchema = resourceRefSchema.extend({
  version: z
    .string()
    .min(1, 'give the API version, or leave it out')
    .optional(),
  uid: z.string().min(1, "give the resource's uid, or leave it out").optional(),
});

/** An empty list asks for nothing; it is read as "no filter", as an absent parameter. */
function nonEmpty(values: string[] | undefined): string[] | undefined {
  return values && values.length > 0 ? values : undefined;
}

/** Reads: list, get, tree, diffs, events, history, available resource actions. All need `read`. */
export function registerApplicationReadRoutes(
  router: Router,
  context: RouteContext,
): void {
  const { permissions, store } = context;

  router.get('/applications', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const query = parseRequestPart(
      listApplicationsQuerySchema,
      req.query,
      'query',
    );
    const filter: ApplicationListFilter = {};
    const set = <K extends keyof ApplicationListFilter>(
      field: K,
      value: ApplicationListFilter[K] | undefined,
    ) => {
      if (value !== undefined) {
        filter[field] = value;
      }
    };
    set('projects', nonEmpty(query.project));
    set('destinationNamespaces', nonEmpty(query.namespace));
    set('namespaces', nonEmpty(query.appNamespace));
    set('syncStatuses', nonEmpty(query.sync));
    set('healthStatuses', nonEmpty(query.health));
    set('repoURLs', nonEmpty(query.repo));
    set('labelSelector', query.selector);
    set('nameContains', query.search?.trim() || undefined);

    res.json(
      await listReadableApplications(context, credentials, {
        filter,
        cluster: query.cluster,
        entity: query.entity,
        owner: query.owner,
        limit: query.limit ?? DEFAULT_APPLICATION_PAGE_SIZE,
        cursor: query.cursor,
        includeTotalCount: query.includeTotalCount ?? false,
      }),
    );
  });

  router.get('/applications/:namespace/:name', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    await authorizeOnApplication(permissions, credentials, key, [
      gitopsApplicationReadPermission,
    ]);
    const record = await requireApplication(context, key);
    const [latestOperation, history] = await Promise.all([
      store.getLatestOperation(key),
      store.listHistory(key),
    ]);
    res.json(toApplicationView(record, { latestOperation, history }));
  });

  router.get(
    '/applications/:namespace/:name/resource-tree',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      await authorizeOnApplication(permissions, credentials, key, [
        gitopsApplicationReadPermission,
      ]);
      await requireApplication(context, key);
      res.json(await requireController(context).getResourceTree(key));
    },
  );

  router.get(
    '/applications/:namespace/:name/managed-resources',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      await authorizeOnApplication(permissions, credentials, key, [
        gitopsApplicationReadPermission,
      ]);
      await requireApplication(context, key);
      const resources = await requireController(context).getManagedResources(
        key,
      );
      const { items, unmaskedSecrets } = ensureSecretValuesMasked(resources);
      if (unmaskedSecrets.length > 0) {
        context.logger.error(
          `The controller returned Secret values in clear for application ${
            key.namespace
          }/${key.name} (${unmaskedSecrets.join(
            ', ',
          )}); the API masked them. This is a bug in the controller's masking`,
        );
      }
      const body: ManagedResourcesResponse = { items };
      res.json(body);
    },
  );

  router.get('/applications/:namespace/:name/events', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const query = parseRequestPart(eventsQuerySchema, req.query, 'query');
    await authorizeOnApplication(permissions, credentials, key, [
      gitopsApplicationReadPermission,
    ]);
    await requireApplication(context, key);
    const limit = query.limit ?? 100;
    const events = await store.listEvents({
      ...key,
      limit,
      beforeId: query.cursor,
    });
    const body: ApplicationEventsResponse = { items: events.map(toEventView) };
    if (events.length === limit) {
      body.nextCursor = String(events[events.length - 1].id);
    }
    res.json(body);
  });

  router.get('/applications/:namespace/:name/history', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    await authorizeOnApplication(permissions, credentials, key, [
      gitopsApplicationReadPermission,
    ]);
    await requireApplication(context, key);
    const body: ApplicationHistoryResponse = {
      items: (await store.listHistory(key)).map(toRevisionHistoryView),
    };
    res.json(body);
  });

  router.get('/applications/:namespace/:name/resource', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const resource = parseRequestPart(resourceRefSchema, req.query, 'query');
    await authorizeOnApplication(permissions, credentials, key, [
      gitopsApplicationReadPermission,
    ]);
    await requireApplication(context, key);
    const live = await requireController(context).getLiveResource(key, {
      ...resource,
      group: resource.group ?? '',
    });
    const body: ApplicationResourceResponse = {
      manifest: JSON.stringify(live),
    };
    res.json(body);
  });

  router.get(
    '/applications/:namespace/:name/resource/events',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      const resource = parseRequestPart(
        resourceEventsQuerySchema,
        req.query,
        'query',
      );
      await authorizeOnApplication(permissions, credentials, key, [
        gitopsApplicationReadPermission,
      ]);
      await requireApplication(context, key);
      const body: ResourceEventsResponse = {
        items: await requireController(context).getResourceEvents(key, {
          ...resource,
          group: resource.group ?? '',
        }),
      };
      res.json(body);
    },
  );

  router.get(
    '/applications/:namespace/:name/resource/actions',
    async (req, res) => {
      const credentials = await requireCaller(context, req);
      const key = parseApplicationParams(req.params);
      const resource = parseRequestPart(resourceRefSchema, req.query, 'query');
      await authorizeOnApplication(permissions, credentials, key, [
        gitopsApplicationReadPermission,
      ]);
      await requireApplication(context, key);
      const body: ResourceActionsResponse = {
        actions: await requireController(context).listResourceActions(key, {
          ...resource,
          group: resource.group ?? '',
        }),
      };
      res.json(body);
    },
  );
}
