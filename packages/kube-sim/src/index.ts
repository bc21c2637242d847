/**
 * kube-sim: a Kubernetes API server test double for tests and the local
 * default. Production code never imports it.
 *
 * @packageDocumentation
 */
export { startKubeSim, parseManifests } from './kubeSim';
export type { KubeSim, KubeSimOptions } from './kubeSim';
export { DEFAULT_TIMINGS, FAST_TIMINGS } from './controllers/timings';
export type { KubeSimTimings } from './controllers/timings';
export type { ControllerName } from './controllers/registry';
export { EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION } from './controllers/pods';
export { ANALYSIS_RESULT_ANNOTATION } from './controllers/rollouts/analysisRun';
export { fixtureCrds, fixtureCrdPath, FIXTURE_CRDS } from './fixtureCrds';
export type { FixtureCrdSet } from './fixtureCrds';
export { FaultInjector } from './faults/faults';
export type {
  FaultRule,
  FaultEffect,
  FaultVerb,
  ActiveFault,
} from './faults/faults';
export type { StoreSnapshot } from './store/objectStore';
export type { KubeObject } from './machinery/types';
export { main } from './cli';
