import type {
  ApplicationEventView,
  GitOpsApplication,
  ManagedResource,
  ResourceEventView,
  ResourceTree,
} from '@driftless/backstage-plugin-gitops-common';

/*
 * One application as the backend serves it on the routes the GitOps tab
 * reads (see plugins/gitops-backend/src/routes/applicationView.ts and
 * services/controller/resourceViews.ts): `shop-dev` deploys a Deployment
 * (two ReplicaSets, two Pods), a Service, a Secret and a ConfigMap, runs a
 * PreSync Job hook, and has one ConfigMap left to prune. Its last sync
 * failed, so it carries a SyncError condition. Everything is consistent
 * across the application, its tree, its managed resources and its events.
 */

export const SHOP_REPO_URL = 'https://github.com/acme/shop-deploy.git';
export const REVISION_CURRENT = '4f2c9e1b7a3d5f60812c4e9ab7d3f1e2c5a6b7d8';
export const REVISION_PREVIOUS = '9a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
export const REVISION_FAILED = 'c0ffee00deadbeef1234567890abcdef12345678';

const SYNC_FAILURE =
  'one or more objects failed to apply, reason: Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.limits: Invalid value: "-1": must be greater than or equal to 0';

export const shopDevApplication: GitOpsApplication = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'shop-dev',
    namespace: 'gitops',
    labels: {
      'app.kubernetes.io/part-of': 'shop',
      'driftless.dev/environment': 'dev',
    },
    generation: 4,
    creationTimestamp: '2026-11-20T08:00:00Z',
  },
  spec: {
    project: 'team-shop',
    source: {
      repoURL: SHOP_REPO_URL,
      path: 'apps/shop/overlays/dev',
      targetRevision: 'main',
    },
    destination: { name: 'in-cluster', namespace: 'shop' },
    syncPolicy: { syncOptions: ['CreateNamespace=true'] },
  },
  status: {
    sync: {
      status: 'OutOfSync',
      revision: REVISION_FAILED,
      comparedTo: {
        source: {
          repoURL: SHOP_REPO_URL,
          path: 'apps/shop/overlays/dev',
          targetRevision: 'main',
        },
        destination: { name: 'in-cluster', namespace: 'shop' },
      },
    },
    health: { status: 'Progressing' },
    resources: [
      {
        group: '',
        version: 'v1',
        kind: 'Secret',
        namespace: 'shop',
        name: 'web-credentials',
        status: 'OutOfSync',
        syncWave: -1,
      },
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'shop',
        name: 'web-config',
        status: 'Synced',
        syncWave: 0,
      },
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'shop',
        name: 'legacy-flags',
        status: 'OutOfSync',
        requiresPruning: true,
      },
      {
        group: '',
        version: 'v1',
        kind: 'Service',
        namespace: 'shop',
        name: 'web',
        status: 'Synced',
        health: { status: 'Healthy' },
        syncWave: 0,
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        status: 'OutOfSync',
        health: {
          status: 'Progressing',
          message:
            'Waiting for rollout to finish: 1 old replicas are pending termination...',
        },
        syncWave: 1,
      },
      {
        group: 'batch',
        version: 'v1',
        kind: 'Job',
        namespace: 'shop',
        name: 'db-migrate',
        health: { status: 'Healthy' },
        hook: true,
      },
    ],
    conditions: [
      {
        type: 'SyncError',
        message: `Failed sync attempt to ${REVISION_FAILED}: ${SYNC_FAILURE}`,
        lastTransitionTime: '2026-11-23T09:12:40Z',
      },
    ],
    operationState: {
      operation: {
        sync: { revision: REVISION_FAILED, prune: false },
        initiatedBy: { username: 'user:default/alice' },
        retry: {},
      },
      phase: 'Failed',
      message: SYNC_FAILURE,
      startedAt: '2026-11-23T09:12:31Z',
      finishedAt: '2026-11-23T09:12:40Z',
      retryCount: 0,
      syncResult: {
        revision: REVISION_FAILED,
        source: {
          repoURL: SHOP_REPO_URL,
          path: 'apps/shop/overlays/dev',
          targetRevision: 'main',
        },
        resources: [
          {
            group: 'batch',
            version: 'v1',
            kind: 'Job',
            namespace: 'shop',
            name: 'db-migrate',
            status: 'Synced',
            message: 'job.batch/db-migrate created',
            hookType: 'PreSync',
            hookPhase: 'Succeeded',
            syncPhase: 'PreSync',
          },
          {
            group: '',
            version: 'v1',
            kind: 'Secret',
            namespace: 'shop',
            name: 'web-credentials',
            status: 'Synced',
            message: 'secret/web-credentials configured',
            syncPhase: 'Sync',
          },
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'web',
            status: 'SyncFailed',
            message:
              'Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.limits: Invalid value: "-1": must be greater than or equal to 0',
            syncPhase: 'Sync',
          },
        ],
      },
    },
    history: [
      {
        id: 1,
        revision: REVISION_PREVIOUS,
        source: {
          repoURL: SHOP_REPO_URL,
          path: 'apps/shop/overlays/dev',
          targetRevision: 'main',
        },
        deployStartedAt: '2026-11-21T10:00:00Z',
        deployedAt: '2026-11-21T10:00:42Z',
        initiatedBy: { automated: true },
        phase: 'Succeeded',
        resources: [
          {
            group: '',
            kind: 'Secret',
            namespace: 'shop',
            name: 'web-credentials',
            status: 'Synced',
          },
          {
            group: '',
            kind: 'Service',
            namespace: 'shop',
            name: 'web',
            status: 'Synced',
          },
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'web',
            status: 'Synced',
          },
        ],
      },
      {
        id: 2,
        revision: REVISION_CURRENT,
        source: {
          repoURL: SHOP_REPO_URL,
          path: 'apps/shop/overlays/dev',
          targetRevision: 'main',
        },
        deployStartedAt: '2026-11-22T15:30:00Z',
        deployedAt: '2026-11-22T15:30:51Z',
        initiatedBy: { username: 'user:default/bob' },
        phase: 'Succeeded',
        resources: [
          {
            group: '',
            kind: 'ConfigMap',
            namespace: 'shop',
            name: 'web-config',
            status: 'Synced',
          },
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'web',
            status: 'Synced',
          },
          {
            group: '',
            kind: 'ConfigMap',
            namespace: 'shop',
            name: 'old-banner',
            status: 'Pruned',
          },
        ],
      },
    ],
    reconciledAt: '2026-11-23T09:13:00Z',
    observedAt: '2026-11-23T09:13:00Z',
    sourceType: 'Kustomize',
    summary: { images: ['ghcr.io/acme/shop-web:1.4.0'] },
  },
  driftless: { origin: 'config:0', editable: false },
};

/** A second app of the same entity, healthy and in sync, with nothing wrong. */
export const shopProdApplication: GitOpsApplication = {
  ...shopDevApplication,
  metadata: {
    ...shopDevApplication.metadata,
    name: 'shop-prod',
    labels: {
      'app.kubernetes.io/part-of': 'shop',
      'driftless.dev/environment': 'prod',
    },
  },
  status: {
    sync: { status: 'Synced', revision: REVISION_CURRENT },
    health: { status: 'Healthy' },
    resources: [
      {
        group: '',
        version: 'v1',
        kind: 'Service',
        namespace: 'shop-prod',
        name: 'web',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
    ],
    conditions: [],
    history: [],
  },
};

const DEPLOYMENT_UID = '5d1c0e2a-0000-4000-8000-000000000001';
const REPLICASET_NEW_UID = '5d1c0e2a-0000-4000-8000-000000000002';
const REPLICASET_OLD_UID = '5d1c0e2a-0000-4000-8000-000000000003';
const JOB_UID = '5d1c0e2a-0000-4000-8000-000000000004';

const deploymentRef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  uid: DEPLOYMENT_UID,
};

/** `GET …/resource-tree`: live roots first, then what they own, as buildResourceTree orders them. */
export const shopDevResourceTree: ResourceTree = {
  nodes: [
    {
      group: '',
      version: 'v1',
      kind: 'Secret',
      namespace: 'shop',
      name: 'web-credentials',
      uid: '5d1c0e2a-0000-4000-8000-000000000010',
      resourceVersion: '4411',
      createdAt: '2026-11-20T08:01:00Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'web-config',
      uid: '5d1c0e2a-0000-4000-8000-000000000011',
      resourceVersion: '4412',
      createdAt: '2026-11-20T08:01:00Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'legacy-flags',
      uid: '5d1c0e2a-0000-4000-8000-000000000012',
      resourceVersion: '3001',
      createdAt: '2026-11-20T08:01:00Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'Service',
      namespace: 'shop',
      name: 'web',
      uid: '5d1c0e2a-0000-4000-8000-000000000013',
      resourceVersion: '4413',
      health: { status: 'Healthy' },
      createdAt: '2026-11-20T08:01:00Z',
    },
    {
      ...deploymentRef,
      resourceVersion: '5120',
      images: ['ghcr.io/acme/shop-web:1.4.0', 'ghcr.io/acme/shop-web:1.3.2'],
      health: {
        status: 'Progressing',
        message:
          'Waiting for rollout to finish: 1 old replicas are pending termination...',
      },
      createdAt: '2026-11-20T08:01:00Z',
    },
    {
      group: 'batch',
      version: 'v1',
      kind: 'Job',
      namespace: 'shop',
      name: 'db-migrate',
      uid: JOB_UID,
      resourceVersion: '5002',
      images: ['ghcr.io/acme/shop-migrations:1.4.0'],
      health: { status: 'Healthy' },
      createdAt: '2026-11-23T09:12:32Z',
    },
    {
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d9c5b6f48',
      uid: REPLICASET_NEW_UID,
      parentRefs: [deploymentRef],
      resourceVersion: '5118',
      images: ['ghcr.io/acme/shop-web:1.4.0'],
      health: { status: 'Healthy' },
      createdAt: '2026-11-22T15:30:10Z',
    },
    {
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-5b8f6c7d9a',
      uid: REPLICASET_OLD_UID,
      parentRefs: [deploymentRef],
      resourceVersion: '5119',
      images: ['ghcr.io/acme/shop-web:1.3.2'],
      health: { status: 'Healthy' },
      createdAt: '2026-11-21T10:00:10Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d9c5b6f48-x2k9p',
      uid: '5d1c0e2a-0000-4000-8000-000000000020',
      parentRefs: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'ReplicaSet',
          namespace: 'shop',
          name: 'web-7d9c5b6f48',
          uid: REPLICASET_NEW_UID,
        },
      ],
      info: [
        { name: 'Status Reason', value: 'Running' },
        { name: 'Containers', value: '1/1' },
      ],
      resourceVersion: '5117',
      images: ['ghcr.io/acme/shop-web:1.4.0'],
      health: { status: 'Healthy' },
      createdAt: '2026-11-22T15:30:12Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-5b8f6c7d9a-q7wbn',
      uid: '5d1c0e2a-0000-4000-8000-000000000021',
      parentRefs: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'ReplicaSet',
          namespace: 'shop',
          name: 'web-5b8f6c7d9a',
          uid: REPLICASET_OLD_UID,
        },
      ],
      info: [
        { name: 'Status Reason', value: 'Pending' },
        { name: 'Containers', value: '0/1' },
      ],
      resourceVersion: '5116',
      images: ['ghcr.io/acme/shop-web:1.3.2'],
      health: {
        status: 'Progressing',
        message: 'Pod is pending: ImagePullBackOff',
      },
      createdAt: '2026-11-23T09:00:00Z',
    },
    {
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'db-migrate-8xk2f',
      uid: '5d1c0e2a-0000-4000-8000-000000000022',
      parentRefs: [
        {
          group: 'batch',
          version: 'v1',
          kind: 'Job',
          namespace: 'shop',
          name: 'db-migrate',
          uid: JOB_UID,
        },
      ],
      info: [
        { name: 'Status Reason', value: 'Succeeded' },
        { name: 'Containers', value: '0/1' },
      ],
      resourceVersion: '5003',
      images: ['ghcr.io/acme/shop-migrations:1.4.0'],
      health: { status: 'Healthy' },
      createdAt: '2026-11-23T09:12:33Z',
    },
  ],
};

const json = (object: unknown) => JSON.stringify(object);

const deploymentMetadata = {
  name: 'web',
  namespace: 'shop',
  labels: { 'app.kubernetes.io/name': 'web' },
};

const deploymentSpec = (replicas: number, image: string, cpu: string) => ({
  replicas,
  selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
  template: {
    metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image,
          ports: [{ containerPort: 8080 }],
          resources: { limits: { cpu } },
        },
      ],
    },
  },
});

/**
 * `GET …/managed-resources`, masked as the backend masks Secrets: each value
 * becomes a run of `+`, equal values equal runs (here `username` is the same
 * on both sides and `password` changed).
 */
export const shopDevManagedResources: ManagedResource[] = [
  {
    group: '',
    kind: 'Secret',
    namespace: 'shop',
    name: 'web-credentials',
    targetState: json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-credentials', namespace: 'shop' },
      type: 'Opaque',
      data: { password: '++++++++++++', username: '++++++++' },
    }),
    liveState: json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'web-credentials',
        namespace: 'shop',
        uid: '5d1c0e2a-0000-4000-8000-000000000010',
        resourceVersion: '4411',
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
      type: 'Opaque',
      data: { password: '++++++++++++++++', username: '++++++++' },
    }),
    predictedLiveState: json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-credentials', namespace: 'shop' },
      type: 'Opaque',
      data: { password: '++++++++++++', username: '++++++++' },
    }),
    normalizedLiveState: json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-credentials', namespace: 'shop' },
      type: 'Opaque',
      data: { password: '++++++++++++++++', username: '++++++++' },
    }),
    hook: false,
    modified: true,
    requiresPruning: false,
    resourceVersion: '4411',
  },
  {
    group: '',
    kind: 'ConfigMap',
    namespace: 'shop',
    name: 'web-config',
    targetState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: 'shop' },
      data: { LOG_LEVEL: 'info' },
    }),
    liveState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'web-config',
        namespace: 'shop',
        resourceVersion: '4412',
      },
      data: { LOG_LEVEL: 'info' },
    }),
    predictedLiveState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: 'shop' },
      data: { LOG_LEVEL: 'info' },
    }),
    normalizedLiveState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: 'shop' },
      data: { LOG_LEVEL: 'info' },
    }),
    hook: false,
    modified: false,
    requiresPruning: false,
    resourceVersion: '4412',
  },
  {
    group: '',
    kind: 'ConfigMap',
    namespace: 'shop',
    name: 'legacy-flags',
    liveState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'legacy-flags',
        namespace: 'shop',
        resourceVersion: '3001',
      },
      data: { NEW_CHECKOUT: 'false' },
    }),
    normalizedLiveState: json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'legacy-flags', namespace: 'shop' },
      data: { NEW_CHECKOUT: 'false' },
    }),
    hook: false,
    modified: true,
    requiresPruning: true,
    resourceVersion: '3001',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    targetState: json({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: deploymentMetadata,
      spec: deploymentSpec(3, 'ghcr.io/acme/shop-web:1.5.0', '-1'),
    }),
    liveState: json({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...deploymentMetadata,
        uid: DEPLOYMENT_UID,
        resourceVersion: '5120',
        generation: 7,
      },
      spec: deploymentSpec(2, 'ghcr.io/acme/shop-web:1.4.0', '500m'),
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 2 },
    }),
    predictedLiveState: json({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: deploymentMetadata,
      spec: deploymentSpec(3, 'ghcr.io/acme/shop-web:1.5.0', '-1'),
    }),
    normalizedLiveState: json({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: deploymentMetadata,
      spec: deploymentSpec(2, 'ghcr.io/acme/shop-web:1.4.0', '500m'),
    }),
    hook: false,
    modified: true,
    requiresPruning: false,
    resourceVersion: '5120',
  },
  {
    group: '',
    kind: 'Service',
    namespace: 'shop',
    name: 'web',
    targetState: json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { ports: [{ port: 80, targetPort: 8080 }] },
    }),
    liveState: json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '4413' },
      spec: {
        clusterIP: '10.96.12.7',
        ports: [{ port: 80, targetPort: 8080 }],
      },
    }),
    predictedLiveState: json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { ports: [{ port: 80, targetPort: 8080 }] },
    }),
    normalizedLiveState: json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { ports: [{ port: 80, targetPort: 8080 }] },
    }),
    hook: false,
    modified: false,
    requiresPruning: false,
    resourceVersion: '4413',
  },
];

const event = (
  id: number,
  fields: Pick<ApplicationEventView, 'type' | 'reason' | 'message'> & {
    at: string;
    actor?: string;
  },
): ApplicationEventView => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {
    name: `shop-dev.${id}`,
    namespace: 'gitops',
    creationTimestamp: fields.at,
  },
  involvedObject: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    namespace: 'gitops',
    name: 'shop-dev',
  },
  type: fields.type,
  reason: fields.reason,
  message: fields.message,
  firstTimestamp: fields.at,
  lastTimestamp: fields.at,
  count: 1,
  source: { component: 'driftless' },
  ...(fields.actor ? { actor: fields.actor } : {}),
});

/** `GET …/events`, newest first, with the messages the controller writes. */
export const shopDevEvents: ApplicationEventView[] = [
  event(14, {
    type: 'Warning',
    reason: 'SyncError',
    message: `Failed sync attempt to ${REVISION_FAILED}: ${SYNC_FAILURE}`,
    at: '2026-11-23T09:12:41Z',
  }),
  event(13, {
    type: 'Warning',
    reason: 'OperationCompleted',
    message: `Sync operation to ${REVISION_FAILED} ended Failed: ${SYNC_FAILURE}`,
    at: '2026-11-23T09:12:40Z',
    actor: 'user:default/alice',
  }),
  event(12, {
    type: 'Normal',
    reason: 'OperationStarted',
    message: `Initiated sync to ${REVISION_FAILED} for user:default/alice`,
    at: '2026-11-23T09:12:31Z',
    actor: 'user:default/alice',
  }),
  event(11, {
    type: 'Normal',
    reason: 'ResourceActionRan',
    message:
      'Ran action restart on apps/Deployment shop/web for user:default/bob',
    at: '2026-11-23T08:40:00Z',
    actor: 'user:default/bob',
  }),
  event(10, {
    type: 'Normal',
    reason: 'ResourceUpdated',
    message: 'Updated sync status: Synced -> OutOfSync',
    at: '2026-11-23T08:30:00Z',
  }),
];

/** `GET …/resource?kind=Pod&name=web-7d9c5b6f48-x2k9p…`: a live child, parsed from `manifest`. */
export const SHOP_DEV_POD_NAME = 'web-7d9c5b6f48-x2k9p';

export const shopDevPodManifest: Record<string, unknown> = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: SHOP_DEV_POD_NAME,
    namespace: 'shop',
    uid: '5d1c0e2a-0000-4000-8000-000000000020',
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d9c5b6f48',
        uid: REPLICASET_NEW_UID,
        controller: true,
      },
    ],
    managedFields: [{ manager: 'kube-controller-manager' }],
  },
  spec: {
    nodeName: 'kind-worker',
    containers: [{ name: 'web', image: 'ghcr.io/acme/shop-web:1.4.0' }],
  },
  status: { phase: 'Running', podIP: '10.244.1.17' },
};

const kubernetesEvent = (
  name: string,
  involvedObject: ResourceEventView['involvedObject'],
  fields: Omit<
    ResourceEventView,
    'apiVersion' | 'kind' | 'metadata' | 'involvedObject'
  >,
): ResourceEventView => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {
    name,
    namespace: 'shop',
    uid: `ev-${name}`,
    creationTimestamp:
      fields.firstTimestamp ?? fields.eventTime ?? '2026-11-23T09:12:50Z',
  },
  involvedObject,
  ...fields,
});

/** `GET …/resource/events?kind=Deployment&name=web…`: the rollout of 1.4.0, newest first. */
export const shopDevDeploymentKubernetesEvents: ResourceEventView[] = [
  kubernetesEvent(
    'web.187a4c2f0b1e9d02',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      uid: DEPLOYMENT_UID,
    },
    {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled down replica set web-5b8f6c7d9a from 1 to 0',
      firstTimestamp: '2026-11-23T09:13:05Z',
      lastTimestamp: '2026-11-23T09:13:05Z',
      count: 1,
      source: { component: 'deployment-controller' },
      reportingComponent: 'deployment-controller',
    },
  ),
  kubernetesEvent(
    'web.187a4c2b7f3a1c11',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      uid: DEPLOYMENT_UID,
    },
    {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-7d9c5b6f48 from 0 to 1',
      firstTimestamp: '2026-11-23T09:12:50Z',
      lastTimestamp: '2026-11-23T09:12:50Z',
      count: 1,
      source: { component: 'deployment-controller' },
      reportingComponent: 'deployment-controller',
    },
  ),
];

const podRef = {
  apiVersion: 'v1',
  kind: 'Pod',
  namespace: 'shop',
  name: SHOP_DEV_POD_NAME,
  uid: '5d1c0e2a-0000-4000-8000-000000000020',
};

/**
 * `GET …/resource/events?kind=Pod&name=web-7d9c5b6f48-x2k9p…`, newest first:
 * a crash loop the kubelet aggregated into one BackOff with a count, and a
 * scheduler event written through events.k8s.io (eventTime and
 * reportingComponent, no count or source component).
 */
export const shopDevPodKubernetesEvents: ResourceEventView[] = [
  kubernetesEvent(
    `${SHOP_DEV_POD_NAME}.187a4c3e0d5f7a90`,
    { ...podRef, fieldPath: 'spec.containers{web}' },
    {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container web in pod ${SHOP_DEV_POD_NAME}_shop(${podRef.uid})`,
      firstTimestamp: '2026-11-23T09:14:00Z',
      lastTimestamp: '2026-11-23T09:19:30Z',
      count: 6,
      source: { component: 'kubelet', host: 'kind-worker' },
      reportingComponent: 'kubelet',
      reportingInstance: 'kind-worker',
    },
  ),
  kubernetesEvent(
    `${SHOP_DEV_POD_NAME}.187a4c2c91e0b3d4`,
    { ...podRef, fieldPath: 'spec.containers{web}' },
    {
      type: 'Normal',
      reason: 'Pulled',
      message:
        'Successfully pulled image "ghcr.io/acme/shop-web:1.4.0" in 2.31s (2.31s including waiting). Image size: 48213904 bytes.',
      firstTimestamp: '2026-11-23T09:12:54Z',
      lastTimestamp: '2026-11-23T09:12:54Z',
      count: 1,
      source: { component: 'kubelet', host: 'kind-worker' },
      reportingComponent: 'kubelet',
      reportingInstance: 'kind-worker',
    },
  ),
  kubernetesEvent(`${SHOP_DEV_POD_NAME}.187a4c2b80e4f6a2`, podRef, {
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned shop/${SHOP_DEV_POD_NAME} to kind-worker`,
    eventTime: '2026-11-23T09:12:51.204518Z',
    source: {},
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-kind-control-plane',
    action: 'Binding',
  }),
];
