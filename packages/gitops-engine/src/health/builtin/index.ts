import { GroupVersionKind } from '../resourceIdentity';
import { apiServiceHealth } from './apiService';
import { analysisRunHealth, rolloutHealth } from './argoRollouts';
import { argoWorkflowHealth } from './argoWorkflow';
import { BuiltinHealthCheck, forVersions } from './checkSupport';
import { childApplicationHealth } from './childApplication';
import { horizontalPodAutoscalerHealth } from './horizontalPodAutoscaler';
import { jobHealth } from './job';
import { persistentVolumeClaimHealth } from './persistentVolumeClaim';
import { podHealth } from './pod';
import { ingressHealth, serviceHealth } from './service';
import {
  daemonSetHealth,
  deploymentHealth,
  replicaSetHealth,
  statefulSetHealth,
} from './workloads';

export type { BuiltinHealthCheck } from './checkSupport';

const V1 = ['v1'];

/**
 * The checks Argo CD's gitops-engine has in Go (`GetHealthCheckFunc`), keyed
 * by `group/Kind`. The typed ones accept only the API versions Kubernetes
 * defines for them and report others as unsupported, as gitops-engine does.
 */
const CORE_CHECKS = new Map<string, BuiltinHealthCheck>([
  ['apps/Deployment', forVersions('Deployment', V1, deploymentHealth)],
  ['apps/StatefulSet', forVersions('StatefulSet', V1, statefulSetHealth)],
  ['apps/ReplicaSet', forVersions('ReplicaSet', V1, replicaSetHealth)],
  ['apps/DaemonSet', forVersions('DaemonSet', V1, daemonSetHealth)],
  ['extensions/Ingress', ingressHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['argoproj.io/Workflow', argoWorkflowHealth],
  [
    'apiregistration.k8s.io/APIService',
    forVersions('APIService', ['v1', 'v1beta1'], apiServiceHealth),
  ],
  ['/Service', forVersions('Service', V1, serviceHealth)],
  [
    '/PersistentVolumeClaim',
    forVersions('PersistentVolumeClaim', V1, persistentVolumeClaimHealth),
  ],
  ['/Pod', forVersions('Pod', V1, podHealth)],
  ['batch/Job', forVersions('Job', V1, jobHealth)],
  [
    'autoscaling/HorizontalPodAutoscaler',
    (obj, gvk) =>
      forVersions('HPA', ['v1', 'v2', 'v2beta1', 'v2beta2'], o =>
        horizontalPodAutoscalerHealth(o, gvk.version),
      )(obj, gvk),
  ],
]);

/**
 * Checks that Argo CD bundles as Lua scripts in `resource_customizations`
 * (written here in TypeScript), plus Driftless's child Application check.
 * A configured Lua customization for the same kind takes precedence.
 */
const BUNDLED_CHECKS = new Map<string, BuiltinHealthCheck>([
  ['argoproj.io/Rollout', rolloutHealth],
  ['argoproj.io/AnalysisRun', analysisRunHealth],
]);

const CHILD_APPLICATION_KEY = 'argoproj.io/Application';

function groupKindKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.kind}`;
}

/** The gitops-engine level check for a kind, if there is one. */
export function findCoreHealthCheck(
  gvk: GroupVersionKind,
): BuiltinHealthCheck | undefined {
  return CORE_CHECKS.get(groupKindKey(gvk));
}

/** The bundled (Argo CD `resource_customizations` level) check for a kind, if there is one. */
export function findBundledHealthCheck(
  gvk: GroupVersionKind,
  options: { childApplications: boolean },
): BuiltinHealthCheck | undefined {
  const key = groupKindKey(gvk);
  if (key === CHILD_APPLICATION_KEY) {
    return options.childApplications ? childApplicationHealth : undefined;
  }
  return BUNDLED_CHECKS.get(key);
}
