import type { ResourceEventView } from './api';

/**
 * When a Kubernetes Event last happened. Events written through
 * `events.k8s.io/v1` carry it in `series` or `eventTime`, core/v1 writers in
 * `lastTimestamp`; the creation time is the last resort.
 *
 * @public
 */
export function resourceEventLastSeen(
  event: ResourceEventView,
): string | undefined {
  return (
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp
  );
}

/**
 * How many times a Kubernetes Event happened (`series.count` for
 * `events.k8s.io/v1` writers, `count` for core/v1 ones; once when neither).
 *
 * @public
 */
export function resourceEventCount(event: ResourceEventView): number {
  return event.series?.count ?? event.count ?? 1;
}

/**
 * Who reported a Kubernetes Event (`source.component`, else the
 * `events.k8s.io/v1` reporting controller), as `kubectl describe` shows it
 * under "From".
 *
 * @public
 */
export function resourceEventSource(
  event: ResourceEventView,
): string | undefined {
  const component = event.source?.component || event.reportingComponent;
  if (!component) return undefined;
  return event.source?.host ? `${component}, ${event.source.host}` : component;
}
