import type {
  GitOpsApplication,
  ManagedResource,
  ResourceNode,
  ResourceTree,
} from '@driftless/backstage-plugin-gitops-common';

/*
 * Argo Rollouts as the API returns them for the Rollout card's tests: the
 * demo's canary (shop-checkout, examples/apps/shop-checkout) and blue-green
 * (shop-catalog) Rollouts in the states the card must show, with the status
 * fields Argo Rollouts v1 writes, the ReplicaSets, Pods and AnalysisRuns of
 * their resource trees, and live AnalysisRuns.
 */

type Json = Record<string, any>;

export const STABLE_HASH = '6d4b9c7f5';
export const CANARY_HASH = '7f8c9d6b4';
export const OLD_HASH = '5c7d8e9f1';
const ROLLOUT_UID = 'b3c0a7e2-checkout';

export const canarySteps = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 50 },
  { analysis: { templates: [{ templateName: 'shop-checkout-success-rate' }] } },
  { setWeight: 80 },
  { pause: { duration: '10m' } },
];

/** The canary Rollout at a step, with the status Argo Rollouts writes there. */
export function canaryRollout(status: Json = {}, spec: Json = {}): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'shop-checkout',
      namespace: 'shop-checkout',
      uid: ROLLOUT_UID,
      generation: 2,
      annotations: { 'rollout.argoproj.io/revision': '2' },
    },
    spec: {
      replicas: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop-checkout' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'shop-checkout' } },
        spec: {
          containers: [
            {
              name: 'checkout',
              image: 'ghcr.io/driftless-demo/shop-checkout:3.3.0',
            },
          ],
        },
      },
      strategy: { canary: { steps: canarySteps } },
      ...spec,
    },
    status: {
      observedGeneration: '2',
      replicas: 6,
      updatedReplicas: 1,
      readyReplicas: 6,
      availableReplicas: 6,
      stableRS: STABLE_HASH,
      currentPodHash: CANARY_HASH,
      currentStepHash: '5f6b7c8d9',
      canary: {},
      ...status,
    },
  };
}

/** Paused at step 2 of 6, `pause: {}`: waiting for someone to promote. */
export const canaryPausedAtStep2 = canaryRollout({
  currentStepIndex: 1,
  controllerPause: true,
  phase: 'Paused',
  message: 'CanaryPauseStep',
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2026-11-23T10:00:00Z' },
  ],
});

/** Running the analysis of step 4 at 50%. */
export const canaryAnalysing = canaryRollout({
  currentStepIndex: 3,
  phase: 'Progressing',
  message: 'more replicas need to be updated',
  updatedReplicas: 3,
  replicas: 8,
  availableReplicas: 8,
  canary: {
    currentStepAnalysisRunStatus: {
      name: `shop-checkout-${CANARY_HASH}-2-3`,
      status: 'Running',
    },
  },
});

/** At the last step, a 10 minute pause that started at 10:00. */
export const canaryTimedPause = canaryRollout({
  currentStepIndex: 5,
  controllerPause: true,
  phase: 'Paused',
  message: 'CanaryPauseStep',
  updatedReplicas: 4,
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2026-11-23T10:00:00Z' },
  ],
});

export const canaryAborted = canaryRollout({
  currentStepIndex: 0,
  abort: true,
  abortedAt: '2026-11-23T10:05:00Z',
  phase: 'Degraded',
  message:
    'RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)',
  updatedReplicas: 0,
});

export const canaryHealthy = canaryRollout({
  currentStepIndex: 6,
  phase: 'Healthy',
  replicas: 5,
  updatedReplicas: 5,
  readyReplicas: 5,
  availableReplicas: 5,
  stableRS: CANARY_HASH,
});

function node(
  kind: string,
  name: string,
  extra: Partial<ResourceNode> = {},
): ResourceNode {
  return {
    group: kind === 'Pod' ? '' : 'apps',
    version: 'v1',
    kind,
    namespace: 'shop-checkout',
    name,
    uid: `uid-${name}`,
    ...extra,
  };
}

const rolloutParent = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Rollout',
  namespace: 'shop-checkout',
  name: 'shop-checkout',
  uid: ROLLOUT_UID,
};

function replicaSet(hash: string, revision: number, image: string) {
  return node('ReplicaSet', `shop-checkout-${hash}`, {
    parentRefs: [rolloutParent],
    info: [{ name: 'Revision', value: `Rev:${revision}` }],
    images: [image],
    health: { status: 'Healthy' },
    createdAt: `2026-11-2${revision}T09:00:00Z`,
  });
}

function pods(hash: string, count: number, ready: number): ResourceNode[] {
  return Array.from({ length: count }, (_, i) =>
    node('Pod', `shop-checkout-${hash}-p${i}`, {
      parentRefs: [
        node('ReplicaSet', `shop-checkout-${hash}`, {}) as ResourceNode,
      ].map(({ group, version, kind, namespace, name, uid }) => ({
        group,
        version,
        kind,
        namespace,
        name,
        uid,
      })),
      health: { status: i < ready ? 'Healthy' : 'Progressing' },
    }),
  );
}

export function analysisRunNode(name: string): ResourceNode {
  return {
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'AnalysisRun',
    namespace: 'shop-checkout',
    name,
    uid: `uid-${name}`,
    parentRefs: [rolloutParent],
    health: { status: 'Progressing' },
  };
}

/** The canary's tree at 50%: 5 stable pods, 3 canary pods (2 ready), an older ReplicaSet, the step's AnalysisRun. */
export const canaryTree: ResourceTree = {
  nodes: [
    {
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Rollout',
      namespace: 'shop-checkout',
      name: 'shop-checkout',
      uid: ROLLOUT_UID,
      health: { status: 'Progressing' },
    },
    replicaSet(OLD_HASH, 0, 'ghcr.io/driftless-demo/shop-checkout:3.1.0'),
    replicaSet(STABLE_HASH, 1, 'ghcr.io/driftless-demo/shop-checkout:3.2.0'),
    replicaSet(CANARY_HASH, 2, 'ghcr.io/driftless-demo/shop-checkout:3.3.0'),
    ...pods(STABLE_HASH, 5, 5),
    ...pods(CANARY_HASH, 3, 2),
    analysisRunNode(`shop-checkout-${CANARY_HASH}-2-3`),
    // Another Rollout's run in the same namespace: not this one's.
    {
      ...analysisRunNode('other-rollout-abc-1-0'),
      parentRefs: [{ ...rolloutParent, name: 'other', uid: 'uid-other' }],
    },
  ],
};

/** The live AnalysisRun of step 4: one success, one running measurement. */
export const stepAnalysisRun: Json = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: {
    name: `shop-checkout-${CANARY_HASH}-2-3`,
    namespace: 'shop-checkout',
    labels: {
      'rollouts-pod-template-hash': CANARY_HASH,
      'rollout-type': 'Step',
      'step-index': '3',
    },
    annotations: { 'rollout.argoproj.io/revision': '2' },
  },
  spec: {
    metrics: [
      {
        name: 'success-rate',
        interval: '5s',
        count: 3,
        successCondition: 'result[0] >= 0.99',
        failureLimit: 1,
        provider: { prometheus: { address: 'http://prometheus:9090' } },
      },
    ],
  },
  status: {
    phase: 'Running',
    startedAt: '2026-11-23T10:10:00Z',
    metricResults: [
      {
        name: 'success-rate',
        phase: 'Running',
        count: 2,
        successful: 1,
        measurements: [
          {
            phase: 'Successful',
            value: '[0.996]',
            startedAt: '2026-11-23T10:10:00Z',
            finishedAt: '2026-11-23T10:10:01Z',
          },
          { phase: 'Running', startedAt: '2026-11-23T10:10:06Z' },
        ],
      },
    ],
  },
};

/** The AnalysisRun that aborted the canary. */
export const failedAnalysisRun: Json = {
  ...stepAnalysisRun,
  status: {
    phase: 'Failed',
    message:
      'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)',
    startedAt: '2026-11-23T10:04:00Z',
    metricResults: [
      {
        name: 'success-rate',
        phase: 'Failed',
        count: 1,
        failed: 1,
        measurements: [
          {
            phase: 'Failed',
            value: '[0.912]',
            startedAt: '2026-11-23T10:04:00Z',
            finishedAt: '2026-11-23T10:04:01Z',
          },
        ],
      },
    ],
  },
};

export const BLUE_HASH = '84c5f7d9b';
export const GREEN_HASH = '9a6e3b2c1';

/** The blue-green Rollout; by default the green version waits behind the preview Service. */
export function blueGreenRollout(
  status: Json = {},
  blueGreen: Json = {},
): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'shop-catalog',
      namespace: 'shop-catalog',
      uid: 'uid-catalog',
      generation: 3,
      annotations: { 'rollout.argoproj.io/revision': '3' },
    },
    spec: {
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              name: 'catalog',
              image: 'ghcr.io/driftless-demo/shop-catalog:5.1.0',
            },
          ],
        },
      },
      strategy: {
        blueGreen: {
          activeService: 'shop-catalog',
          previewService: 'shop-catalog-preview',
          autoPromotionEnabled: false,
          previewReplicaCount: 1,
          scaleDownDelaySeconds: 120,
          ...blueGreen,
        },
      },
    },
    status: {
      observedGeneration: '3',
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 4,
      availableReplicas: 3,
      stableRS: BLUE_HASH,
      currentPodHash: GREEN_HASH,
      controllerPause: true,
      phase: 'Paused',
      message: 'BlueGreenPause',
      pauseConditions: [
        { reason: 'BlueGreenPause', startTime: '2026-11-23T10:00:00Z' },
      ],
      blueGreen: { activeSelector: BLUE_HASH, previewSelector: GREEN_HASH },
      ...status,
    },
  };
}

export const blueGreenAwaiting = blueGreenRollout();

export const blueGreenPromoted = blueGreenRollout({
  stableRS: GREEN_HASH,
  phase: 'Healthy',
  message: undefined,
  controllerPause: undefined,
  pauseConditions: undefined,
  blueGreen: { activeSelector: GREEN_HASH, previewSelector: GREEN_HASH },
});

export const blueGreenTree: ResourceTree = {
  nodes: [BLUE_HASH, GREEN_HASH].map((hash, i) => ({
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    namespace: 'shop-catalog',
    name: `shop-catalog-${hash}`,
    uid: `uid-${hash}`,
    parentRefs: [
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Rollout',
        namespace: 'shop-catalog',
        name: 'shop-catalog',
        uid: 'uid-catalog',
      },
    ],
    info: [{ name: 'Revision', value: `Rev:${i + 2}` }],
    images: [`ghcr.io/driftless-demo/shop-catalog:5.${i}.0`],
  })),
};

export function managedRollout(rollout: Json): ManagedResource {
  return {
    group: 'argoproj.io',
    kind: 'Rollout',
    namespace: rollout.metadata.namespace,
    name: rollout.metadata.name,
    liveState: JSON.stringify(rollout),
    targetState: JSON.stringify({ ...rollout, status: undefined }),
  };
}

/** An Application of the entity, as the list endpoint returns it. */
export function rolloutApplication(name: string): GitOpsApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      generation: 1,
      creationTimestamp: '2026-11-20T09:00:00Z',
    },
    spec: {
      project: 'shop',
      destination: {
        name: 'in-cluster',
        namespace: name.replace(/-prod$/, ''),
      },
    },
    status: {
      sync: { status: 'Synced' },
      health: { status: 'Suspended' },
    },
    driftless: { origin: 'config:0', editable: false },
  };
}
