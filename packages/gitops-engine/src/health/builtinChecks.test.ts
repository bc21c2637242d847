import {
  getBuiltinResourceHealth,
  getShippedResourceHealth,
} from './resourceHealth';
import { UnstructuredObject } from './types';

// Rules of the built-in checks that the upstream test data does not reach.

function deployment(
  overrides: { spec?: object; status?: object; apiVersion?: string } = {},
): UnstructuredObject {
  return {
    apiVersion: overrides.apiVersion ?? 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', generation: 2 },
    spec: { replicas: 3, ...overrides.spec },
    status: {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      ...overrides.status,
    },
  };
}

function runningPod(
  restartPolicy: string,
  annotations: Record<string, string> = {},
): UnstructuredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'worker', annotations },
    spec: { restartPolicy },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'main', ready: true, state: { running: {} } },
      ],
    },
  };
}

describe('Deployment', () => {
  it.each([
    [
      { status: { observedGeneration: 1 } },
      'Progressing',
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    ],
    [
      { status: { updatedReplicas: 1 } },
      'Progressing',
      'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    ],
    [
      { status: { replicas: 5 } },
      'Progressing',
      'Waiting for rollout to finish: 2 old replicas are pending termination...',
    ],
    [
      { status: { availableReplicas: 2 } },
      'Progressing',
      'Waiting for rollout to finish: 2 of 3 updated replicas are available...',
    ],
    [{}, 'Healthy', ''],
  ])('%j gives %s', (overrides, status, message) => {
    expect(getBuiltinResourceHealth(deployment(overrides))).toEqual({
      status,
      message,
    });
  });

  it('reports a version gitops-engine cannot read as Unknown', () => {
    expect(
      getBuiltinResourceHealth(deployment({ apiVersion: 'apps/v1beta2' })),
    ).toEqual({
      status: 'Unknown',
      message: 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment',
    });
  });

  it('reports a field of the wrong type as Unknown, naming the field', () => {
    expect(
      getBuiltinResourceHealth(deployment({ spec: { replicas: '3' } })),
    ).toEqual({
      status: 'Unknown',
      message:
        'failed to convert unstructured Deployment to typed: spec.replicas: expected an integer, got a string',
    });
  });
});

describe('StatefulSet', () => {
  it('waits for a partitioned rolling update', () => {
    const sts: UnstructuredObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 4 },
      spec: {
        replicas: 5,
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { partition: 2 },
        },
      },
      status: { observedGeneration: 4, readyReplicas: 5, updatedReplicas: 1 },
    };
    expect(getBuiltinResourceHealth(sts)).toEqual({
      status: 'Progressing',
      message:
        'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...',
    });
  });
});

describe('Pod', () => {
  it('judges a ready Pod that runs to completion as Progressing', () => {
    expect(getBuiltinResourceHealth(runningPod('Never'))?.status).toBe(
      'Progressing',
    );
  });

  it('judges it like a long-running Pod with the ignore-restart-policy annotation', () => {
    const pod = runningPod('Never', {
      'argocd.argoproj.io/ignore-restart-policy': 'true',
    });
    expect(getBuiltinResourceHealth(pod)?.status).toBe('Healthy');
  });

  it('does not honour that annotation on hooks', () => {
    const pod = runningPod('OnFailure', {
      'argocd.argoproj.io/ignore-restart-policy': 'true',
      'argocd.argoproj.io/hook': 'PreSync',
    });
    expect(getBuiltinResourceHealth(pod)?.status).toBe('Progressing');
  });

  it('keeps judging a deleted hook that its finalizer holds', () => {
    const pod = runningPod('Always');
    pod.metadata = {
      name: 'hook',
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['argocd.argoproj.io/hook-finalizer'],
    };
    expect(getBuiltinResourceHealth(pod)?.status).toBe('Healthy');
  });
});

describe('HorizontalPodAutoscaler', () => {
  it('reports an autoscaling/v1 conditions annotation that is not JSON as Unknown', () => {
    const hpa: UnstructuredObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: 'web',
        annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{' },
      },
    };
    const health = getBuiltinResourceHealth(hpa);
    expect(health?.status).toBe('Unknown');
    expect(health?.message).toContain(
      'autoscaling.alpha.kubernetes.io/conditions is not valid JSON',
    );
  });

  it('is Degraded when metrics cannot be read', () => {
    const hpa: UnstructuredObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      status: {
        conditions: [
          {
            type: 'ScalingActive',
            status: 'False',
            reason: 'FailedGetExternalMetric',
            message: 'no metrics',
          },
        ],
      },
    };
    expect(getBuiltinResourceHealth(hpa)).toEqual({
      status: 'Degraded',
      message: 'no metrics',
    });
  });
});

describe('Argo Rollouts and child Applications', () => {
  it('reports a Rollout phase that is not a health status as Unknown', () => {
    const rollout: UnstructuredObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', generation: 1 },
      status: { observedGeneration: '1', phase: 'Exploded' },
    };
    expect(
      getShippedResourceHealth(rollout, { childApplications: true })?.status,
    ).toBe('Unknown');
  });

  it('gives no health to an AnalysisRun in a phase it does not know', () => {
    const run: UnstructuredObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'a' },
      status: { phase: 'Waiting' },
    };
    expect(
      getShippedResourceHealth(run, { childApplications: true }),
    ).toBeNull();
  });

  const childApp = (comparedSource: object): UnstructuredObject => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'payments', namespace: 'argocd' },
    spec: {
      source: {
        repoURL: 'https://git.example.com/apps.git',
        path: 'payments',
        targetRevision: 'v2',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'payments',
      },
    },
    status: {
      health: { status: 'Healthy' },
      sync: {
        status: 'Synced',
        comparedTo: {
          source: comparedSource,
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: 'payments',
          },
        },
      },
    },
  });

  it('trusts a child Application only once it has compared its current spec', () => {
    const stale = childApp({
      repoURL: 'https://git.example.com/apps.git',
      path: 'payments',
      targetRevision: 'v1',
    });
    expect(
      getShippedResourceHealth(stale, { childApplications: true }),
    ).toEqual({
      status: 'Progressing',
      message: 'Waiting for the application to compare its current spec',
    });
    const current = childApp({
      repoURL: 'https://git.example.com/apps.git',
      path: 'payments',
      targetRevision: 'v2',
      helm: {},
    });
    expect(
      getShippedResourceHealth(current, { childApplications: true }),
    ).toEqual({ status: 'Healthy', message: '' });
    expect(
      getShippedResourceHealth(current, { childApplications: false }),
    ).toBeNull();
  });
});
