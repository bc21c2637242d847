import type {
  ApplicationEventView,
  ApplicationManagementView,
  ApplicationSourceView,
  ApplicationStatusView,
  GitOpsApplication,
  OperationStateView,
  OperationView,
  ResourceResultView,
  RevisionHistoryView,
} from '@driftless/backstage-plugin-gitops-common';
import type {
  ApplicationRecord,
  EventRecord,
  HistoryEntryRecord,
  OperationRecord,
} from '../database/types';
import type { OperationStateDocument } from '../services/controller/types';

/*
 * Store records → the API's Argo CD shapes. Everything the API returns about
 * operations is picked field by field: an operation's state document also
 * holds the sync engine's resumable task list, which may contain rendered
 * manifests (Secrets included) and must never leave the backend.
 */

const OWNER_ORIGINS = [
  { prefix: 'applicationset:', kind: 'ApplicationSet' },
  { prefix: 'app:', kind: 'Application' },
] as const;

export function toManagementView(origin: string): ApplicationManagementView {
  const view: ApplicationManagementView = {
    origin,
    editable: origin === 'api',
  };
  for (const { prefix, kind } of OWNER_ORIGINS) {
    if (origin.startsWith(prefix)) {
      const ref = origin.slice(prefix.length);
      const slash = ref.indexOf('/');
      if (slash > 0) {
        view.owner = {
          kind,
          namespace: ref.slice(0, slash),
          name: ref.slice(slash + 1),
        };
      }
    }
  }
  return view;
}

/** Where a non-API app is managed, and so where to change it, for messages. */
export function describeWhereManaged(origin: string): string {
  const { owner } = toManagementView(origin);
  if (origin === 'config' || origin.startsWith('config:')) {
    const index = origin.slice('config:'.length);
    return `the Git path in app-config gitops.applications${
      /^\d+$/.test(index) ? `[${index}]` : ''
    }; change its manifest in that repository`;
  }
  if (owner?.kind === 'ApplicationSet') {
    return `ApplicationSet ${owner.namespace}/${owner.name}; change the ApplicationSet's template or generators`;
  }
  if (owner?.kind === 'Application') {
    return `the app of apps ${owner.namespace}/${owner.name}; change its manifest in that app's Git source`;
  }
  return `'${origin}'`;
}

function pick<T extends object>(
  value: Record<string, unknown> | undefined,
  fields: readonly (keyof T & string)[],
): Partial<T> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (value?.[field] !== undefined) {
      picked[field] = value[field];
    }
  }
  return picked as Partial<T>;
}

const RESOURCE_RESULT_FIELDS = [
  'group',
  'version',
  'kind',
  'namespace',
  'name',
  'status',
  'message',
  'hookType',
  'hookPhase',
  'syncPhase',
] as const;

function toOperationView(
  operation: OperationRecord['operation'],
): OperationView {
  const view: OperationView = {};
  if (operation.sync) {
    const { sync } = operation;
    view.sync = pick<NonNullable<OperationView['sync']>>(sync, [
      'revision',
      'revisions',
      'source',
      'sources',
      'prune',
      'dryRun',
      'syncOptions',
      'resources',
      'syncStrategy',
    ]);
  }
  if (operation.initiatedBy) {
    view.initiatedBy = pick(operation.initiatedBy, ['username', 'automated']);
  }
  if (operation.retry) {
    view.retry = operation.retry;
  }
  return view;
}

/** `status.operationState` of an operation record. */
export function toOperationStateView(
  record: OperationRecord,
): OperationStateView {
  const state = record.state as OperationStateDocument;
  const view: OperationStateView = {
    operation: toOperationView(record.operation),
    phase: record.phase,
    startedAt: record.startedAt ?? record.createdAt,
  };
  if (typeof state.message === 'string') {
    view.message = state.message;
  }
  if (record.finishedAt) {
    view.finishedAt = record.finishedAt;
  }
  view.retryCount = typeof state.retryCount === 'number' ? state.retryCount : 0;
  if (state.syncResult && typeof state.syncResult === 'object') {
    const result = state.syncResult;
    view.syncResult = {
      ...pick<NonNullable<OperationStateView['syncResult']>>(
        result as Record<string, unknown>,
        ['revision', 'revisions', 'source', 'sources'],
      ),
    };
    if (Array.isArray(result.resources)) {
      view.syncResult.resources = result.resources.map(
        resource =>
          pick<ResourceResultView>(
            resource,
            RESOURCE_RESULT_FIELDS,
          ) as ResourceResultView,
      );
    }
  }
  return view;
}

export function toRevisionHistoryView(
  entry: HistoryEntryRecord,
): RevisionHistoryView {
  const view: RevisionHistoryView = {
    id: entry.id,
    deployedAt: entry.deployedAt,
    initiatedBy: entry.initiatedBy,
  };
  if (entry.revision !== undefined) view.revision = entry.revision;
  if (entry.revisions !== undefined) view.revisions = entry.revisions;
  if (entry.source !== undefined) {
    view.source = entry.source as ApplicationSourceView;
  }
  if (entry.sources !== undefined) {
    view.sources = entry.sources as ApplicationSourceView[];
  }
  if (entry.deployStartedAt !== undefined) {
    view.deployStartedAt = entry.deployStartedAt;
  }
  if (entry.phase !== undefined) view.phase = entry.phase;
  if (entry.resources !== undefined) view.resources = entry.resources;
  return view;
}

// Fields the API sets itself; a client sending them back (GET, edit, PUT) must not change them.
const SERVER_METADATA_FIELDS = [
  'generation',
  'creationTimestamp',
  'resourceVersion',
  'uid',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
];

/**
 * The parts of an Application a client writes: metadata (without the fields
 * the server sets) and spec. `status`, `operation` and `driftless` of a
 * document read from the API are dropped; operations start through `/sync`.
 */
export function writableApplicationDocument(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return body;
  }
  const {
    status: _status,
    operation: _operation,
    driftless: _driftless,
    ...document
  } = body as Record<string, unknown>;
  const metadata = document.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const writable = { ...(metadata as Record<string, unknown>) };
    for (const field of SERVER_METADATA_FIELDS) {
      delete writable[field];
    }
    document.metadata = writable;
  }
  return document;
}

/**
 * An Application in Argo CD's shape. `latestOperation` gives
 * `status.operationState` (and `operation` while it runs); `history` gives
 * `status.history`.
 */
export function toApplicationView(
  record: ApplicationRecord,
  options: {
    latestOperation?: OperationRecord;
    history?: HistoryEntryRecord[];
  } = {},
): GitOpsApplication {
  const { manifest } = record;
  const stored = record.status?.status ?? {};
  const { operationState: _o, history: _h, ...compared } = stored;
  const source = manifest.spec.source as ApplicationSourceView | undefined;
  const sources = manifest.spec.sources as ApplicationSourceView[] | undefined;

  const status: ApplicationStatusView = {
    ...(compared as Partial<ApplicationStatusView>),
    // Never reconciled yet: Unknown, as the list filters count it.
    sync: (compared.sync as ApplicationStatusView['sync']) ?? {
      status: 'Unknown',
      comparedTo: {
        ...(sources ? { sources } : { source }),
        destination: manifest.spec.destination,
      },
    },
    health: (compared.health as ApplicationStatusView['health']) ?? {
      status: 'Unknown',
    },
  };
  if (options.latestOperation) {
    status.operationState = toOperationStateView(options.latestOperation);
  }
  if (options.history) {
    status.history = options.history.map(toRevisionHistoryView);
  }

  const view: GitOpsApplication = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      ...manifest.metadata,
      name: record.name,
      namespace: record.namespace,
      generation: record.specGeneration,
      creationTimestamp: record.createdAt,
    },
    spec: manifest.spec as GitOpsApplication['spec'],
    status,
    driftless: toManagementView(record.origin),
  };
  if (options.latestOperation && !options.latestOperation.finishedAt) {
    view.operation = toOperationView(options.latestOperation.operation);
  }
  return view;
}

/** An Application event as a Kubernetes Event, as Argo CD's events endpoint returns them. */
export function toEventView(event: EventRecord): ApplicationEventView {
  const view: ApplicationEventView = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${event.name}.${event.id}`,
      namespace: event.namespace,
      creationTimestamp: event.createdAt,
    },
    involvedObject: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      namespace: event.namespace,
      name: event.name,
    },
    type: event.type,
    reason: event.reason,
    message: event.message,
    firstTimestamp: event.createdAt,
    lastTimestamp: event.createdAt,
    count: 1,
    source: { component: 'driftless' },
  };
  if (event.actor) {
    view.actor = event.actor;
  }
  return view;
}
