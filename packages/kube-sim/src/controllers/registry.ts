import { Controller } from './controller';
import {
  CrdCleanupController,
  GarbageCollector,
  NamespaceController,
} from './coreControllers';
import { DaemonSetController } from './daemonSet';
import { DeploymentController } from './deployment';
import {
  IngressAddressController,
  LoadBalancerController,
  VolumeBinder,
} from './infrastructure';
import { JobController } from './job';
import { PodLifecycleController } from './pods';
import { ReplicaSetController } from './replicaSet';
import { AnalysisRunController } from './rollouts/analysisRun';
import { HorizontalPodAutoscalerController } from './autoscaler';
import { RolloutController } from './rollouts/rollout';
import { StatefulSetController } from './statefulSet';

/** Control-plane controllers: on unless switched off one by one. */
const CORE = {
  namespace: () => new NamespaceController(),
  garbageCollector: () => new GarbageCollector(),
  crdCleanup: () => new CrdCleanupController(),
};

/** Workload simulators: on by default, all off with `controllers: false`. */
const WORKLOAD = {
  pods: () => new PodLifecycleController(),
  replicaSet: () => new ReplicaSetController(),
  deployment: () => new DeploymentController(),
  statefulSet: () => new StatefulSetController(),
  daemonSet: () => new DaemonSetController(),
  job: () => new JobController(),
  service: () => new LoadBalancerController(),
  persistentVolumeClaim: () => new VolumeBinder(),
  ingress: () => new IngressAddressController(),
  horizontalPodAutoscaler: () => new HorizontalPodAutoscalerController(),
  rollout: () => new RolloutController(),
  analysisRun: () => new AnalysisRunController(),
};

/** Names to switch controllers on and off with (`controllers: { rollout: false }`). */
export type ControllerName = keyof typeof CORE | keyof typeof WORKLOAD;

export function createControllers(
  setting: boolean | Partial<Record<ControllerName, boolean>>,
): Controller[] {
  const controllers: Controller[] = [];
  const enabled = (name: ControllerName, core: boolean): boolean => {
    if (typeof setting === 'boolean') return core || setting;
    return setting[name] ?? true;
  };
  for (const [name, make] of Object.entries(CORE))
    if (enabled(name as ControllerName, true)) controllers.push(make());
  for (const [name, make] of Object.entries(WORKLOAD))
    if (enabled(name as ControllerName, false)) controllers.push(make());
  return controllers;
}
