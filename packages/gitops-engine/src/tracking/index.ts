export {
  ARGOCD_TRACKING_ANNOTATION,
  DRIFTLESS_TRACKING_ANNOTATION,
  INSTANCE_LABEL,
  ResourceTracking,
  TRACKING_METHODS,
  TrackingIdError,
  applicationInstanceName,
  formatTrackingId,
  parseTrackingId,
  truncateLabelValue,
} from './ResourceTracking';
export type {
  ResourceTrackingOptions,
  TrackingId,
  TrackingMethod,
} from './ResourceTracking';
