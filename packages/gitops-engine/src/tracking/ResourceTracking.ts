import { parseApiVersion } from '../cluster/discovery';
import type { KubernetesObject } from '../render/types';

/**
 * How an object records the Application it belongs to, as Argo CD's
 * `application.resourceTrackingMethod`: an annotation holding a tracking id
 * (the default), the instance label, or both.
 */
export type TrackingMethod = 'annotation' | 'label' | 'annotation+label';

export const TRACKING_METHODS: readonly TrackingMethod[] = [
  'annotation',
  'label',
  'annotation+label',
];

/** Driftless's own tracking annotation. */
export const DRIFTLESS_TRACKING_ANNOTATION = 'driftless.dev/tracking-id';
/** Argo CD's tracking annotation, for clusters moving over from Argo CD. */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
/** The instance label both Argo CD and Driftless use for label tracking. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** Kubernetes' limit on label values. */
const LABEL_VALUE_MAX_LENGTH = 63;

/** A tracking id: `<app>:<group>/<kind>:<namespace>/<name>`. */
export interface TrackingId {
  /** The Application's instance name (see {@link applicationInstanceName}). */
  appInstanceName: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export class TrackingIdError extends Error {
  constructor(value: string) {
    super(
      `tracking id ${JSON.stringify(
        value,
      )} is malformed: it should read <application-name>:<group>/<kind>:<namespace>/<name>`,
    );
    this.name = 'TrackingIdError';
  }
}

export function formatTrackingId(id: TrackingId): string {
  return `${id.appInstanceName}:${id.group}/${id.kind}:${id.namespace}/${id.name}`;
}

/** Parses a tracking id exactly as Argo CD does (three `:` parts, then two `/` parts each). */
export function parseTrackingId(value: string): TrackingId {
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  if (first < 0 || second < 0) throw new TrackingIdError(value);
  const groupKind = value.slice(first + 1, second).split('/');
  const namespaceName = value.slice(second + 1).split('/');
  if (groupKind.length !== 2 || namespaceName.length !== 2)
    throw new TrackingIdError(value);
  return {
    appInstanceName: value.slice(0, first),
    group: groupKind[0],
    kind: groupKind[1],
    namespace: namespaceName[0],
    name: namespaceName[1],
  };
}

/**
 * The name an Application is tracked by (Argo CD's `InstanceName`): its name,
 * or `<namespace>_<name>` for an Application outside the control-plane
 * namespace, so apps of the same name in two namespaces stay apart.
 */
export function applicationInstanceName(
  application: { name: string; namespace?: string },
  controlPlaneNamespace: string,
): string {
  if (!application.namespace || application.namespace === controlPlaneNamespace)
    return application.name;
  return `${application.namespace}_${application.name}`;
}

/**
 * Argo CD's `TruncateLabel`: a value over 63 characters is cut to 63, then
 * trimmed until it ends on a letter or digit, as label values must.
 */
export function truncateLabelValue(value: string): string {
  if (value.length <= LABEL_VALUE_MAX_LENGTH) return value;
  let truncated = value.slice(0, LABEL_VALUE_MAX_LENGTH);
  while (!/[a-zA-Z0-9]$/.test(truncated)) {
    if (truncated.length <= 1) {
      throw new Error(
        `cannot make a label value of ${JSON.stringify(
          value,
        )}: it has no letter or digit to end on within 63 characters`,
      );
    }
    truncated = truncated.slice(0, -1);
  }
  return truncated;
}

export interface ResourceTrackingOptions {
  /** `annotation` by default, as in Argo CD. */
  method?: TrackingMethod;
  /** `driftless.dev/tracking-id` by default; `argocd.argoproj.io/tracking-id` to take over from Argo CD. */
  annotationKey?: string;
  /** `app.kubernetes.io/instance` by default. */
  labelKey?: string;
}

function isCustomResourceDefinition(object: KubernetesObject): boolean {
  return (
    object.kind === 'CustomResourceDefinition' &&
    parseApiVersion(String(object.apiVersion ?? '')).group ===
      'apiextensions.k8s.io'
  );
}

/**
 * Resource tracking with Argo CD's semantics
 * (`util/argo/resource_tracking.go`): stamps desired objects, tells which
 * Application a live object belongs to, and checks that a tracking id
 * describes the object that carries it, so an annotation copied onto another
 * object (by a controller or an operator) does not make that object part of
 * the app.
 */
export class ResourceTracking {
  readonly method: TrackingMethod;
  readonly annotationKey: string;
  readonly labelKey: string;

  constructor(options: ResourceTrackingOptions = {}) {
    this.method = options.method ?? 'annotation';
    if (!TRACKING_METHODS.includes(this.method)) {
      throw new Error(
        `unknown tracking method ${JSON.stringify(
          this.method,
        )}; use one of ${TRACKING_METHODS.join(', ')}`,
      );
    }
    this.annotationKey = options.annotationKey ?? DRIFTLESS_TRACKING_ANNOTATION;
    this.labelKey = options.labelKey ?? INSTANCE_LABEL;
  }

  /** Tracking as Argo CD writes it, so a cluster it managed is read without changes. */
  static argoCD(method: TrackingMethod = 'annotation'): ResourceTracking {
    return new ResourceTracking({
      method,
      annotationKey: ARGOCD_TRACKING_ANNOTATION,
      labelKey: INSTANCE_LABEL,
    });
  }

  private usesAnnotation(): boolean {
    return this.method !== 'label';
  }

  /** The tracking id an object of this app carries (its namespace, or the destination namespace when cluster-scoped). */
  trackingIdFor(
    object: KubernetesObject,
    appInstanceName: string,
    destinationNamespace = '',
  ): TrackingId {
    return {
      appInstanceName,
      group: parseApiVersion(String(object.apiVersion ?? '')).group,
      kind: String(object.kind ?? ''),
      namespace: object.metadata?.namespace || destinationNamespace,
      name: object.metadata?.name ?? '',
    };
  }

  /**
   * A copy of a desired object carrying this app's tracking. CRDs are left
   * unmarked, as Argo CD's repo-server leaves them, so that deleting an app
   * never deletes a CRD (and every custom resource of that kind with it).
   */
  stamp(
    object: KubernetesObject,
    appInstanceName: string,
    destinationNamespace = '',
  ): KubernetesObject {
    if (isCustomResourceDefinition(object)) return object;
    const metadata = { ...object.metadata };
    if (this.usesAnnotation()) {
      metadata.annotations = {
        ...(metadata.annotations ?? {}),
        [this.annotationKey]: formatTrackingId(
          this.trackingIdFor(object, appInstanceName, destinationNamespace),
        ),
      };
    }
    if (this.method === 'label') {
      // Label-only tracking reads the label as the app name, so it is not
      // truncated: an over-long name fails at apply with the server's message.
      metadata.labels = {
        ...(metadata.labels ?? {}),
        [this.labelKey]: appInstanceName,
      };
    } else if (this.method === 'annotation+label') {
      metadata.labels = {
        ...(metadata.labels ?? {}),
        [this.labelKey]: truncateLabelValue(appInstanceName),
      };
    }
    return { ...object, metadata };
  }

  /** The tracking id an object carries; undefined when it has none or it is malformed. */
  trackingIdOf(object: KubernetesObject): TrackingId | undefined {
    const value = object.metadata?.annotations?.[this.annotationKey];
    if (typeof value !== 'string' || value === '') return undefined;
    try {
      return parseTrackingId(value);
    } catch {
      return undefined;
    }
  }

  /** The Application a live object names (Argo CD's `GetAppName`), without checking the id against the object. */
  trackedAppName(object: KubernetesObject): string | undefined {
    if (this.method === 'label') {
      const label = object.metadata?.labels?.[this.labelKey];
      return typeof label === 'string' && label !== '' ? label : undefined;
    }
    return this.trackingIdOf(object)?.appInstanceName || undefined;
  }

  /**
   * Argo CD's `isSelfReferencedObj`: whether the tracking id of a live object
   * describes that object. With a desired object at hand the id is built from
   * it (an apiVersion upgrade keeps the object), else read from the live one.
   * Label tracking carries no id to check, so it is always true.
   */
  isSelfReferenced(
    live: KubernetesObject,
    desired?: KubernetesObject,
  ): boolean {
    if (this.method === 'label') return true;
    const id = desired
      ? this.trackingIdFor(desired, '')
      : this.trackingIdOf(live);
    if (!id) return true;
    const namespace = live.metadata?.namespace ?? '';
    return (
      (namespace === id.namespace || namespace === '') &&
      (live.metadata?.name ?? '') === id.name &&
      parseApiVersion(String(live.apiVersion ?? '')).group === id.group &&
      live.kind === id.kind
    );
  }

  /** The Application that owns a live object: the one it names, when its tracking id is its own. */
  ownerOf(live: KubernetesObject): string | undefined {
    const app = this.trackedAppName(live);
    if (!app) return undefined;
    return this.isSelfReferenced(live) ? app : undefined;
  }

  /**
   * Argo CD's `resourceTracking.Normalize`, applied to copies before a diff:
   * while a cluster moves from label to annotation tracking, a live object
   * that has the instance label but no tracking annotation is given the
   * desired annotation, and the label is dropped when the desired object does
   * not carry it, so the move itself shows no difference. A live annotation
   * that differs (the object moved to another app) stays a real difference.
   */
  normalizeForDiff(desired: KubernetesObject, live: KubernetesObject): void {
    if (this.method === 'label') return;
    const liveLabel = live.metadata?.labels?.[this.labelKey];
    if (!liveLabel || isCustomResourceDefinition(live)) return;
    const liveAnnotation = live.metadata?.annotations?.[this.annotationKey];
    if (!liveAnnotation) {
      const desiredAnnotation =
        desired.metadata?.annotations?.[this.annotationKey];
      if (desiredAnnotation !== undefined) {
        live.metadata.annotations = {
          ...(live.metadata.annotations ?? {}),
          [this.annotationKey]: desiredAnnotation,
        };
      }
    }
    if (!desired.metadata?.labels?.[this.labelKey]) {
      const labels = { ...(live.metadata.labels ?? {}) };
      delete labels[this.labelKey];
      if (Object.keys(labels).length > 0) live.metadata.labels = labels;
      else delete live.metadata.labels;
    }
  }
}
