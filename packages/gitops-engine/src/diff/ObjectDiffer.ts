import { randomBytes } from 'node:crypto';
import {
  DRIFTLESS_FIELD_MANAGER,
  type ClusterConnection,
} from '../cluster/connection';
import { resourceKeyOf } from '../cluster/resourceKey';
import type { KubernetesObject } from '../render/types';
import {
  compareStructurally,
  compareWithPrediction,
  type Comparison,
} from './compare';
import type { ResourceIgnoreRules } from './ignoreDifferences';
import { cloneJson } from './json';
import { removeManagedFieldsDifferences } from './managedFields';
import { digestSecretData, normalizeSecret } from './normalize';
import { PredictionCache } from './PredictionCache';
import { maskSecretPair, unifiedDiff, withLazyDiff } from './presentation';

/** How the expected live state of an object was worked out. */
export type DiffMethod =
  /** A server-side dry-run apply predicted it. */
  | 'server-side'
  /** The desired object as written (Missing, extraneous, Replace=true, or server-side diff turned off). */
  | 'structural';

export interface ObjectDiffOptions {
  rules?: ResourceIgnoreRules;
  /** `server-side` (default) when both objects exist; `structural` for Replace=true. */
  method?: DiffMethod;
  /** Keep fields the manager does not own in the prediction (compare-options `IncludeMutationWebhook=true`). */
  includeMutationWebhook?: boolean;
}

/** The diff of one object, safe to store and show: Secret values are masked. */
export interface ObjectDiff {
  modified: boolean;
  method: DiffMethod;
  /** Whether the prediction came from the cache rather than a dry-run request. */
  predictionCacheHit: boolean;
  /** The object as it will be after a sync, normalized (undefined when not desired). */
  predictedLive?: KubernetesObject;
  /** The live object, normalized (undefined when it does not exist). */
  normalizedLive?: KubernetesObject;
  /** Unified diff from live to predicted, as YAML; '' when not modified. Computed on first read. */
  diff: string;
  warnings: string[];
}

export interface ObjectDifferOptions {
  connection: ClusterConnection;
  /** The field manager of dry-run applies; `driftless` by default, as for syncs. */
  fieldManager?: string;
  /** Where predictions are kept; a new cache by default, `false` for none. */
  predictionCache?: PredictionCache | false;
}

function label(object: KubernetesObject): string {
  const key = resourceKeyOf(object);
  return [key.group || 'core', key.kind, key.namespace, key.name]
    .filter(Boolean)
    .join('/');
}

/**
 * Diffs one desired object against its live counterpart. By default the
 * expected live state is predicted by a server-side dry-run apply (field
 * manager `driftless`, `force`, as the sync applies), so everything the API
 * server defaults or converts is in the prediction and never shows as
 * drift; predictions are cached by (manifest hash, live resourceVersion).
 */
export class ObjectDiffer {
  readonly fieldManager: string;
  readonly predictionCache?: PredictionCache;
  /** Dry-run requests made so far. */
  dryRuns = 0;
  private readonly connection: ClusterConnection;
  private readonly digestKey = randomBytes(32);

  constructor(options: ObjectDifferOptions) {
    this.connection = options.connection;
    this.fieldManager = options.fieldManager ?? DRIFTLESS_FIELD_MANAGER;
    this.predictionCache =
      options.predictionCache === false
        ? undefined
        : options.predictionCache ?? new PredictionCache();
  }

  /** The dry-run result for a manifest over a live resourceVersion, cached; Secret values digested. */
  async predict(
    manifest: KubernetesObject,
    liveResourceVersion: string,
  ): Promise<{ predicted: KubernetesObject; cacheHit: boolean }> {
    const key = PredictionCache.key({
      cluster: this.connection.clusterName,
      manager: this.fieldManager,
      manifest,
      liveResourceVersion,
    });
    const cached = this.predictionCache?.get(key);
    if (cached) return { predicted: cached, cacheHit: true };
    this.dryRuns++;
    const predicted = await this.connection.apply(manifest, {
      dryRun: true,
      force: true,
      fieldManager: this.fieldManager,
    });
    digestSecretData(predicted, this.digestKey);
    this.predictionCache?.set(key, predicted, this.slotOf(manifest));
    return { predicted, cacheHit: false };
  }

  /**
   * Records what a real server-side apply of `manifest` (this field manager,
   * `force`) returned as the prediction for that manifest over the object it
   * produced: applying the same manifest to it again changes nothing, so the
   * dry run the next comparison would make is known already. Until something
   * else changes the object (a new resourceVersion), its comparison after a
   * sync costs no request.
   */
  rememberApplied(manifest: KubernetesObject, applied: KubernetesObject): void {
    const resourceVersion = applied.metadata?.resourceVersion;
    if (!this.predictionCache || !resourceVersion) return;
    const predicted = cloneJson(applied);
    digestSecretData(predicted, this.digestKey);
    this.predictionCache.set(
      PredictionCache.key({
        cluster: this.connection.clusterName,
        manager: this.fieldManager,
        manifest,
        liveResourceVersion: String(resourceVersion),
      }),
      predicted,
      this.slotOf(manifest),
    );
  }

  /** One prediction is kept per object and field manager. */
  private slotOf(manifest: KubernetesObject): string {
    const key = resourceKeyOf(manifest);
    return `${this.connection.clusterName}\u0000${this.fieldManager}\u0000${key.group}/${key.kind}/${key.namespace}/${key.name}`;
  }

  /** A copy with Secret values (stringData folded into data first) replaced by digests. */
  private withDigests(object: KubernetesObject): KubernetesObject {
    const copy = cloneJson(object);
    normalizeSecret(copy);
    digestSecretData(copy, this.digestKey);
    return copy;
  }

  async diff(
    desired: KubernetesObject | undefined,
    live: KubernetesObject | undefined,
    options: ObjectDiffOptions = {},
  ): Promise<ObjectDiff> {
    let comparison: Comparison;
    let method: DiffMethod = 'structural';
    let cacheHit = false;
    if (desired && live) {
      const managers = options.rules?.managedFieldsManagers ?? [];
      const normalized =
        managers.length > 0
          ? removeManagedFieldsDifferences(live, desired, managers)
          : { live, desired };
      if ((options.method ?? 'server-side') === 'server-side') {
        method = 'server-side';
        const prediction = await this.predict(
          normalized.desired,
          String(live.metadata?.resourceVersion ?? ''),
        );
        cacheHit = prediction.cacheHit;
        comparison = compareWithPrediction({
          predicted: prediction.predicted,
          live: this.withDigests(normalized.live),
          manager: this.fieldManager,
          rules: options.rules,
          includeMutationWebhook: options.includeMutationWebhook,
        });
      } else {
        comparison = compareStructurally({
          desired: this.withDigests(normalized.desired),
          live: this.withDigests(normalized.live),
          rules: options.rules,
        });
      }
    } else {
      comparison = compareStructurally({
        desired: desired && this.withDigests(desired),
        live: live && this.withDigests(live),
        rules: options.rules,
      });
    }
    const masked = maskSecretPair(
      comparison.predictedLive,
      comparison.normalizedLive,
    );
    const subject = desired ?? live!;
    return withLazyDiff(
      {
        modified: comparison.modified,
        method,
        predictionCacheHit: cacheHit,
        predictedLive: masked.desired,
        normalizedLive: masked.live,
        warnings: comparison.warnings,
      },
      () =>
        comparison.modified
          ? unifiedDiff(label(subject), masked.live, masked.desired)
          : '',
    );
  }
}
