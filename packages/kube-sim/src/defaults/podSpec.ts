import { canonicalizeResourceList } from '../machinery/quantity';
import { isPlainObject, JsonObject } from '../machinery/types';

/**
 * Defaults the API server fills into pod specs and pod templates. They are the
 * fields that would show up as drift if a GitOps diff did not predict them.
 */

/** `Always` for `:latest` or untagged images, `IfNotPresent` otherwise. */
export function defaultImagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isPlainObject(probe.httpGet)) probe.httpGet.scheme ??= 'HTTP';
  if (isPlainObject(probe.grpc)) probe.grpc.service ??= '';
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const variable of env) {
    const fieldRef = variable?.valueFrom?.fieldRef;
    if (isPlainObject(fieldRef)) fieldRef.apiVersion ??= 'v1';
  }
}

export function defaultContainer(container: JsonObject): void {
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.imagePullPolicy ??= defaultImagePullPolicy(container.image);
  if (!isPlainObject(container.resources)) container.resources = {};
  canonicalizeResourceList(container.resources.limits);
  canonicalizeResourceList(container.resources.requests);
  for (const port of container.ports ?? []) {
    if (isPlainObject(port)) port.protocol ??= 'TCP';
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
  for (const hook of ['postStart', 'preStop']) {
    const handler = container.lifecycle?.[hook];
    if (isPlainObject(handler?.httpGet)) handler.httpGet.scheme ??= 'HTTP';
  }
  defaultEnv(container.env);
}

function defaultVolume(volume: JsonObject): void {
  for (const kind of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    if (isPlainObject(volume[kind])) volume[kind].defaultMode ??= 420;
  }
  if (isPlainObject(volume.hostPath)) volume.hostPath.type ??= '';
  if (isPlainObject(volume.projected)) {
    for (const source of volume.projected.sources ?? []) {
      const token = source?.serviceAccountToken;
      if (isPlainObject(token)) token.expirationSeconds ??= 3600;
    }
  }
  if (isPlainObject(volume.downwardAPI)) {
    for (const item of volume.downwardAPI.items ?? []) {
      if (isPlainObject(item?.fieldRef)) item.fieldRef.apiVersion ??= 'v1';
    }
  }
}

/** Defaults of a PodSpec; `forPod` adds what admission fills only into real Pods. */
export function defaultPodSpec(spec: JsonObject, forPod: boolean): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  if (!isPlainObject(spec.securityContext)) spec.securityContext = {};
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of spec[list] ?? []) {
      if (isPlainObject(container)) defaultContainer(container);
    }
  }
  for (const volume of spec.volumes ?? []) {
    if (isPlainObject(volume)) defaultVolume(volume);
  }
  if (forPod) {
    spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.enableServiceLinks ??= true;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    if (!Array.isArray(spec.tolerations)) spec.tolerations = [];
    for (const key of [
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
    ]) {
      if (!spec.tolerations.some((t: JsonObject) => t?.key === key)) {
        spec.tolerations.push({
          key,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        });
      }
    }
  }
}

/** A PodTemplateSpec as a typed server writes it back (creationTimestamp: null included). */
export function defaultPodTemplate(template: unknown): void {
  if (!isPlainObject(template)) return;
  if (!isPlainObject(template.metadata)) template.metadata = {};
  if (!('creationTimestamp' in template.metadata))
    template.metadata.creationTimestamp = null;
  if (!isPlainObject(template.spec)) template.spec = {};
  defaultPodSpec(template.spec, false);
}
