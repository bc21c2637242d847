import type {
  ApplicationIdentity,
  ApplicationSourceView,
  GitOpsApplication,
  OperationPhase,
  ResourceStatusView,
} from '@driftless/backstage-plugin-gitops-common';

/** `namespace/name`, unique per application; also the permission resourceRef. */
export function applicationKey(app: ApplicationIdentity): string {
  return `${app.namespace}/${app.name}`;
}

export function identityOf(app: GitOpsApplication): ApplicationIdentity {
  return { namespace: app.metadata.namespace, name: app.metadata.name };
}

/**
 * Labels that name an application's environment, most specific first: the
 * demo's own, then the ones teams commonly put on Argo CD Applications.
 */
const ENVIRONMENT_LABELS = [
  'driftless.dev/environment',
  'environment',
  'env',
  'app.kubernetes.io/environment',
];

export function environmentOf(app: GitOpsApplication): string | undefined {
  const labels = app.metadata.labels ?? {};
  for (const label of ENVIRONMENT_LABELS) {
    if (labels[label]) return labels[label];
  }
  return undefined;
}

/** The destination cluster as the spec names it (by name, else by URL). */
export function clusterOf(app: GitOpsApplication): string {
  const { name, server } = app.spec.destination ?? {};
  return name || server || 'unknown cluster';
}

export interface ApplicationGroup {
  /** `prod · in-cluster`, or the cluster alone when no environment label is set. */
  title: string;
  environment?: string;
  cluster: string;
  applications: GitOpsApplication[];
}

/** Groups by environment then cluster, keeping the API's order within each group. */
export function groupByEnvironmentAndCluster(
  apps: GitOpsApplication[],
): ApplicationGroup[] {
  const groups = new Map<string, ApplicationGroup>();
  for (const app of apps) {
    const environment = environmentOf(app);
    const cluster = clusterOf(app);
    const key = `${environment ?? ''}\0${cluster}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        title: environment ? `${environment} · ${cluster}` : cluster,
        environment,
        cluster,
        applications: [],
      };
      groups.set(key, group);
    }
    group.applications.push(app);
  }
  return [...groups.values()].sort((a, b) => a.title.localeCompare(b.title));
}

/** The first source: what single-source apps have, and what the card links for multi-source ones. */
export function primarySource(
  app: GitOpsApplication,
): ApplicationSourceView | undefined {
  return app.spec.source ?? app.spec.sources?.[0];
}

/** The commit the app was last compared at (first source for multi-source apps). */
export function syncedRevision(app: GitOpsApplication): string | undefined {
  return app.status.sync.revision ?? app.status.sync.revisions?.[0];
}

export function targetRevisionOf(app: GitOpsApplication): string {
  return primarySource(app)?.targetRevision || 'HEAD';
}

/** Argo CD's `automated` block: present (and not `enabled: false`) means on. */
export function isAutomatedSync(app: GitOpsApplication): boolean {
  const automated = app.spec.syncPolicy?.automated;
  return Boolean(automated) && automated?.enabled !== false;
}

/**
 * Whether an operation is in progress: the API sets `operation` until the
 * operation record finishes; the phase covers responses that leave it out.
 */
export function isOperationRunning(app: GitOpsApplication): boolean {
  const phase = app.status.operationState?.phase;
  return (
    phase === 'Running' ||
    phase === 'Terminating' ||
    (app.operation !== undefined && !app.status.operationState?.finishedAt)
  );
}

/** When the last sync finished (or started, while one runs). */
export function lastSyncTime(app: GitOpsApplication): string | undefined {
  const state = app.status.operationState;
  return state?.finishedAt ?? state?.startedAt;
}

function sameResource(
  a: { group?: string; kind: string; namespace?: string; name: string },
  b: { group?: string; kind: string; namespace?: string; name: string },
): boolean {
  return (
    (a.group ?? '') === (b.group ?? '') &&
    a.kind === b.kind &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    a.name === b.name
  );
}

export interface OperationProgress {
  phase: OperationPhase;
  /** `PreSync`, `Sync`, `PostSync` or `SyncFail`: the phase of the latest task. */
  syncPhase?: string;
  /** The sync wave of the latest task, when the app's resources tell it. */
  wave?: number;
  message?: string;
  /** Tasks with a result so far. */
  resultCount: number;
}

/**
 * Where an operation is: its phase, and the sync phase and wave of the last
 * task it started. The engine records a task's result when the task
 * starts, phase by phase and wave by wave, so the last result is the wave
 * in progress. The API's results carry no wave; it comes from the
 * resource's `syncWave` in `status.resources`. Argo CD leaves `syncWave`
 * out when it is 0, so an absent wave reads as 0 once any resource of the
 * app states one; when none does, the backend did not report waves and the
 * wave stays unknown rather than a guessed 0.
 */
export function operationProgress(
  app: GitOpsApplication,
): OperationProgress | undefined {
  const state = app.status.operationState;
  if (!state) return undefined;
  const results = state.syncResult?.resources ?? [];
  const latest = results[results.length - 1];
  const resources: ResourceStatusView[] = app.status.resources ?? [];
  const wavesReported = resources.some(r => r.syncWave !== undefined);
  let wave: number | undefined;
  if (latest && wavesReported) {
    const resource = resources.find(candidate =>
      sameResource(candidate, latest),
    );
    if (resource) wave = resource.syncWave ?? 0;
  }
  return {
    phase: state.phase,
    ...(latest?.syncPhase ? { syncPhase: latest.syncPhase } : {}),
    ...(wave !== undefined ? { wave } : {}),
    ...(state.message ? { message: state.message } : {}),
    resultCount: results.length,
  };
}

/** The first seven characters, as Git and Argo CD show commits. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision;
}
