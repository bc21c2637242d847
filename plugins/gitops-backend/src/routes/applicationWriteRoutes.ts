import { InputError, NotAllowedError } from '@backstage/errors';
import {
  gitopsApplicationCreatePermission,
  gitopsApplicationDeletePermission,
  gitopsApplicationUpdatePermission,
  toApplicationResourceRef,
} from '@driftless/backstage-plugin-gitops-common';
import {
  ApplicationValidationError,
  parseApplication,
  type Application,
} from '@driftless/gitops-engine';
import type { Router } from 'express';
import { z } from 'zod';
import type { ApplicationKey, ApplicationRecord } from '../database/types';
import {
  describeWhereManaged,
  toApplicationView,
  writableApplicationDocument,
} from './applicationView';
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
  namespaceSchema,
  parseApplicationParams,
  parseRequestPart,
} from './validation';

/** Argo CD's control-plane namespace, where apps live unless their manifest says otherwise. */
export const DEFAULT_APPLICATION_NAMESPACE = 'argocd';

const deleteQuerySchema = z.strictObject({
  cascade: booleanQuery.optional(),
  propagationPolicy: z
    .enum(['foreground', 'background', 'orphan'], {
      error: "use 'foreground', 'background' or 'orphan'",
    })
    .optional(),
});

/**
 * The request body as an Application: server-set fields dropped, metadata
 * defaulted from `defaults`, validated as the controller validates manifests.
 */
function applicationFromBody(
  body: unknown,
  defaults: Partial<ApplicationKey>,
): Application {
  const document = writableApplicationDocument(body);
  if (document && typeof document === 'object' && !Array.isArray(document)) {
    const record = document as Record<string, unknown>;
    const metadata =
      record.metadata && typeof record.metadata === 'object'
        ? (record.metadata as Record<string, unknown>)
        : {};
    record.metadata = {
      ...metadata,
      namespace: metadata.namespace ?? defaults.namespace,
      name: metadata.name ?? defaults.name,
    };
  }
  let application: Application;
  try {
    application = parseApplication(document, 'the request body');
  } catch (error) {
    if (error instanceof ApplicationValidationError) {
      throw new InputError(error.message);
    }
    throw error;
  }
  parseRequestPart(
    namespaceSchema,
    application.metadata.namespace,
    'request body: metadata.namespace',
  );
  return application;
}

/** Apps from Git (config, app of apps) or an ApplicationSet are changed there, never through the API. */
function requireApiManaged(record: ApplicationRecord, doing: string): void {
  if (record.origin !== 'api') {
    throw new NotAllowedError(
      `Cannot ${doing} application ${toApplicationResourceRef(
        record,
      )} through the API: it is managed by ${describeWhereManaged(
        record.origin,
      )}. The API changes only applications created through it`,
    );
  }
}

/** Create, update, delete of API-managed applications. */
export function registerApplicationWriteRoutes(
  router: Router,
  context: RouteContext,
): void {
  const { permissions, store } = context;

  router.post('/applications', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const application = applicationFromBody(req.body, {
      namespace: DEFAULT_APPLICATION_NAMESPACE,
    });
    const key = {
      namespace: application.metadata.namespace!,
      name: application.metadata.name,
    };
    const record = await audited(
      context,
      req,
      {
        eventId: 'application-create',
        meta: { application: toApplicationResourceRef(key) },
      },
      async () => {
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationCreatePermission,
        ]);
        const result = await store.upsertApplication({
          application,
          origin: 'api',
          mode: 'create',
        });
        context.controller?.applicationChanged(key);
        return result.application;
      },
    );
    res.status(201).json(toApplicationView(record));
  });

  router.put('/applications/:namespace/:name', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const application = applicationFromBody(req.body, key);
    if (
      application.metadata.namespace !== key.namespace ||
      application.metadata.name !== key.name
    ) {
      throw new InputError(
        `Invalid request body: metadata names ${application.metadata.namespace}/${application.metadata.name} but the path ${key.namespace}/${key.name}; an Application cannot be renamed or moved, create the new one and delete this one`,
      );
    }
    const record = await audited(
      context,
      req,
      {
        eventId: 'application-update',
        meta: { application: toApplicationResourceRef(key) },
      },
      async () => {
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationUpdatePermission,
        ]);
        requireApiManaged(await requireApplication(context, key), 'update');
        const result = await store.upsertApplication({
          application,
          origin: 'api',
        });
        context.controller?.applicationChanged(key);
        return result.application;
      },
    );
    res.json(
      toApplicationView(record, {
        latestOperation: await store.getLatestOperation(key),
      }),
    );
  });

  router.delete('/applications/:namespace/:name', async (req, res) => {
    const credentials = await requireCaller(context, req);
    const key = parseApplicationParams(req.params);
    const query = parseRequestPart(deleteQuerySchema, req.query, 'query');
    // Argo CD's defaults: delete the app's resources too, owners after what they own.
    const cascade = query.cascade ?? true;
    const propagationPolicy = query.propagationPolicy ?? 'foreground';
    await audited(
      context,
      req,
      {
        eventId: 'application-delete',
        meta: {
          application: toApplicationResourceRef(key),
          cascade,
          propagationPolicy,
        },
      },
      async () => {
        await authorizeOnApplication(permissions, credentials, key, [
          gitopsApplicationDeletePermission,
        ]);
        requireApiManaged(await requireApplication(context, key), 'delete');
        await requireController(context).deleteApplication(
          key,
          { cascade, propagationPolicy },
          initiatorOf(credentials),
        );
      },
    );
    res.json({});
  });
}
