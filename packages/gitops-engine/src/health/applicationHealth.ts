import { isHook, isSkipped } from './hooks';
import { annotationsOf, metadataString } from './resourceIdentity';
import {
  HealthStatus,
  HealthStatusCode,
  isWorseHealth,
  UnstructuredObject,
} from './types';

/** Leaves a resource out of its application's health (Argo CD's annotation). */
export const IGNORE_HEALTH_CHECK_ANNOTATION =
  'argocd.argoproj.io/ignore-healthcheck';
const MAX_CAUSES_SHOWN = 3;

/** A resource an application manages: what Git wants of it, and what the cluster has. */
export interface ManagedResource {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The desired object rendered from Git; absent for a live object Git no longer has. */
  target?: UnstructuredObject | null;
  /** The object in the cluster; absent when it does not exist (Missing). */
  live?: UnstructuredObject | null;
}

/** A managed resource with the health of its live object (null: no health check applies). */
export interface AssessedResource extends ManagedResource {
  health: HealthStatus | null;
}

/** The application whose health is aggregated, so that an app managing itself is left out. */
export interface ApplicationIdentity {
  name: string;
  namespace?: string;
  uid?: string;
}

/** One resource's health in an {@link ApplicationHealth}. */
export interface ResourceHealthEntry {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /** Missing when there is no live object; null for hooks, ignored resources and kinds with no check. */
  health: HealthStatus | null;
}

/** An application's health: the worst health of its resources, and which resources caused it. */
export interface ApplicationHealth {
  status: HealthStatusCode;
  /** `Caused by apps/Deployment:ns/name, ... and N more`, or '' when Healthy. */
  message: string;
  /** Every input resource, in input order. */
  resources: ResourceHealthEntry[];
}

function isApplicationItself(
  resource: ManagedResource,
  application?: ApplicationIdentity,
): boolean {
  if (!application || !resource.live) return false;
  if (resource.group !== 'argoproj.io' || resource.kind !== 'Application')
    return false;
  const live = resource.live;
  return (
    metadataString(live, 'name') === application.name &&
    metadataString(live, 'namespace') === (application.namespace ?? '') &&
    (application.uid === undefined ||
      metadataString(live, 'uid') === application.uid)
  );
}

/**
 * How a resource takes part in its application's health (Argo CD's
 * `setApplicationHealth`): 'skip' for `Skip` targets, hooks (including
 * ones of no known type), `ignore-healthcheck` ones and the application itself;
 * 'missing' when there is no live object; 'assess' otherwise. Only 'assess'
 * resources need a health check run.
 */
export function healthParticipation(
  resource: ManagedResource,
  application?: ApplicationIdentity,
): 'skip' | 'missing' | 'assess' {
  if (resource.target && isSkipped(resource.target)) return 'skip';
  const live = resource.live ?? undefined;
  if (live && isHook(live)) return 'skip';
  if (live && annotationsOf(live)[IGNORE_HEALTH_CHECK_ANNOTATION] === 'true')
    return 'skip';
  if (!live) return 'missing';
  if (isApplicationItself(resource, application)) return 'skip';
  return 'assess';
}

function formatCauses(causes: ManagedResource[]): string {
  if (causes.length === 0) return '';
  const shown = causes.slice(0, MAX_CAUSES_SHOWN).map(c => {
    const groupKind = c.group ? `${c.group}/${c.kind}` : c.kind;
    const name = c.namespace ? `${c.namespace}/${c.name}` : c.name;
    return `${groupKind}:${name}`;
  });
  const more =
    causes.length > MAX_CAUSES_SHOWN
      ? ` and ${causes.length - MAX_CAUSES_SHOWN} more`
      : '';
  return `Caused by ${shown.join(', ')}${more}`;
}

/**
 * Aggregates resource health into application health as Argo CD does
 * (`controller/health.go`, 3.4 and later): the worst health in the order
 * Healthy < Suspended < Progressing < Missing < Degraded < Unknown, counting
 * neither Missing resources (their OutOfSync status already says so) nor
 * child Applications that are Missing or Unknown. When the application has
 * resources but none exists live, it is Missing.
 */
export function aggregateApplicationHealth(
  resources: readonly AssessedResource[],
  options: { application?: ApplicationIdentity } = {},
): ApplicationHealth {
  let status: HealthStatusCode = 'Healthy';
  let causes: ManagedResource[] = [];
  let hasResources = false;
  let hasLiveResources = false;
  const entries: ResourceHealthEntry[] = [];

  for (const resource of resources) {
    const participation = healthParticipation(resource, options.application);
    const entry: ResourceHealthEntry = {
      group: resource.group,
      kind: resource.kind,
      namespace: resource.namespace ?? '',
      name: resource.name,
      health: null,
    };
    entries.push(entry);
    const live = resource.live ?? undefined;
    // Argo CD decides this before the ignore-healthcheck and self checks.
    const countsAsResource =
      !(resource.target && isSkipped(resource.target)) &&
      !(live && isHook(live));
    if (countsAsResource) {
      hasResources = true;
      if (live) hasLiveResources = true;
    }
    if (participation === 'skip') continue;
    if (participation === 'missing') {
      entry.health = { status: 'Missing', message: '' };
      continue;
    }
    const health = resource.health;
    if (!health) continue;
    entry.health = health;
    const isChildApplication =
      resource.group === 'argoproj.io' && resource.kind === 'Application';
    if (
      isChildApplication &&
      (health.status === 'Missing' || health.status === 'Unknown')
    )
      continue;
    if (isWorseHealth(status, health.status)) {
      status = health.status;
      causes = [resource];
    } else if (status === health.status && status !== 'Healthy') {
      causes.push(resource);
    }
  }

  if (hasResources && !hasLiveResources && isWorseHealth(status, 'Missing')) {
    status = 'Missing';
    causes = [];
  }
  return { status, message: formatCauses(causes), resources: entries };
}
