export * from './types';
export { readKubeconfigServer, readKubeconfigTarget } from './kubeconfig';
export type { KubeconfigTarget } from './kubeconfig';
export { DRIFTLESS_FIELD_MANAGER, apiVersionOf } from './connection';
export type {
  ApiResource,
  ApplyOptions,
  ClusterConnection,
  DeleteOptions,
  FieldValidation,
  ListOptions,
  ListResult,
  PatchOptions,
  PatchType,
  PropagationPolicy,
  WatchEventType,
  WatchHandle,
  WatchHandlers,
  WatchOptions,
  WriteOptions,
} from './connection';
export {
  ClusterConfigError,
  ClusterError,
  ClusterRequestError,
  ClusterUnreachableError,
  ResourceExpiredError,
  ResourceNotServedError,
} from './errors';
export { KubernetesClusterConnection } from './KubernetesClusterConnection';
export type { KubernetesClusterConnectionOptions } from './KubernetesClusterConnection';
export {
  describeResourceKey,
  formatResourceKey,
  resourceKeyOf,
} from './resourceKey';
export type { ResourceKey } from './resourceKey';
export { parseApiVersion } from './discovery';
