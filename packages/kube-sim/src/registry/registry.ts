import { JsonObject } from '../machinery/types';
import { builtinResourceTypes } from './builtinTypes';
import { customResourceType } from './crdSchema';
import {
  ALL_VERBS,
  ResourceType,
  storageKeyOf,
  TableColumn,
} from './resourceType';

/** Kubernetes' version priority: GA > beta > alpha, higher numbers first. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return { rank: -1, major: 0, minor: 0, raw: v };
    const ranks: Record<string, number> = { alpha: 0, beta: 1 };
    const rank = match[2] === undefined ? 2 : ranks[match[2]];
    return {
      rank,
      major: Number(match[1]),
      minor: Number(match[3] ?? 0),
      raw: v,
    };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa.rank !== pb.rank) return pb.rank - pa.rank;
  if (pa.major !== pb.major) return pb.major - pa.major;
  if (pa.minor !== pb.minor) return pb.minor - pa.minor;
  if (pa.raw === pb.raw) return 0;
  return pa.raw < pb.raw ? -1 : 1;
}

export interface ApiGroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/**
 * Which resources the server serves: the built-in kinds plus whatever the
 * stored CustomResourceDefinitions declare. Discovery reads it, and so does
 * request routing.
 */
export class ResourceRegistry {
  private readonly byGroupVersionResource = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, ResourceType[]>();
  private readonly crdSchemas = new Map<string, JsonObject | undefined>();
  private readonly groupOrder: string[] = [];
  /** Bumped on every change, so discovery documents can carry an ETag. */
  generation = 1;

  constructor() {
    for (const type of builtinResourceTypes()) this.add(type);
  }

  private add(type: ResourceType): void {
    this.byGroupVersionResource.set(
      `${type.group}/${type.version}/${type.resource}`,
      type,
    );
    if (!this.groupOrder.includes(type.group)) this.groupOrder.push(type.group);
  }

  lookup(
    group: string,
    version: string,
    resource: string,
  ): ResourceType | undefined {
    return this.byGroupVersionResource.get(`${group}/${version}/${resource}`);
  }

  lookupKind(
    group: string,
    version: string,
    kind: string,
  ): ResourceType | undefined {
    for (const type of this.byGroupVersionResource.values()) {
      if (
        type.group === group &&
        type.version === version &&
        type.kind === kind
      )
        return type;
    }
    return undefined;
  }

  /** The resource type for a kind in the group's preferred version (any version if none given). */
  lookupGroupKind(group: string, kind: string): ResourceType | undefined {
    const candidates = [...this.byGroupVersionResource.values()].filter(
      type => type.group === group && type.kind === kind,
    );
    candidates.sort((a, b) => compareKubeVersions(a.version, b.version));
    return candidates[0];
  }

  /** Every served version of the resource stored under `storageKey`. */
  typesForStorage(storageKey: string): ResourceType[] {
    return [...this.byGroupVersionResource.values()].filter(
      type => type.storageKey === storageKey,
    );
  }

  all(): ResourceType[] {
    return [...this.byGroupVersionResource.values()];
  }

  groups(): ApiGroupInfo[] {
    const groups: ApiGroupInfo[] = [];
    for (const name of this.groupOrder) {
      const versions = [
        ...new Set(
          this.all()
            .filter(type => type.group === name)
            .map(type => type.version),
        ),
      ].sort(compareKubeVersions);
      if (versions.length === 0) continue;
      groups.push({ name, versions, preferredVersion: versions[0] });
    }
    return groups;
  }

  resourcesIn(group: string, version: string): ResourceType[] {
    return this.all().filter(
      type => type.group === group && type.version === version,
    );
  }

  /** The schema of one served version of a custom resource (for defaulting and pruning). */
  crdSchema(type: ResourceType): JsonObject | undefined {
    return this.crdSchemas.get(`${type.crdName}/${type.version}`);
  }

  /** Serves (or re-serves, after an update) the resources a CRD declares. */
  installCrd(crd: JsonObject): void {
    this.removeCrd(crd.metadata.name);
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    const types: ResourceType[] = [];
    for (const version of spec.versions ?? []) {
      if (version.served === false) continue;
      const columns: TableColumn[] = (version.additionalPrinterColumns ?? [])
        .filter(
          (column: JsonObject) =>
            column.name !== 'Age' ||
            column.jsonPath !== '.metadata.creationTimestamp',
        )
        .map((column: JsonObject) => ({
          name: column.name,
          type: column.type === 'date' ? 'string' : column.type,
          description: column.description,
          priority: column.priority ?? 0,
          value: String(column.jsonPath ?? '').replace(/^\./, ''),
        }));
      const type: ResourceType = {
        group: spec.group,
        version: version.name,
        resource: names.plural,
        singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        namespaced: spec.scope !== 'Cluster',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: ALL_VERBS,
        hasStatusSubresource: Boolean(version.subresources?.status),
        scaleSubresource: version.subresources?.scale,
        tracksGeneration: true,
        strategicMerge: false,
        nameRule: 'dns1123-subdomain',
        schema: customResourceType(version.schema?.openAPIV3Schema),
        custom: true,
        crdName: crd.metadata.name,
        storageKey: storageKeyOf(spec.group, names.plural),
        columns,
        allowUnconditionalUpdate: false,
      };
      this.crdSchemas.set(
        `${crd.metadata.name}/${version.name}`,
        version.schema?.openAPIV3Schema,
      );
      types.push(type);
      this.add(type);
    }
    this.crdTypes.set(crd.metadata.name, types);
    this.generation++;
  }

  removeCrd(name: string): ResourceType[] {
    const types = this.crdTypes.get(name) ?? [];
    for (const type of types) {
      this.byGroupVersionResource.delete(
        `${type.group}/${type.version}/${type.resource}`,
      );
      this.crdSchemas.delete(`${name}/${type.version}`);
    }
    this.crdTypes.delete(name);
    if (types.length > 0) {
      this.generation++;
      for (const group of [...this.groupOrder]) {
        if (!this.all().some(type => type.group === group)) {
          this.groupOrder.splice(this.groupOrder.indexOf(group), 1);
        }
      }
    }
    return types;
  }
}
