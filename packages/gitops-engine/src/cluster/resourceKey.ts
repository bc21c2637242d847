import type { KubernetesObject } from '../render/types';
import { parseApiVersion } from './discovery';

/**
 * What identifies an object in a cluster, across API versions (Argo CD's
 * `kube.ResourceKey`): group, kind, namespace ('' for cluster-scoped) and name.
 */
export interface ResourceKey {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export function resourceKeyOf(object: KubernetesObject): ResourceKey {
  return {
    group: parseApiVersion(String(object.apiVersion ?? '')).group,
    kind: String(object.kind ?? ''),
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  };
}

/** `apps/Deployment/web-dev/web`; `/ConfigMap/default/settings` for the core group. A map key, not for users. */
export function formatResourceKey(key: ResourceKey): string {
  return `${key.group}/${key.kind}/${key.namespace}/${key.name}`;
}

/** `Deployment web-dev/web (apps)`: for messages and tables. */
export function describeResourceKey(key: ResourceKey): string {
  const where = key.namespace ? `${key.namespace}/${key.name}` : key.name;
  return `${key.kind} ${where}${key.group ? ` (${key.group})` : ''}`;
}
