import type {
  ApplicationSetEventView,
  ApplicationSetManagementView,
  ApplicationSetStatusView,
  ApplicationsSyncPolicyCode,
  GitOpsApplicationSet,
} from '@driftless/backstage-plugin-gitops-common';
import type {
  ApplicationSetEventRecord,
  ApplicationSetStatusRecord,
  ArgoObjectRecord,
} from '../database/types';
import { EMPTY_STATUS } from '../services/applicationsets/applicationSetStatus';

function managementView(
  record: ArgoObjectRecord,
  status: ApplicationSetStatusRecord | undefined,
): ApplicationSetManagementView {
  const own = (
    record.manifest.spec?.syncPolicy as
      | { applicationsSync?: ApplicationsSyncPolicyCode }
      | undefined
  )?.applicationsSync;
  const view: ApplicationSetManagementView = {
    origin: record.origin,
    editable: false,
    // What the controller applied last; before its first reconcile, what the set asks for.
    applicationsSync:
      (status?.applicationsSync as ApplicationsSyncPolicyCode | undefined) ??
      own ??
      'sync',
  };
  const parent = /^app:([^/]+)\/(.+)$/.exec(record.origin);
  if (parent) {
    view.owner = { kind: 'Application', namespace: parent[1], name: parent[2] };
  }
  return view;
}

/** A stored ApplicationSet with its last status, in Argo CD's JSON shape. */
export function toApplicationSetView(
  record: ArgoObjectRecord,
  status: ApplicationSetStatusRecord | undefined,
): GitOpsApplicationSet {
  const { status: _written, ...manifest } = record.manifest;
  return {
    ...manifest,
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: {
      ...record.manifest.metadata,
      name: record.name,
      namespace: record.namespace,
      generation: record.generation,
      creationTimestamp: record.createdAt,
    },
    spec: record.manifest.spec ?? {},
    status: {
      ...EMPTY_STATUS,
      ...((status?.status as Partial<ApplicationSetStatusView>) ?? {}),
    },
    driftless: managementView(record, status),
  };
}

export function toApplicationSetEventView(
  event: ApplicationSetEventRecord,
): ApplicationSetEventView {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${event.name}.${event.id}`,
      namespace: event.namespace,
      creationTimestamp: event.createdAt,
    },
    involvedObject: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      namespace: event.namespace,
      name: event.name,
    },
    type: event.type,
    reason: event.reason,
    message: event.message,
    firstTimestamp: event.createdAt,
    lastTimestamp: event.createdAt,
    count: 1,
    source: { component: 'driftless-applicationset-controller' },
  };
}
