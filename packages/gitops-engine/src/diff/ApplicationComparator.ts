import type {
  Application,
  ResourceIgnoreDifferences,
} from '../application/types';
import type { WatchRequest } from '../cache/ClusterCache';
import type { ClusterConnection } from '../cluster/connection';
import { parseApiVersion } from '../cluster/discovery';
import { ClusterError, ResourceNotServedError } from '../cluster/errors';
import {
  describeResourceKey,
  formatResourceKey,
  resourceKeyOf,
  type ResourceKey,
} from '../cluster/resourceKey';
import { isHook, isSkipped } from '../health/hooks';
import type { KubernetesObject } from '../render/types';
import {
  applicationInstanceName,
  ResourceTracking,
} from '../tracking/ResourceTracking';
import {
  DiffSettings,
  IgnoreDifferences,
  IgnoreDifferencesConfigError,
} from './ignoreDifferences';
import { cloneJson } from './json';
import { ObjectDiffer, type DiffMethod } from './ObjectDiffer';
import type { PredictionCache } from './PredictionCache';
import { withLazyDiff } from './presentation';

export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

/** Where the comparator reads live objects: the {@link ClusterCache}, or anything that answers the same. */
export interface LiveObjectSource {
  /** Makes sure these types are kept (list+watch) before they are read. */
  watch?(requests: WatchRequest[]): Promise<void>;
  /** The live objects that carry this app's tracking and are its own. */
  trackedObjects(appInstanceName: string): KubernetesObject[];
  /** The live object at a key, in this apiVersion; undefined when it does not exist. */
  getObject(
    key: ResourceKey,
    apiVersion?: string,
  ): Promise<KubernetesObject | undefined>;
}

/** The comparison of one resource of an app. */
export interface ResourceDiff {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  /** Undefined for hooks and `Skip` resources, which have no sync status. */
  status?: SyncStatusCode;
  /** Why the status is Unknown; also notes such as skipped ignore expressions. */
  message?: string;
  /** Desired but not live. */
  missing: boolean;
  /** Live and tracked by the app but not desired: a sync with prune deletes it. */
  requiresPruning: boolean;
  /** Extraneous with `compare-options: IgnoreExtraneous`: OutOfSync, but it leaves the app Synced. */
  ignoreExtraneous: boolean;
  /** A sync hook (never diffed; hooks run, they are not kept in sync). */
  hook: boolean;
  /** `argocd.argoproj.io/hook: Skip`: not synced at all. */
  skipped: boolean;
  method?: DiffMethod;
  predictionCacheHit?: boolean;
  /** Normalized objects for the UI; Secret values masked. */
  predictedLive?: KubernetesObject;
  normalizedLive?: KubernetesObject;
  /** Unified diff, live to desired, as YAML; '' when in sync. Computed on first read. */
  diff: string;
}

export type ComparisonConditionType =
  | 'ComparisonError'
  | 'InvalidSpecError'
  | 'RepeatedResourceWarning'
  | 'SharedResourceWarning';

export interface ComparisonCondition {
  type: ComparisonConditionType;
  message: string;
}

/** An app's comparison: Argo CD's `status.sync.status`, `status.resources` and comparison conditions. */
export interface ApplicationDiff {
  /** Synced only if every resource with a status is Synced (extraneous ones with IgnoreExtraneous aside). */
  status: SyncStatusCode;
  resources: ResourceDiff[];
  conditions: ComparisonCondition[];
}

/** What to compare: the desired objects of one app and how to treat them. */
export interface CompareRequest {
  /** The name the app tracks its objects by (see {@link applicationInstanceName}). */
  appInstanceName: string;
  /** Where namespaced objects without a namespace go (`spec.destination.namespace`). */
  destinationNamespace?: string;
  /** The rendered manifests. */
  desired: KubernetesObject[];
  ignoreDifferences?: ResourceIgnoreDifferences[];
  /** `spec.syncPolicy.syncOptions` (`Replace=true` makes every diff structural). */
  syncOptions?: string[];
  /** The Application's `argocd.argoproj.io/compare-options` (`IncludeMutationWebhook=true`, `ServerSideDiff=false`). */
  compareOptions?: string;
  /**
   * Types to keep besides those of the desired objects, so objects of a kind
   * no longer in Git are still found as extraneous: typically the kinds in
   * the app's last known resources.
   */
  extraTypes?: WatchRequest[];
}

export interface ApplicationComparatorOptions {
  connection: ClusterConnection;
  live: LiveObjectSource;
  /** Annotation tracking with `driftless.dev/tracking-id` by default. */
  tracking?: ResourceTracking;
  /** System-level settings from argocd-cm (ignoreDifferences, compare options). */
  settings?: DiffSettings;
  fieldManager?: string;
  predictionCache?: PredictionCache | false;
  /** Dry-run requests in flight at once; 8 by default. */
  concurrency?: number;
}

/** Whether a comma-separated option annotation or list holds `option`. */
function hasOption(
  values: string | string[] | undefined,
  option: string,
): boolean {
  const list = typeof values === 'string' ? values.split(',') : values ?? [];
  return list.some(value => value.trim() === option);
}

/** The CompareRequest for an Application, with Argo CD's instance naming. */
export function compareRequestFor(
  application: Application,
  desired: KubernetesObject[],
  options: { controlPlaneNamespace?: string; extraTypes?: WatchRequest[] } = {},
): CompareRequest {
  return {
    appInstanceName: applicationInstanceName(
      {
        name: application.metadata.name,
        namespace: application.metadata.namespace,
      },
      options.controlPlaneNamespace ?? application.metadata.namespace ?? '',
    ),
    destinationNamespace: application.spec.destination.namespace,
    desired,
    ignoreDifferences: application.spec.ignoreDifferences,
    syncOptions: application.spec.syncPolicy?.syncOptions,
    compareOptions:
      application.metadata.annotations?.[COMPARE_OPTIONS_ANNOTATION],
    extraTypes: options.extraTypes,
  };
}

interface DesiredEntry {
  key: ResourceKey;
  object: KubernetesObject;
  /** Set when the object cannot be compared (its kind is not served). */
  unknownReason?: string;
}

async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    },
  );
  await Promise.all(workers);
  return results;
}

function versionOf(object: KubernetesObject | undefined): string {
  return object ? parseApiVersion(String(object.apiVersion ?? '')).version : '';
}

/**
 * Compares an app's desired objects with the cluster, with Argo CD's sync
 * status rules (`controller/state.go`): desired objects get the destination
 * namespace and this app's tracking, hooks and `Skip` resources get no
 * status, objects whose tracking id was copied from another object are not
 * the app's, objects tracked by the app but not desired are extraneous, and
 * the app is Synced only if every resource with a status is.
 */
export class ApplicationComparator {
  readonly differ: ObjectDiffer;
  readonly tracking: ResourceTracking;
  private readonly connection: ClusterConnection;
  private readonly live: LiveObjectSource;
  private readonly settings: DiffSettings;
  private readonly concurrency: number;

  constructor(options: ApplicationComparatorOptions) {
    this.connection = options.connection;
    this.live = options.live;
    this.tracking = options.tracking ?? new ResourceTracking();
    this.settings = options.settings ?? DiffSettings.defaults;
    this.concurrency = options.concurrency ?? 8;
    this.differ = new ObjectDiffer({
      connection: options.connection,
      fieldManager: options.fieldManager,
      predictionCache: options.predictionCache,
    });
  }

  async compare(request: CompareRequest): Promise<ApplicationDiff> {
    const conditions: ComparisonCondition[] = [];
    let ignore: IgnoreDifferences;
    try {
      ignore = new IgnoreDifferences(request.ignoreDifferences, this.settings);
    } catch (error) {
      if (!(error instanceof IgnoreDifferencesConfigError)) throw error;
      return comparisonError(error.message);
    }
    try {
      const desired = await this.prepareDesired(request, conditions);
      await this.live.watch?.(
        watchRequestsFor(
          desired,
          request.destinationNamespace,
          request.extraTypes,
        ),
      );
      const resources = await this.compareResources(
        request,
        desired,
        ignore,
        conditions,
      );
      return { status: overallStatus(resources), resources, conditions };
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      return comparisonError(error.message, conditions);
    }
  }

  /**
   * The desired objects as they are compared and as a sync must apply them:
   * with the destination namespace where they have none, without one where
   * the kind is cluster-scoped, with this app's tracking, repeated objects
   * reduced to the last. The sync engine applies exactly these.
   */
  async prepare(request: CompareRequest): Promise<{
    objects: KubernetesObject[];
    conditions: ComparisonCondition[];
  }> {
    const conditions: ComparisonCondition[] = [];
    const entries = await this.prepareDesired(request, conditions);
    return { objects: entries.map(entry => entry.object), conditions };
  }

  /** Namespaces, tracking and de-duplication, as Argo CD's `NormalizeTargetObjects`. */
  private async prepareDesired(
    request: CompareRequest,
    conditions: ComparisonCondition[],
  ): Promise<DesiredEntry[]> {
    const byKey = new Map<string, DesiredEntry>();
    const counts = new Map<string, number>();
    for (const original of request.desired) {
      let object = original;
      let unknownReason: string | undefined;
      try {
        const resource = await this.connection.findResource(
          object.apiVersion,
          object.kind,
        );
        const namespace = object.metadata?.namespace;
        if (!resource.namespaced && namespace) {
          object = {
            ...object,
            metadata: { ...object.metadata, namespace: undefined },
          };
          delete object.metadata.namespace;
        } else if (resource.namespaced && !namespace) {
          if (request.destinationNamespace) {
            object = {
              ...object,
              metadata: {
                ...object.metadata,
                namespace: request.destinationNamespace,
              },
            };
          } else {
            conditions.push({
              type: 'InvalidSpecError',
              message: `Namespace for ${object.kind} ${object.metadata?.name} is missing: set metadata.namespace or spec.destination.namespace`,
            });
          }
        }
      } catch (error) {
        if (!(error instanceof ResourceNotServedError)) throw error;
        unknownReason = error.message;
        // A kind of unknown scope counts as namespaced, as in Argo CD.
        if (!object.metadata?.namespace && request.destinationNamespace) {
          object = {
            ...object,
            metadata: {
              ...object.metadata,
              namespace: request.destinationNamespace,
            },
          };
        }
      }
      object = this.tracking.stamp(
        object,
        request.appInstanceName,
        request.destinationNamespace ?? '',
      );
      const key = resourceKeyOf(object);
      const id = formatResourceKey(key);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      // Argo CD keeps the last of repeated objects.
      byKey.set(id, { key, object, unknownReason });
    }
    for (const [id, count] of counts) {
      if (count > 1) {
        conditions.push({
          type: 'RepeatedResourceWarning',
          message: `Resource ${describeResourceKey(
            byKey.get(id)!.key,
          )} appeared ${count} times among application resources.`,
        });
      }
    }
    return [...byKey.values()];
  }

  private async compareResources(
    request: CompareRequest,
    desired: DesiredEntry[],
    ignore: IgnoreDifferences,
    conditions: ComparisonCondition[],
  ): Promise<ResourceDiff[]> {
    const desiredIds = new Set(
      desired.map(entry => formatResourceKey(entry.key)),
    );
    const extraneous = this.live
      .trackedObjects(request.appInstanceName)
      .filter(
        object => !desiredIds.has(formatResourceKey(resourceKeyOf(object))),
      );
    const serverSide = !hasOption(
      request.compareOptions,
      'ServerSideDiff=false',
    );
    const includeMutationWebhook = hasOption(
      request.compareOptions,
      'IncludeMutationWebhook=true',
    );
    const replaceAll = hasOption(request.syncOptions, 'Replace=true');

    const compareDesired = async (
      entry: DesiredEntry,
    ): Promise<ResourceDiff> => {
      const { key, object } = entry;
      const base = baseDiff(key, object);
      if (isSkipped(object)) return { ...base, skipped: true };
      if (isHook(object)) return { ...base, hook: true };
      if (entry.unknownReason)
        return { ...base, status: 'Unknown', message: entry.unknownReason };
      let live: KubernetesObject | undefined;
      try {
        live = await this.live.getObject(key, object.apiVersion);
      } catch (error) {
        if (!(error instanceof ClusterError)) throw error;
        return { ...base, status: 'Unknown', message: error.message };
      }
      if (live) {
        const owner = this.tracking.trackedAppName(live);
        if (owner && owner !== request.appInstanceName) {
          conditions.push({
            type: 'SharedResourceWarning',
            message: `${describeResourceKey(key)} is part of applications ${
              request.appInstanceName
            } and ${owner}`,
          });
        }
      }
      const replace =
        replaceAll ||
        hasOption(
          object.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION],
          'Replace=true',
        ) ||
        hasOption(
          live?.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION],
          'Replace=true',
        );
      const trackingNormalizedLive = live && cloneJson(live);
      if (trackingNormalizedLive)
        this.tracking.normalizeForDiff(object, trackingNormalizedLive);
      try {
        const result = await this.differ.diff(object, trackingNormalizedLive, {
          rules: ignore.rulesFor(key.group, key.kind, key.name, key.namespace),
          method: serverSide && !replace ? 'server-side' : 'structural',
          includeMutationWebhook,
        });
        return withLazyDiff(
          {
            ...base,
            status: result.modified ? 'OutOfSync' : 'Synced',
            message:
              result.warnings.length > 0
                ? result.warnings.join('; ')
                : undefined,
            missing: !live,
            method: result.method,
            predictionCacheHit: result.predictionCacheHit,
            predictedLive: result.predictedLive,
            normalizedLive: result.normalizedLive,
          },
          () => result.diff,
        );
      } catch (error) {
        if (!(error instanceof ClusterError)) throw error;
        return {
          ...base,
          status: 'Unknown',
          message: error.message,
          missing: !live,
        };
      }
    };

    const compareExtraneous = async (
      live: KubernetesObject,
    ): Promise<ResourceDiff> => {
      const key = resourceKeyOf(live);
      const base = baseDiff(key, live);
      if (isHook(live)) return { ...base, hook: true };
      const result = await this.differ.diff(undefined, live);
      const extraneousDiff: ResourceDiff = {
        ...base,
        status: 'OutOfSync',
        requiresPruning: true,
        ignoreExtraneous: hasOption(
          live.metadata?.annotations?.[COMPARE_OPTIONS_ANNOTATION],
          'IgnoreExtraneous',
        ),
        method: result.method,
        normalizedLive: result.normalizedLive,
      };
      return withLazyDiff(extraneousDiff, () => result.diff);
    };

    const desiredResults = await mapConcurrently(
      desired,
      this.concurrency,
      compareDesired,
    );
    const extraneousResults = await mapConcurrently(
      extraneous,
      this.concurrency,
      compareExtraneous,
    );
    return [...desiredResults, ...extraneousResults];
  }
}

function baseDiff(key: ResourceKey, object: KubernetesObject): ResourceDiff {
  return {
    ...key,
    version: versionOf(object),
    missing: false,
    requiresPruning: false,
    ignoreExtraneous: false,
    hook: false,
    skipped: false,
    diff: '',
  };
}

/**
 * The types to keep for a comparison: each desired kind in the namespaces
 * its objects use and in the destination namespace (where the app's objects
 * usually are), cluster-wide only for cluster-scoped kinds.
 */
function watchRequestsFor(
  desired: DesiredEntry[],
  destinationNamespace: string | undefined,
  extra: WatchRequest[] = [],
): WatchRequest[] {
  const requests = new Map<string, WatchRequest>();
  const add = (request: WatchRequest) =>
    requests.set(
      `${request.apiVersion}/${request.kind}/${request.namespace ?? ''}`,
      request,
    );
  for (const { object, unknownReason } of desired) {
    if (unknownReason) continue;
    const namespace = object.metadata?.namespace || undefined;
    add({ apiVersion: object.apiVersion, kind: object.kind, namespace });
    if (namespace && destinationNamespace && namespace !== destinationNamespace)
      add({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: destinationNamespace,
      });
  }
  for (const request of extra) add(request);
  return [...requests.values()];
}

/** Argo CD's app sync status: Unknown if any resource could not be compared, else OutOfSync if any counts as such. */
export function overallStatus(resources: ResourceDiff[]): SyncStatusCode {
  if (resources.some(resource => resource.status === 'Unknown'))
    return 'Unknown';
  const outOfSync = resources.some(
    resource =>
      resource.status === 'OutOfSync' &&
      !(resource.requiresPruning && resource.ignoreExtraneous),
  );
  return outOfSync ? 'OutOfSync' : 'Synced';
}

function comparisonError(
  message: string,
  conditions: ComparisonCondition[] = [],
): ApplicationDiff {
  return {
    status: 'Unknown',
    resources: [],
    conditions: [...conditions, { type: 'ComparisonError', message }],
  };
}
