import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  ApplicationIdentity,
  RevisionHistoryView,
  GitOpsApplication,
  GitOpsHealthResponse,
  HealthStatusCode,
  ListApplicationSetsResponse,
  ListClustersResponse,
  OperationPhase,
  SyncStatusCode,
} from '@driftless/backstage-plugin-gitops-common';
import type { GitOpsApi } from '../api/GitOpsApi';

export const annotatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: {
      'argocd/app-name': 'shop-dev,shop-prod',
      'argocd/app-selector': 'app.kubernetes.io/part-of=shop',
      'argocd/project-name': 'team-shop',
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

export const plainEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'docs-site' },
  spec: { type: 'website', owner: 'team-docs', lifecycle: 'production' },
};

export const healthResponse: GitOpsHealthResponse = {
  status: 'ok',
  database: { status: 'ok', applications: 7 },
  tools: [
    {
      name: 'kubectl',
      path: '/opt/tools/kubectl',
      version: 'v1.32.3 (kustomize v5.5.0)',
    },
    {
      name: 'helm',
      error: "'helm' was not found on PATH (1 directory searched)",
    },
  ],
};

export const clustersResponse: ListClustersResponse = {
  items: [
    {
      name: 'prod-eu',
      server: 'https://prod-eu.example.internal:6443',
      labels: { env: 'prod', region: 'eu' },
      authProvider: 'serviceAccount',
      source: 'config',
    },
  ],
};

/** What the backend's error middleware sends for a request without credentials. */
export const unauthenticatedClustersResponse = {
  error: { name: 'AuthenticationError', message: 'Missing credentials' },
  request: { method: 'GET', url: '/api/gitops/clusters' },
  response: { statusCode: 401 },
};

/** A fleet application as the list API returns it; only what the fleet page reads varies. */
export function fleetApplication(
  name: string,
  options: {
    namespace?: string;
    project?: string;
    cluster?: string;
    destinationNamespace?: string;
    sync?: SyncStatusCode;
    health?: HealthStatusCode;
    healthMessage?: string;
    revision?: string;
    operationPhase?: OperationPhase;
    finishedAt?: string;
    labels?: Record<string, string>;
  } = {},
): GitOpsApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: options.namespace ?? 'argocd',
      labels: options.labels ?? {},
      generation: 1,
      creationTimestamp: '2026-11-20T08:00:00Z',
    },
    spec: {
      project: options.project ?? 'default',
      source: {
        repoURL: 'https://github.com/acme/deploy.git',
        path: `apps/${name}`,
        targetRevision: 'main',
      },
      destination: {
        name: options.cluster ?? 'in-cluster',
        namespace: options.destinationNamespace ?? name,
      },
    },
    status: {
      sync: {
        status: options.sync ?? 'Synced',
        ...(options.revision ? { revision: options.revision } : {}),
      },
      health: {
        status: options.health ?? 'Healthy',
        ...(options.healthMessage ? { message: options.healthMessage } : {}),
      },
      ...(options.operationPhase
        ? {
            operationState: {
              operation: { sync: {} },
              phase: options.operationPhase,
              message: `operation ${options.operationPhase.toLowerCase()}`,
              startedAt: '2026-11-23T10:00:00Z',
              ...(options.finishedAt ? { finishedAt: options.finishedAt } : {}),
            },
          }
        : {}),
    },
    driftless: { origin: 'config:0', editable: false },
  };
}

/** Two ApplicationSets: a list generator's, and a matrix of clusters × Git directories. */
export const applicationSetsResponse: ListApplicationSetsResponse = {
  items: [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: {
        name: 'guestbook',
        namespace: 'argocd',
        generation: 2,
        creationTimestamp: '2026-11-20T08:00:00Z',
      },
      spec: {
        generators: [{ list: { elements: [{ env: 'dev' }, { env: 'prod' }] } }],
        template: { spec: { project: 'team-guestbook' } },
      },
      status: {
        conditions: [
          {
            type: 'ResourcesUpToDate',
            status: 'True',
            message: 'All applications have been generated successfully',
            reason: 'ApplicationSetUpToDate',
          },
        ],
        resources: [
          {
            group: 'argoproj.io',
            version: 'v1alpha1',
            kind: 'Application',
            namespace: 'argocd',
            name: 'guestbook-dev',
            status: 'Synced',
            health: { status: 'Healthy' },
          },
          {
            group: 'argoproj.io',
            version: 'v1alpha1',
            kind: 'Application',
            namespace: 'argocd',
            name: 'guestbook-prod',
            status: 'OutOfSync',
            health: { status: 'Degraded', message: 'Deployment has 0 ready' },
          },
        ],
        resourcesCount: 2,
        reconciledAt: '2026-11-23T10:00:00Z',
      },
      driftless: {
        origin: 'config:0',
        editable: false,
        applicationsSync: 'sync',
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: {
        name: 'platform-addons',
        namespace: 'argocd',
        generation: 1,
        creationTimestamp: '2026-11-21T08:00:00Z',
      },
      spec: {
        generators: [
          {
            matrix: {
              generators: [
                { clusters: { selector: { matchLabels: { env: 'prod' } } } },
                {
                  git: {
                    repoURL: 'https://github.com/acme/addons.git',
                    revision: 'main',
                    directories: [{ path: 'addons/*' }],
                  },
                },
              ],
            },
          },
        ],
      },
      status: {
        conditions: [
          {
            type: 'ErrorOccurred',
            status: 'True',
            message:
              'repository https://github.com/acme/addons.git: authentication required',
            reason: 'ApplicationGenerationFromParamsError',
          },
        ],
        resources: [],
        resourcesCount: 0,
      },
      driftless: {
        origin: 'app:argocd/root',
        editable: false,
        owner: { kind: 'Application', namespace: 'argocd', name: 'root' },
        applicationsSync: 'create-only',
      },
    },
  ],
};

/*
 * The entity overview card's data: three Applications of the `shop`
 * entity in two environments and three clusters, as the list API returns
 * them (plugins/gitops-backend/src/routes/applicationView.ts). Times are
 * relative to CARD_NOW, which card tests make luxon's "now".
 */

export const CARD_NOW = '2026-11-23T10:05:00Z';
export const SHOP_GITHUB_REPO = 'https://github.com/acme/shop-deploy.git';
/** A host no SCM integration serves: revisions show as text. */
export const SHOP_INTERNAL_REPO =
  'https://git.internal.example/acme/shop-deploy.git';
export const SHOP_DEV_REVISION = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const SHOP_PROD_EU_REVISION = '5e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5';
export const SHOP_PROD_US_REVISION = 'fedcba9876543210fedcba9876543210fedcba98';

/** Dev: automated sync, Synced and Healthy; its last sync finished 3 minutes before CARD_NOW. */
export const shopDevCardApplication: GitOpsApplication = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'shop-dev',
    namespace: 'gitops',
    labels: {
      'app.kubernetes.io/part-of': 'shop',
      'driftless.dev/environment': 'dev',
    },
    generation: 3,
    creationTimestamp: '2026-11-20T08:00:00Z',
  },
  spec: {
    project: 'team-shop',
    source: {
      repoURL: SHOP_GITHUB_REPO,
      path: 'apps/shop/overlays/dev',
      targetRevision: 'main',
    },
    destination: { name: 'in-cluster', namespace: 'shop-dev' },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
  status: {
    sync: { status: 'Synced', revision: SHOP_DEV_REVISION },
    health: { status: 'Healthy' },
    resources: [
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop-dev',
        name: 'web',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
    ],
    operationState: {
      operation: {
        sync: { revision: SHOP_DEV_REVISION },
        initiatedBy: { automated: true },
      },
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      startedAt: '2026-11-23T10:01:30Z',
      finishedAt: '2026-11-23T10:02:00Z',
      retryCount: 0,
    },
  },
  driftless: { origin: 'config:0', editable: false },
};

/**
 * Prod in Europe: OutOfSync and Progressing, a sync running in the Sync
 * phase at wave 2 (its PreSync hook and wave 1 done), manual sync.
 */
export const shopProdEuCardApplication: GitOpsApplication = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'shop-prod-eu',
    namespace: 'gitops',
    labels: { 'driftless.dev/environment': 'prod' },
    generation: 7,
    creationTimestamp: '2026-11-20T08:00:00Z',
  },
  spec: {
    project: 'team-shop',
    source: {
      repoURL: SHOP_GITHUB_REPO,
      path: 'apps/shop/overlays/prod',
      targetRevision: 'v1.4.0',
    },
    destination: { name: 'prod-eu', namespace: 'shop' },
  },
  operation: {
    sync: { revision: SHOP_PROD_EU_REVISION, prune: true },
    initiatedBy: { username: 'user:default/jane' },
  },
  status: {
    sync: { status: 'OutOfSync', revision: SHOP_PROD_EU_REVISION },
    health: {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 of 3 updated replicas',
    },
    resources: [
      {
        group: 'batch',
        version: 'v1',
        kind: 'Job',
        namespace: 'shop',
        name: 'db-migrate',
        hook: true,
      },
      {
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'shop',
        name: 'web-config',
        status: 'Synced',
        syncWave: 1,
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        status: 'OutOfSync',
        health: { status: 'Progressing' },
        syncWave: 2,
      },
      {
        version: 'v1',
        kind: 'Service',
        namespace: 'shop',
        name: 'web',
        status: 'OutOfSync',
        health: { status: 'Healthy' },
        syncWave: 2,
      },
    ],
    operationState: {
      operation: {
        sync: { revision: SHOP_PROD_EU_REVISION, prune: true },
        initiatedBy: { username: 'user:default/jane' },
      },
      phase: 'Running',
      message: 'waiting for healthy state of apps/Deployment/web',
      startedAt: '2026-11-23T10:04:00Z',
      retryCount: 0,
      syncResult: {
        revision: SHOP_PROD_EU_REVISION,
        resources: [
          {
            group: 'batch',
            version: 'v1',
            kind: 'Job',
            namespace: 'shop',
            name: 'db-migrate',
            status: 'Synced',
            hookType: 'PreSync',
            hookPhase: 'Succeeded',
            syncPhase: 'PreSync',
          },
          {
            group: '',
            version: 'v1',
            kind: 'ConfigMap',
            namespace: 'shop',
            name: 'web-config',
            status: 'Synced',
            message: 'configmap/web-config configured',
            syncPhase: 'Sync',
          },
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'web',
            status: 'Synced',
            message: 'deployment.apps/web configured',
            hookPhase: 'Running',
            syncPhase: 'Sync',
          },
        ],
      },
    },
  },
  driftless: { origin: 'config:0', editable: false },
};

/** Prod in the US: its repository is on a host no integration serves; Degraded after a failed sync. */
export const shopProdUsCardApplication: GitOpsApplication = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'shop-prod-us',
    namespace: 'gitops',
    labels: { 'driftless.dev/environment': 'prod' },
    generation: 5,
    creationTimestamp: '2026-11-20T08:00:00Z',
  },
  spec: {
    project: 'team-shop',
    source: {
      repoURL: SHOP_INTERNAL_REPO,
      path: 'apps/shop/overlays/prod',
      targetRevision: 'v1.3.2',
    },
    destination: {
      server: 'https://prod-us.example.internal:6443',
      namespace: 'shop',
    },
  },
  status: {
    sync: { status: 'Synced', revision: SHOP_PROD_US_REVISION },
    health: {
      status: 'Degraded',
      message: 'Deployment "web" exceeded its progress deadline',
    },
    resources: [
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        status: 'Synced',
        health: { status: 'Degraded' },
      },
    ],
    operationState: {
      operation: {
        sync: { revision: SHOP_PROD_US_REVISION },
        initiatedBy: { username: 'user:default/sam' },
      },
      phase: 'Failed',
      message:
        'one or more synchronization tasks completed unsuccessfully (retried 2 times).',
      startedAt: '2026-11-22T16:00:00Z',
      finishedAt: '2026-11-22T16:03:00Z',
      retryCount: 2,
    },
  },
  driftless: { origin: 'config:0', editable: false },
};

export const shopCardApplications: GitOpsApplication[] = [
  shopProdUsCardApplication,
  shopDevCardApplication,
  shopProdEuCardApplication,
];

/** shop-prod-us's deployments, oldest first as `status.history` lists them. */
export const shopProdUsHistory: RevisionHistoryView[] = [
  {
    id: 4,
    revision: 'c0ffee00deadbeef1234567890abcdef12345678',
    source: shopProdUsCardApplication.spec.source,
    deployedAt: '2026-11-20T09:00:00Z',
    initiatedBy: { username: 'user:default/sam' },
    phase: 'Succeeded',
  },
  {
    id: 5,
    revision: SHOP_PROD_US_REVISION,
    source: shopProdUsCardApplication.spec.source,
    deployedAt: '2026-11-22T16:03:00Z',
    initiatedBy: { username: 'user:default/sam' },
    phase: 'Failed',
  },
];

function applicationKeyOf(app: ApplicationIdentity): string {
  return `${app.namespace}/${app.name}`;
}

/**
 * A GitOps API over fixed Applications that answers the calls the entity
 * card and its actions make as the backend's routes do
 * (plugins/gitops-backend/src/routes/operationRoutes.ts and the
 * controller): a sync or rollback starts an operation, a rollback is
 * refused while automated sync is on, terminating needs a running
 * operation. Every method is a jest mock, so tests read what was sent;
 * methods the card does not call reject.
 */
export function fakeGitOpsApi(
  options: {
    applications?: GitOpsApplication[];
    history?: Record<string, RevisionHistoryView[]>;
  } = {},
) {
  const applications = options.applications ?? shopCardApplications;
  const history = options.history ?? {
    'gitops/shop-prod-us': shopProdUsHistory,
  };
  const find = (identity: ApplicationIdentity) => {
    const app = applications.find(
      candidate =>
        candidate.metadata.namespace === identity.namespace &&
        candidate.metadata.name === identity.name,
    );
    if (!app) {
      throw new NotFoundError(
        `Application ${applicationKeyOf(identity)} was not found`,
      );
    }
    return app;
  };
  const withOperation = (
    app: GitOpsApplication,
    operation: NonNullable<GitOpsApplication['operation']>,
  ): GitOpsApplication => ({
    ...app,
    operation,
    status: {
      ...app.status,
      operationState: {
        operation,
        phase: 'Running',
        startedAt: new Date().toISOString(),
      },
    },
  });
  const automated = (app: GitOpsApplication) => {
    const policy = app.spec.syncPolicy?.automated;
    return Boolean(policy) && policy?.enabled !== false;
  };
  const running = (app: GitOpsApplication) =>
    app.operation !== undefined ||
    app.status.operationState?.phase === 'Running' ||
    app.status.operationState?.phase === 'Terminating';

  const notCalledByTheCard = (method: string) => () =>
    Promise.reject(new Error(`the entity card does not call ${method}`));

  const api = {
    listApplications: jest.fn<
      ReturnType<GitOpsApi['listApplications']>,
      Parameters<GitOpsApi['listApplications']>
    >(async () => ({ items: applications })),
    getApplication: jest.fn<
      ReturnType<GitOpsApi['getApplication']>,
      Parameters<GitOpsApi['getApplication']>
    >(async identity => ({
      ...find(identity),
      status: {
        ...find(identity).status,
        history: history[applicationKeyOf(identity)] ?? [],
      },
    })),
    getHistory: jest.fn<
      ReturnType<GitOpsApi['getHistory']>,
      Parameters<GitOpsApi['getHistory']>
    >(async identity => {
      find(identity);
      return { items: history[applicationKeyOf(identity)] ?? [] };
    }),
    sync: jest.fn<ReturnType<GitOpsApi['sync']>, Parameters<GitOpsApi['sync']>>(
      async (identity, request) => {
        const app = find(identity);
        return withOperation(app, {
          sync: {
            ...(request.revision ? { revision: request.revision } : {}),
            ...(request.prune ? { prune: true } : {}),
            ...(request.dryRun ? { dryRun: true } : {}),
          },
          initiatedBy: { username: 'user:default/guest' },
        });
      },
    ),
    refresh: jest.fn<
      ReturnType<GitOpsApi['refresh']>,
      Parameters<GitOpsApi['refresh']>
    >(async identity => find(identity)),
    rollback: jest.fn<
      ReturnType<GitOpsApi['rollback']>,
      Parameters<GitOpsApi['rollback']>
    >(async (identity, request) => {
      const app = find(identity);
      if (automated(app)) {
        throw new NotAllowedError(
          `Rollback cannot be initiated while automated sync is enabled for application ${applicationKeyOf(
            identity,
          )}: disable automated sync (spec.syncPolicy.automated) first`,
        );
      }
      const entry = (history[applicationKeyOf(identity)] ?? []).find(
        candidate => candidate.id === request.id,
      );
      if (!entry) {
        throw new NotFoundError(
          `Application ${applicationKeyOf(identity)} has no history entry ${
            request.id
          }`,
        );
      }
      return withOperation(app, {
        sync: { revision: entry.revision, source: entry.source },
        initiatedBy: { username: 'user:default/guest' },
      });
    }),
    terminateOperation: jest.fn<
      ReturnType<GitOpsApi['terminateOperation']>,
      Parameters<GitOpsApi['terminateOperation']>
    >(async identity => {
      if (!running(find(identity))) {
        throw new NotFoundError(
          `No operation is in progress for application ${applicationKeyOf(
            identity,
          )}`,
        );
      }
    }),
    getHealth: jest.fn(notCalledByTheCard('getHealth')),
    listClusters: jest.fn(notCalledByTheCard('listClusters')),
    listApplicationSets: jest.fn(notCalledByTheCard('listApplicationSets')),
    getResourceTree: jest.fn(notCalledByTheCard('getResourceTree')),
    getManagedResources: jest.fn(notCalledByTheCard('getManagedResources')),
    getEvents: jest.fn(notCalledByTheCard('getEvents')),
    getLiveResource: jest.fn(notCalledByTheCard('getLiveResource')),
    getResourceEvents: jest.fn(notCalledByTheCard('getResourceEvents')),
    getResourceActions: jest.fn(notCalledByTheCard('getResourceActions')),
    runResourceAction: jest.fn(notCalledByTheCard('runResourceAction')),
  };
  return api satisfies GitOpsApi;
}
