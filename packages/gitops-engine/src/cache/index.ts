export { ClusterCache } from './ClusterCache';
export type {
  ClusterCacheEvent,
  ClusterCacheListener,
  ClusterCacheOptions,
  WatchRequest,
  WatchStatus,
} from './ClusterCache';
