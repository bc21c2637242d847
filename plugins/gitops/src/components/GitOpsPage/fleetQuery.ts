import type {
  GitOpsApplication,
  HealthStatusCode,
  ListApplicationsQuery,
  SyncStatusCode,
} from '@driftless/backstage-plugin-gitops-common';

/** What the fleet page's filters hold; empty means "any". */
export interface FleetFilters {
  /** Text the application's name contains. */
  search: string;
  project: string;
  /** A cluster name or server URL. */
  cluster: string;
  /** Destination namespace. */
  namespace: string;
  sync: SyncStatusCode[];
  health: HealthStatusCode[];
  /** An owner's entity ref (`group:default/team-a`). */
  owner: string;
}

export const NO_FILTERS: FleetFilters = {
  search: '',
  project: '',
  cluster: '',
  namespace: '',
  sync: [],
  health: [],
  owner: '',
};

export const PAGE_SIZES = [10, 25, 50, 100];
export const DEFAULT_PAGE_SIZE = 25;

/** The API query for one page: only the filters set, and the page's cursor. */
export function toListQuery(
  filters: FleetFilters,
  limit: number,
  cursor: string | undefined,
): ListApplicationsQuery {
  const text = (value: string) => value.trim() || undefined;
  const project = text(filters.project);
  const namespace = text(filters.namespace);
  const query: ListApplicationsQuery = {
    limit,
    includeTotalCount: true,
    ...(cursor ? { cursor } : {}),
    ...(text(filters.search) ? { search: text(filters.search) } : {}),
    ...(project ? { project: [project] } : {}),
    ...(text(filters.cluster) ? { cluster: text(filters.cluster) } : {}),
    ...(namespace ? { namespace: [namespace] } : {}),
    ...(filters.sync.length ? { sync: filters.sync } : {}),
    ...(filters.health.length ? { health: filters.health } : {}),
    ...(text(filters.owner) ? { owner: text(filters.owner) } : {}),
  };
  return query;
}

export function hasFilters(filters: FleetFilters): boolean {
  return JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
}

/** An operation is under way: its phases are polled, not signalled. */
export function isBusy(apps: GitOpsApplication[]): boolean {
  return apps.some(app =>
    ['Running', 'Terminating'].includes(app.status.operationState?.phase ?? ''),
  );
}
