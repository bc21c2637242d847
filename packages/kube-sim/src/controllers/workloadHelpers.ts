import { randomSuffix } from '../machinery/naming';
import {
  fromLabelSelectorObject,
  formatLabelSelector,
} from '../machinery/selectors';
import { cloneJson, JsonObject, KubeObject } from '../machinery/types';
import { ApiServer } from '../apiserver/apiServer';
import { getCondition, ownerReference } from './controller';

/** Objects of `kind` (in the owner's namespace) whose controller is `owner`. */
export function ownedObjects(
  api: ApiServer,
  owner: KubeObject,
  kind: string,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ref of api.store.dependentsOf(owner.metadata.uid!)) {
    const object = api.store.get(ref.storageKey, ref.namespace, ref.name);
    if (!object || object.kind !== kind) continue;
    const controller = object.metadata.ownerReferences?.find(o => o.controller);
    if (controller?.uid === owner.metadata.uid) out.push(object);
  }
  return out.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

export function isPodActive(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

export function isPodReady(pod: KubeObject): boolean {
  return getCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (converted to ms by the caller), as of `now`. */
export function isPodAvailable(
  pod: KubeObject,
  minReadyMs: number,
  now: number,
): boolean {
  const ready = getCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadyMs <= 0) return true;
  return Date.parse(ready.lastTransitionTime) + minReadyMs <= now;
}

/** When a ready pod becomes available, for requeueing; undefined if it already is or is not ready. */
export function availableAt(
  pod: KubeObject,
  minReadyMs: number,
): number | undefined {
  const ready = getCondition(pod, 'Ready');
  if (ready?.status !== 'True' || minReadyMs <= 0) return undefined;
  return Date.parse(ready.lastTransitionTime) + minReadyMs;
}

/** A pod from a template, owned by `owner`, as the workload controllers create them. */
export function podFromTemplate(
  owner: KubeObject,
  template: JsonObject,
  name: string,
  extraLabels: Record<string, string> = {},
): KubeObject {
  const metadata: JsonObject = {
    name,
    namespace: owner.metadata.namespace,
    labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
    ownerReferences: [ownerReference(owner)],
  };
  if (template.metadata?.annotations)
    metadata.annotations = { ...template.metadata.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata as KubeObject['metadata'],
    spec: cloneJson(template.spec ?? {}),
  };
}

export function generatedName(prefix: string, random: () => number): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  return `${base}-${randomSuffix(random)}`;
}

/** Resolves an int-or-percent (`25%`) against `total`, rounding up or down. */
export function intOrPercent(
  value: unknown,
  total: number,
  roundUp: boolean,
): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const fraction = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(fraction) : Math.floor(fraction);
  }
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

export function selectorString(selector: JsonObject | undefined): string {
  return formatLabelSelector(fromLabelSelectorObject(selector) ?? []);
}

export function revisionOf(object: KubeObject, annotation: string): number {
  const value = Number(object.metadata.annotations?.[annotation]);
  return Number.isFinite(value) ? value : 0;
}
