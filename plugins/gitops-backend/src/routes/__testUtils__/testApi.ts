import type { PermissionsService } from '@backstage/backend-plugin-api';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
  type QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import {
  GITOPS_APPLICATION_RESOURCE_TYPE,
  toApplicationResourceRef,
} from '@driftless/backstage-plugin-gitops-common';
import type { Application, ClusterConfig } from '@driftless/gitops-engine';
import express from 'express';
import type { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import { testApplication } from '../../database/__testUtils__/storeTestUtils';
import type { ApplicationOrigin } from '../../database/types';
import { createRouter } from '../../router';
import { ClusterRegistry } from '../../services/clusters/ClusterRegistry';
import { readGitWebhookSettings } from '../../services/webhooks';
import { RecordingAuditor } from './RecordingAuditor';
import { RecordingGitOpsController } from './RecordingGitOpsController';

export { testApplication };

const databases = createTestDatabases();

/** A permission check the API made. */
export interface PermissionCheck {
  permission: string;
  resourceRef?: string;
  /** `authorizeConditional`: the decision asked for all applications at once. */
  conditional?: boolean;
}

/**
 * A permission policy decided per application, as a real policy with
 * conditions on the gitops-application resource type behaves: asked without
 * a resource it answers CONDITIONAL, asked for one app it applies `allows`.
 * Every check is recorded.
 */
export class PolicyPermissions implements PermissionsService {
  readonly checks: PermissionCheck[] = [];

  constructor(
    private readonly allows: (
      permission: string,
      resourceRef: string,
    ) => boolean,
  ) {}

  async authorize(requests: AuthorizePermissionRequest[]) {
    return requests.map(request => {
      const resourceRef = (request as { resourceRef?: string }).resourceRef;
      this.checks.push({ permission: request.permission.name, resourceRef });
      return {
        result:
          resourceRef !== undefined &&
          this.allows(request.permission.name, resourceRef)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      } as const;
    });
  }

  async authorizeConditional(requests: QueryPermissionRequest[]) {
    return requests.map(request => {
      this.checks.push({
        permission: request.permission.name,
        conditional: true,
      });
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'gitops',
        resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
        conditions: {
          rule: 'TEST_POLICY',
          resourceType: GITOPS_APPLICATION_RESOURCE_TYPE,
          params: {},
        },
      } as const;
    });
  }
}

export interface TestApiOptions {
  /** Default: allow everything. */
  permissions?: PermissionsService;
  /** `false` runs the API without a controller. */
  controller?: false;
  entities?: Entity[];
  /** `gitops.webhooks` config. */
  webhooks?: JsonObject;
  clusters?: ClusterConfig[];
}

export interface TestApi {
  app: express.Express;
  knex: Knex;
  store: DatabaseGitOpsStore;
  controller: RecordingGitOpsController;
  auditor: RecordingAuditor;
  logger: ReturnType<typeof mockServices.logger.mock>;
  /** Stores apps as the controller would (origin `config:0` unless given). */
  addApplications(
    applications: Application[],
    origin?: ApplicationOrigin,
  ): Promise<void>;
}

/**
 * The API's router on a real SQLite store, mounted at /api/gitops with
 * Backstage's mock auth (no header: the mock user; `mockCredentials.*.header()`
 * for others) and the backend's error handler.
 */
export async function createTestApi(
  options: TestApiOptions = {},
): Promise<TestApi> {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseGitOpsStore.create({
    database: mockServices.database({ knex }),
  });
  const clusters = new ClusterRegistry(options.clusters ?? [], new Map());
  const controller = new RecordingGitOpsController(store, clusters);
  const auditor = new RecordingAuditor();
  const logger = mockServices.logger.mock();
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions:
      options.permissions ??
      mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    auditor,
    logger,
    catalog: catalogServiceMock({ entities: options.entities ?? [] }),
    store,
    clusters,
    webhookSettings: readGitWebhookSettings(
      new ConfigReader({ gitops: { webhooks: options.webhooks ?? {} } }),
    ),
    probeTools: async () => [],
    controller: options.controller === false ? undefined : controller,
  });
  const app = express().use('/api/gitops', router).use(mockErrorHandler());
  return {
    app,
    knex,
    store,
    controller,
    auditor,
    logger,
    async addApplications(applications, origin = 'config:0') {
      for (const application of applications) {
        await store.upsertApplication({ application, origin });
      }
    },
  };
}

/** `<namespace>/<name>` of a test app in the default namespace. */
export function refOf(name: string, namespace = 'argocd'): string {
  return toApplicationResourceRef({ namespace, name });
}
