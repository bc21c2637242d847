import type {
  ApplicationEventView,
  GitOpsApplication,
  HealthStatusView,
  ManagedResource,
  ResourceNode,
  ResourceResultView,
  ResourceStatusView,
  ResourceTree,
  RevisionHistoryView,
} from '@driftless/backstage-plugin-gitops-common';

/**
 * One resource of an application as the resources tab lists it: a managed
 * resource (from `status.resources`, with its sync status, wave and hook
 * flag) or a live child (a ReplicaSet, a Pod) from the resource tree.
 */
export interface ResourceRow {
  /** `group/kind/namespace/name`. */
  id: string;
  group: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Only managed resources that are not hooks have one. */
  syncStatus?: string;
  health?: HealthStatusView;
  message?: string;
  syncWave?: number;
  hook: boolean;
  requiresPruning: boolean;
  /** Defined in Git (listed in `status.resources`), as opposed to made by the cluster. */
  managed: boolean;
  /** The row's owner in the tree (its `id`), for live children. */
  parentId?: string;
  images: string[];
  info: Array<{ name: string; value: string }>;
  createdAt?: string;
}

interface ResourceIdentity {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * `group/kind/namespace/name`. The API writes the core group and a
 * cluster-scoped namespace as `''` in some places and leaves them out in
 * others; both give the same id.
 */
export function resourceId(resource: ResourceIdentity): string {
  return `${resource.group ?? ''}/${resource.kind}/${
    resource.namespace ?? ''
  }/${resource.name}`;
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped resources, as people name them. */
export function describeResource(resource: ResourceIdentity): string {
  return `${resource.kind} ${
    resource.namespace ? `${resource.namespace}/` : ''
  }${resource.name}`;
}

function sameResource(a: ResourceIdentity, b: ResourceIdentity): boolean {
  return resourceId(a) === resourceId(b);
}

function nodeFacts(node: ResourceNode | undefined) {
  return {
    images: node?.images ?? [],
    info: node?.info ?? [],
    ...(node?.createdAt ? { createdAt: node.createdAt } : {}),
  };
}

/**
 * The rows of the resources tab: every managed resource in the order the
 * API lists them (including missing ones, which the tree cannot have), then
 * every other tree node with the owner it has in the tree.
 */
export function resourceRows(
  app: GitOpsApplication,
  tree: ResourceTree | undefined,
): ResourceRow[] {
  const nodes = tree?.nodes ?? [];
  const nodesById = new Map(nodes.map(node => [resourceId(node), node]));
  const nodesByUid = new Map(
    nodes.filter(node => node.uid).map(node => [node.uid!, node]),
  );
  const rows: ResourceRow[] = (app.status.resources ?? []).map(
    (resource: ResourceStatusView) => {
      const id = resourceId(resource);
      const node = nodesById.get(id);
      // status.resources is written at reconcile; the tree is read now.
      const health = node?.health ?? resource.health;
      return {
        id,
        group: resource.group ?? '',
        version: resource.version,
        kind: resource.kind,
        ...(resource.namespace ? { namespace: resource.namespace } : {}),
        name: resource.name,
        ...(resource.status ? { syncStatus: resource.status } : {}),
        ...(health ? { health } : {}),
        ...(health?.message ? { message: health.message } : {}),
        ...(resource.syncWave !== undefined
          ? { syncWave: resource.syncWave }
          : {}),
        hook: Boolean(resource.hook),
        requiresPruning: Boolean(resource.requiresPruning),
        managed: true,
        ...nodeFacts(node),
      };
    },
  );
  const managedIds = new Set(rows.map(row => row.id));
  const ownerOf = (node: ResourceNode): string | undefined => {
    for (const parent of node.parentRefs ?? []) {
      const owner =
        (parent.uid && nodesByUid.get(parent.uid)) ||
        nodesById.get(resourceId(parent));
      if (owner) return resourceId(owner);
    }
    return undefined;
  };
  for (const node of nodes) {
    const id = resourceId(node);
    if (managedIds.has(id)) continue;
    managedIds.add(id);
    const parentId = ownerOf(node);
    rows.push({
      id,
      group: node.group ?? '',
      version: node.version,
      kind: node.kind,
      ...(node.namespace ? { namespace: node.namespace } : {}),
      name: node.name,
      ...(node.health ? { health: node.health } : {}),
      ...(node.health?.message ? { message: node.health.message } : {}),
      hook: false,
      requiresPruning: false,
      managed: false,
      ...(parentId && parentId !== id ? { parentId } : {}),
      ...nodeFacts(node),
    });
  }
  return rows;
}

export interface ResourceTreeItem {
  row: ResourceRow;
  children: ResourceTreeItem[];
}

function byKindThenName(a: ResourceTreeItem, b: ResourceTreeItem): number {
  return (
    a.row.kind.localeCompare(b.row.kind) || a.row.name.localeCompare(b.row.name)
  );
}

/**
 * The rows as a tree: managed resources (and children whose owner is not in
 * the tree) as roots, each live child under its owner. Roots keep the rows'
 * order; children are sorted by kind, then name. An ownership cycle (only
 * broken data has one) is cut where it closes, so no row is lost.
 */
export function resourceTreeItems(rows: ResourceRow[]): ResourceTreeItem[] {
  const items = new Map<string, ResourceTreeItem>(
    rows.map(row => [row.id, { row, children: [] }]),
  );
  const parentOf = (item: ResourceTreeItem) =>
    item.row.parentId ? items.get(item.row.parentId) : undefined;
  const closesCycle = (item: ResourceTreeItem): boolean => {
    const seen = new Set([item.row.id]);
    for (let up = parentOf(item); up; up = parentOf(up)) {
      if (seen.has(up.row.id)) return true;
      seen.add(up.row.id);
    }
    return false;
  };
  const roots: ResourceTreeItem[] = [];
  for (const item of items.values()) {
    const parent = parentOf(item);
    if (parent && !closesCycle(item)) parent.children.push(item);
    else roots.push(item);
  }
  const sortChildren = (item: ResourceTreeItem) => {
    item.children.sort(byKindThenName);
    item.children.forEach(sortChildren);
  };
  roots.forEach(sortChildren);
  return roots;
}

/** The ids of every item that has children, to expand the whole tree. */
export function expandableIds(items: ResourceTreeItem[]): string[] {
  return items.flatMap(item =>
    item.children.length > 0
      ? [item.row.id, ...expandableIds(item.children)]
      : [],
  );
}

/** What the resources table can be narrowed to; empty fields do not filter. */
export interface ResourceFilter {
  kind?: string;
  /** A sync status, or {@link NO_SYNC_STATUS} for rows without one (live children, hooks). */
  syncStatus?: string;
  health?: string;
  /** Matched, ignoring case, against kind, name, namespace and message. */
  text?: string;
}

/** The filter value for rows the app does not compare (live children, hooks). */
export const NO_SYNC_STATUS = 'None';

export function filterResourceRows(
  rows: ResourceRow[],
  filter: ResourceFilter,
): ResourceRow[] {
  const text = filter.text?.trim().toLowerCase();
  return rows.filter(row => {
    if (filter.kind && row.kind !== filter.kind) return false;
    if (
      filter.syncStatus &&
      (row.syncStatus ?? NO_SYNC_STATUS) !== filter.syncStatus
    ) {
      return false;
    }
    if (filter.health && (row.health?.status ?? '') !== filter.health) {
      return false;
    }
    if (text) {
      const haystack = [row.kind, row.name, row.namespace, row.message]
        .filter(Boolean)
        .join('\n')
        .toLowerCase();
      if (!haystack.includes(text)) return false;
    }
    return true;
  });
}

/** The values each filter can take among these rows, sorted, for the filter menus. */
export function resourceFilterOptions(rows: ResourceRow[]): {
  kinds: string[];
  syncStatuses: string[];
  healths: string[];
} {
  const distinct = (values: Array<string | undefined>) =>
    [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
  return {
    kinds: distinct(rows.map(row => row.kind)),
    syncStatuses: distinct(rows.map(row => row.syncStatus ?? NO_SYNC_STATUS)),
    healths: distinct(rows.map(row => row.health?.status)),
  };
}

export function managedResourceFor(
  row: ResourceRow,
  managed: ManagedResource[] | undefined,
): ManagedResource | undefined {
  return managed?.find(resource => resourceId(resource) === row.id);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One sync that touched the resource, from the app's history. */
export interface ResourceDeployment {
  entry: RevisionHistoryView;
  /** The resource's result in that sync: `Synced`, `Pruned`, … */
  status?: string;
}

/** What the app knows happened to one resource, newest first in each list. */
export interface ResourceEvents {
  /** Its results in the app's current or last operation. */
  lastOperation: ResourceResultView[];
  /** The recorded syncs that touched it. */
  deployments: ResourceDeployment[];
  /** Application events that name it (`Kind namespace/name` or `Kind name`). */
  mentions: ApplicationEventView[];
}

/**
 * The events of one resource as the API gives them: its results in the last
 * operation, the history entries that list it, and the application events
 * naming it. Its Kubernetes Events come from their own route (see
 * components/resources/KubernetesEvents.tsx).
 */
export function resourceEvents(
  app: GitOpsApplication,
  row: ResourceRow,
  events: ApplicationEventView[],
): ResourceEvents {
  const lastOperation = (
    app.status.operationState?.syncResult?.resources ?? []
  ).filter(result => sameResource(result, row));
  const deployments: ResourceDeployment[] = [];
  for (const entry of [...(app.status.history ?? [])].reverse()) {
    const touched = (entry.resources ?? []).find(resource =>
      sameResource(resource as unknown as ResourceIdentity, row),
    );
    if (touched) {
      deployments.push({
        entry,
        ...(typeof touched.status === 'string'
          ? { status: touched.status }
          : {}),
      });
    }
  }
  const kind = escapeRegExp(row.kind);
  const name = escapeRegExp(row.name);
  const namespace = row.namespace ? `(${escapeRegExp(row.namespace)}/)?` : '';
  const naming = [
    // How the controller names resources: `Kind ns/name`, maybe `group/Kind`.
    new RegExp(`(^|[\\s/])${kind} ${namespace}${name}(?![\\w.-])`),
    // How the Kubernetes API names them in errors: `Kind.group "name"`.
    new RegExp(
      `(^|\\s)${kind}${
        row.group ? `\\.${escapeRegExp(row.group)}` : ''
      } "${name}"`,
    ),
  ];
  const mentions = events.filter(event =>
    naming.some(pattern => pattern.test(event.message)),
  );
  return { lastOperation, deployments, mentions };
}
