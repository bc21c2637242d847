import type { ApiResource } from './connection';

/** `/api/v1` and `/apis/<group>/<version>` answers: an APIResourceList. */
export interface ApiResourceListDocument {
  groupVersion?: string;
  resources?: Array<{
    name?: string;
    kind?: string;
    namespaced?: boolean;
    verbs?: string[];
  }>;
}

/** `/apis`: an APIGroupList. */
export interface ApiGroupListDocument {
  groups?: Array<{
    name?: string;
    versions?: Array<{ groupVersion?: string; version?: string }>;
    preferredVersion?: { groupVersion?: string; version?: string };
  }>;
}

/** The resource types of one group version; subresources (`deployments/scale`) are left out. */
export function resourcesOfGroupVersion(
  group: string,
  version: string,
  preferredVersion: boolean,
  document: ApiResourceListDocument,
): ApiResource[] {
  const resources: ApiResource[] = [];
  for (const entry of document.resources ?? []) {
    if (!entry.name || !entry.kind || entry.name.includes('/')) continue;
    resources.push({
      group,
      version,
      kind: entry.kind,
      resource: entry.name,
      namespaced: Boolean(entry.namespaced),
      verbs: entry.verbs ?? [],
      preferredVersion,
    });
  }
  return resources;
}

/** Lookups over one discovery result. */
export class DiscoveryIndex {
  private readonly byGroupVersionKind = new Map<string, ApiResource>();
  private readonly byGroupKind = new Map<string, ApiResource[]>();

  constructor(readonly resources: ApiResource[]) {
    for (const resource of resources) {
      const gvk = `${resource.group}/${resource.version}/${resource.kind}`;
      // Two plurals for one kind happen for legacy aliases; the first listed is canonical.
      if (!this.byGroupVersionKind.has(gvk))
        this.byGroupVersionKind.set(gvk, resource);
      const gk = `${resource.group}/${resource.kind}`;
      const versions = this.byGroupKind.get(gk) ?? [];
      if (!versions.some(known => known.version === resource.version))
        versions.push(resource);
      this.byGroupKind.set(gk, versions);
    }
  }

  find(group: string, version: string, kind: string): ApiResource | undefined {
    return this.byGroupVersionKind.get(`${group}/${version}/${kind}`);
  }

  /** The preferred version of a group/kind, else the first version that serves it. */
  findPreferred(group: string, kind: string): ApiResource | undefined {
    const versions = this.byGroupKind.get(`${group}/${kind}`);
    if (!versions) return undefined;
    return versions.find(resource => resource.preferredVersion) ?? versions[0];
  }
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group. */
export function parseApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}
