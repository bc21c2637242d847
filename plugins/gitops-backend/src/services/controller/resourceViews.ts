import {
  formatResourceKey,
  maskSecretPair,
  parseApiVersion,
  resourceKeyOf,
  type HealthAssessor,
  type KubernetesObject,
} from '@driftless/gitops-engine';
import type { ComparedApplication } from './reconcileApplication';
import { collectImages } from './statusDocument';
import type { ManagedResource, ResourceRef, ResourceTree } from './types';

type ResourceNode = ResourceTree['nodes'][number];

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function json(object: KubernetesObject | undefined): string | undefined {
  return object ? JSON.stringify(object) : undefined;
}

/**
 * Argo CD's managed resources (`ResourceDiff`) of an app: for each resource
 * the desired, live, predicted and normalized objects as JSON texts, and the
 * diff. Secret values are masked in every state.
 */
export async function buildManagedResources(
  compared: ComparedApplication,
): Promise<ManagedResource[]> {
  const desiredById = new Map(
    compared.desired.map(object => [
      formatResourceKey(resourceKeyOf(object)),
      object,
    ]),
  );
  const items: ManagedResource[] = [];
  for (const resource of compared.comparison.resources) {
    if (resource.skipped) continue;
    const key = {
      group: resource.group,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
    };
    const live = resource.missing
      ? undefined
      : await compared.cluster.cache
          .getObject(key, apiVersionOf(resource.group, resource.version))
          .catch(() => undefined);
    const masked = maskSecretPair(
      desiredById.get(formatResourceKey(key)),
      live,
    );
    items.push({
      group: resource.group,
      kind: resource.kind,
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
      name: resource.name,
      targetState: json(masked.desired),
      liveState: json(masked.live),
      predictedLiveState: json(resource.predictedLive),
      normalizedLiveState: json(resource.normalizedLive),
      diff: resource.diff,
      hook: resource.hook,
      modified: resource.status === 'OutOfSync',
      requiresPruning: resource.requiresPruning,
      ...(live?.metadata?.resourceVersion
        ? { resourceVersion: String(live.metadata.resourceVersion) }
        : {}),
    });
  }
  return items;
}

/** Kinds whose objects other objects usually make, listed to find an app's descendants. */
const DESCENDANT_KINDS = [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'v1', kind: 'Pod' },
  // Argo Rollouts' analyses, owned by their Rollout; skipped where the CRD is not installed.
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun' },
];

/** Where Deployments and Rollouts number their ReplicaSets (and themselves). */
const REVISION_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  'rollout.argoproj.io/revision',
];

/** Argo CD's `Revision` info item (`Rev:3`), which tells a workload's ReplicaSets apart. */
function revisionInfo(
  object: KubernetesObject,
): Array<{ name: string; value: string }> {
  const annotations = (object.metadata.annotations ?? {}) as Record<
    string,
    string
  >;
  const revision = REVISION_ANNOTATIONS.map(key => annotations[key]).find(
    Boolean,
  );
  return revision ? [{ name: 'Revision', value: `Rev:${revision}` }] : [];
}

function refOf(object: KubernetesObject): ResourceRef {
  const { group, version } = parseApiVersion(String(object.apiVersion));
  return {
    group,
    version,
    kind: object.kind,
    ...(object.metadata.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata.name ?? '',
    ...(object.metadata.uid ? { uid: String(object.metadata.uid) } : {}),
  };
}

function podInfo(
  pod: KubernetesObject,
): Array<{ name: string; value: string }> {
  const status = pod.status as
    | {
        phase?: string;
        containerStatuses?: Array<{ ready?: boolean }>;
      }
    | undefined;
  const containers = (
    (pod.spec as { containers?: unknown[] } | undefined)?.containers ?? []
  ).length;
  const ready = (status?.containerStatuses ?? []).filter(c => c.ready).length;
  return [
    ...(status?.phase ? [{ name: 'Status Reason', value: status.phase }] : []),
    { name: 'Containers', value: `${ready}/${containers}` },
  ];
}

/**
 * Argo CD's ApplicationTree for an app: its live resources, and the
 * ReplicaSets, Jobs, Pods and AnalysisRuns they own (found by ownerReferences in the
 * namespaces the app uses), each with its health and images.
 */
export async function buildResourceTree(
  compared: ComparedApplication,
  health: HealthAssessor,
): Promise<ResourceTree> {
  const { cache, connection } = compared.cluster;
  const roots: KubernetesObject[] = [];
  for (const resource of compared.comparison.resources) {
    if (resource.missing || resource.skipped) continue;
    const live = await cache
      .getObject(
        {
          group: resource.group,
          kind: resource.kind,
          namespace: resource.namespace,
          name: resource.name,
        },
        apiVersionOf(resource.group, resource.version),
      )
      .catch(() => undefined);
    if (live) roots.push(live);
  }

  const namespaces = [
    ...new Set(
      roots
        .map(object => object.metadata.namespace)
        .filter((namespace): namespace is string => Boolean(namespace)),
    ),
  ];
  const candidates: KubernetesObject[] = [];
  for (const { apiVersion, kind } of DESCENDANT_KINDS) {
    let resource;
    try {
      resource = await connection.findResource(apiVersion, kind);
    } catch {
      continue;
    }
    for (const namespace of namespaces) {
      const list = await connection
        .list(resource, { namespace })
        .catch(() => undefined);
      candidates.push(
        ...(list?.items ?? []).map(item => ({ ...item, apiVersion, kind })),
      );
    }
  }

  const inTree = new Map<string, KubernetesObject>();
  for (const root of roots) {
    if (root.metadata.uid) inTree.set(String(root.metadata.uid), root);
  }
  const nodes: KubernetesObject[] = [...roots];
  // Owners come before what they own, so one pass per level finds them all.
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of candidates) {
      const uid = String(candidate.metadata.uid ?? '');
      if (!uid || inTree.has(uid)) continue;
      const owners = candidate.metadata.ownerReferences as
        | Array<{ uid?: string }>
        | undefined;
      if (owners?.some(owner => owner.uid && inTree.has(owner.uid))) {
        inTree.set(uid, candidate);
        nodes.push(candidate);
        grew = true;
      }
    }
  }

  const result: ResourceNode[] = [];
  for (const object of nodes) {
    const owners = (object.metadata.ownerReferences ?? []) as Array<{
      uid?: string;
    }>;
    const parentRefs = owners
      .map(owner => (owner.uid ? inTree.get(owner.uid) : undefined))
      .filter((owner): owner is KubernetesObject => Boolean(owner))
      .map(refOf);
    const objectHealth = await health.assessResource(object);
    const images = collectImages([object]);
    const info = object.kind === 'Pod' ? podInfo(object) : revisionInfo(object);
    result.push({
      ...refOf(object),
      ...(parentRefs.length > 0 ? { parentRefs } : {}),
      ...(info.length > 0 ? { info } : {}),
      ...(object.metadata.resourceVersion
        ? { resourceVersion: String(object.metadata.resourceVersion) }
        : {}),
      ...(images.length > 0 ? { images } : {}),
      ...(objectHealth
        ? {
            health: {
              status: objectHealth.status,
              ...(objectHealth.message
                ? { message: objectHealth.message }
                : {}),
            },
          }
        : {}),
      ...(object.metadata.creationTimestamp
        ? { createdAt: String(object.metadata.creationTimestamp) }
        : {}),
    } as ResourceNode);
  }
  for (const child of compared.children.resources) {
    if (!child.live) continue;
    const childHealth = await health.assessResource(child.live);
    result.push({
      group: child.entry.group,
      version: child.entry.version,
      kind: child.entry.kind,
      namespace: child.entry.namespace,
      name: child.entry.name,
      ...(childHealth
        ? {
            health: {
              status: childHealth.status,
              ...(childHealth.message ? { message: childHealth.message } : {}),
            },
          }
        : {}),
    } as ResourceNode);
  }
  return { nodes: result };
}
