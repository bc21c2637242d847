import { JsonObject } from '../machinery/types';
import { ResourceRegistry } from '../registry/registry';
import { ResourceType } from '../registry/resourceType';

/** The version a kube-sim claims to be; kubectl 1.32 talks to it without skew warnings. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kube-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the client asked for aggregated discovery (kubectl 1.30+ does). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some(part => {
    const params = part.split(';').map(p => p.trim());
    return (
      params.includes('g=apidiscovery.k8s.io') &&
      params.includes('v=v2') &&
      params.includes('as=APIGroupDiscoveryList')
    );
  });
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function hasScale(type: ResourceType): boolean {
  return (
    (type.group === 'apps' &&
      ['deployments', 'replicasets', 'statefulsets'].includes(type.resource)) ||
    type.scaleSubresource !== undefined
  );
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter(group => group.name !== '')
      .map(group => ({
        name: group.name,
        versions: group.versions.map(version => ({
          groupVersion: `${group.name}/${version}`,
          version,
        })),
        preferredVersion: {
          groupVersion: `${group.name}/${group.preferredVersion}`,
          version: group.preferredVersion,
        },
      })),
  };
}

export function apiGroup(
  registry: ResourceRegistry,
  name: string,
): JsonObject | undefined {
  const group = registry.groups().find(g => g.name === name);
  if (!group) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group.name,
    versions: group.versions.map(version => ({
      groupVersion: `${group.name}/${version}`,
      version,
    })),
    preferredVersion: {
      groupVersion: `${group.name}/${group.preferredVersion}`,
      version: group.preferredVersion,
    },
  };
}

export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.resourcesIn(group, version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const type of types) {
    const entry: JsonObject = {
      name: type.resource,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
    };
    if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
    if (type.categories.length > 0) entry.categories = type.categories;
    resources.push(entry);
    if (type.hasStatusSubresource) {
      resources.push({
        name: `${type.resource}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: SUBRESOURCE_VERBS,
      });
    }
    if (hasScale(type)) {
      resources.push({
        name: `${type.resource}/scale`,
        singularName: '',
        namespaced: type.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: SUBRESOURCE_VERBS,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** The apidiscovery.k8s.io/v2 document for the core group (`/api`) or the named groups (`/apis`). */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  core: boolean,
): JsonObject {
  const items = registry
    .groups()
    .filter(group => (core ? group.name === '' : group.name !== ''))
    .map(group => ({
      metadata: { name: group.name, creationTimestamp: null },
      versions: group.versions.map(version => ({
        version,
        resources: registry.resourcesIn(group.name, version).map(type => {
          const entry: JsonObject = {
            resource: type.resource,
            responseKind: {
              group: type.group,
              version: type.version,
              kind: type.kind,
            },
            scope: type.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: type.singular,
            verbs: type.verbs,
          };
          if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
          if (type.categories.length > 0) entry.categories = type.categories;
          const subresources: JsonObject[] = [];
          if (type.hasStatusSubresource) {
            subresources.push({
              subresource: 'status',
              responseKind: {
                group: type.group,
                version: type.version,
                kind: type.kind,
              },
              verbs: SUBRESOURCE_VERBS,
            });
          }
          if (hasScale(type)) {
            subresources.push({
              subresource: 'scale',
              responseKind: {
                group: 'autoscaling',
                version: 'v1',
                kind: 'Scale',
              },
              verbs: SUBRESOURCE_VERBS,
            });
          }
          if (subresources.length > 0) entry.subresources = subresources;
          return entry;
        }),
        freshness: 'Current',
      })),
    }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items,
  };
}
