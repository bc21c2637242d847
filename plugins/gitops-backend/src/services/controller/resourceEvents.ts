import { ServiceUnavailableError } from '@backstage/errors';
import {
  resourceEventLastSeen,
  type ResourceEventView,
} from '@driftless/backstage-plugin-gitops-common';
import {
  ClusterError,
  type ClusterConnection,
  type KubernetesObject,
} from '@driftless/gitops-engine';

/** `apps/Deployment shop/web`, as the API names a resource in its errors. */
export function describeResource(object: KubernetesObject): string {
  const apiVersion = String(object.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const { namespace, name } = object.metadata;
  return `${group ? `${group}/` : ''}${object.kind} ${
    namespace ? `${namespace}/` : ''
  }${name}`;
}

function timeOf(value: string | undefined): number {
  const parsed = value ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** Newer writes have larger resourceVersions on etcd; opaque ones compare as equal. */
function resourceVersionOf(event: ResourceEventView): bigint {
  const version = event.metadata.resourceVersion;
  return version && /^\d+$/.test(version) ? BigInt(version) : 0n;
}

function newestFirst(a: ResourceEventView, b: ResourceEventView): number {
  const byTime =
    timeOf(resourceEventLastSeen(b)) - timeOf(resourceEventLastSeen(a));
  if (byTime !== 0) return byTime;
  const [older, newer] = [resourceVersionOf(a), resourceVersionOf(b)];
  if (newer === older) return 0;
  return newer > older ? 1 : -1;
}

type EventObject = KubernetesObject & Omit<ResourceEventView, 'metadata'>;

/** The Event as the API returns it: Kubernetes' fields, without managedFields and other bookkeeping. */
function toResourceEventView(event: EventObject): ResourceEventView {
  const { metadata } = event;
  const view: ResourceEventView = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: String(metadata.name ?? ''),
      namespace: String(metadata.namespace ?? ''),
      ...(metadata.uid ? { uid: String(metadata.uid) } : {}),
      ...(metadata.resourceVersion
        ? { resourceVersion: String(metadata.resourceVersion) }
        : {}),
      ...(metadata.creationTimestamp
        ? { creationTimestamp: String(metadata.creationTimestamp) }
        : {}),
    },
    involvedObject: { ...event.involvedObject },
  };
  const optional = [
    'type',
    'reason',
    'message',
    'firstTimestamp',
    'lastTimestamp',
    'eventTime',
    'count',
    'series',
    'source',
    'reportingComponent',
    'reportingInstance',
    'action',
  ] as const;
  for (const field of optional) {
    // Kubernetes writes unset times as null; the view leaves them out.
    if (event[field] !== undefined && event[field] !== null) {
      (view as unknown as Record<string, unknown>)[field] = event[field];
    }
  }
  return view;
}

/**
 * The core/v1 Events about one live object, newest first. They are found as
 * `kubectl describe` finds them, by the involved object's name, namespace,
 * kind and uid, so events of an earlier object of the same name (deleted and
 * created again) are left out. Events of cluster-scoped objects live in any
 * namespace (usually `default`), so those are searched in all of them.
 */
export async function listResourceEvents(
  connection: ClusterConnection,
  live: KubernetesObject,
): Promise<ResourceEventView[]> {
  const namespace = live.metadata.namespace
    ? String(live.metadata.namespace)
    : undefined;
  const fieldSelector = [
    `involvedObject.name=${live.metadata.name}`,
    `involvedObject.namespace=${namespace ?? ''}`,
    `involvedObject.kind=${live.kind}`,
    ...(live.metadata.uid ? [`involvedObject.uid=${live.metadata.uid}`] : []),
  ].join(',');
  try {
    const events = await connection.findResource('v1', 'Event');
    const { items } = await connection.list(events, {
      ...(namespace ? { namespace } : {}),
      fieldSelector,
    });
    return items
      .map(item => toResourceEventView(item as EventObject))
      .sort(newestFirst);
  } catch (error) {
    if (error instanceof ClusterError) {
      throw new ServiceUnavailableError(
        `Cannot read the events of ${describeResource(live)}: ${error.message}`,
      );
    }
    throw error;
  }
}
