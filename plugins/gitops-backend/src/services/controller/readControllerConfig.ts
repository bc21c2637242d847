import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ARGOCD_TRACKING_ANNOTATION,
  TRACKING_METHODS,
  type ApplicationSourceDirectory,
  type ResourceTrackingOptions,
  type TrackingMethod,
} from '@driftless/gitops-engine';
import { durationToMilliseconds } from '@backstage/types';

/**
 * One entry of `gitops.applications`: a Git path whose Applications,
 * ApplicationSets and AppProjects Driftless registers and keeps in step with
 * Git (the platform repository; Argo CD's bootstrap app of apps, without the
 * Application around it).
 */
export interface PlatformSource {
  /** Position in `gitops.applications`. */
  index: number;
  /** `config:<index>`: the origin of everything registered from it. */
  origin: string;
  repoURL: string;
  /** `HEAD` when not set. */
  targetRevision: string;
  /** Directory in the repository; its root when not set. */
  path: string;
  directory?: Pick<
    ApplicationSourceDirectory,
    'recurse' | 'include' | 'exclude'
  >;
}

/** Exponential backoff: `initialMs × factor^n`, at most `maxMs`. */
export interface BackoffSettings {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/** `gitops.controller`. */
export interface ControllerSettings {
  /**
   * Where Applications without `metadata.namespace` go, and the namespace
   * whose apps are tracked by their bare name (Argo CD's control-plane
   * namespace). Default `argocd`.
   */
  namespace: string;
  /** Periodic refresh of every app (Argo CD's `timeout.reconciliation`); default 120 s, 0 turns it off. */
  reconciliationPeriodMs: number;
  /** Random delay added to each periodic refresh so apps spread out (`timeout.reconciliation.jitter`); default 60 s. */
  reconciliationJitterMs: number;
  /** Reconciles (and syncs) running at once in this replica; default 10. */
  concurrency: number;
  /** How long an app's lease lasts without renewal; default 60 s. Renewed every third of it during long work. */
  leaseTtlMs: number;
  /** Argo CD's self-heal backoff: 2 s, ×3, at most 300 s by default. */
  selfHealBackoff: BackoffSettings;
  /** Changes of a tracked object are gathered this long before the app is refreshed; default 250 ms. */
  clusterEventDebounceMs: number;
  /** How long `refresh()` waits for an app another replica is working on; default 30 s. */
  refreshWaitMs: number;
}

/** What `readControllerConfig` reads. */
export interface ControllerConfig {
  sources: PlatformSource[];
  settings: ControllerSettings;
  tracking: ResourceTrackingOptions;
  /** `gitops.resourceCustomizations`: argocd-cm keys (`resource.customizations.health.<group>_<Kind>`, ...) and their values. */
  resourceCustomizations: Record<string, string>;
}

export const DEFAULT_CONTROLLER_SETTINGS: ControllerSettings = {
  namespace: 'argocd',
  reconciliationPeriodMs: 120_000,
  reconciliationJitterMs: 60_000,
  concurrency: 10,
  leaseTtlMs: 60_000,
  selfHealBackoff: { initialMs: 2_000, factor: 3, maxMs: 300_000 },
  clusterEventDebounceMs: 250,
  refreshWaitMs: 30_000,
};

export function readDurationMs(
  config: Config | undefined,
  key: string,
  where: string,
  fallback: number,
): number {
  if (!config?.has(key)) {
    return fallback;
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `${where}.${key}: ${
        (error as Error).message
      }; write a duration such as '2m', '30s' or { seconds: 30 }`,
    );
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`${where}.${key} must not be negative`);
  }
  return ms;
}

export function readPositiveInteger(
  config: Config | undefined,
  key: string,
  where: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `${where}.${key} must be a whole number of at least 1, not ${value}`,
    );
  }
  return value;
}

function readSources(config: Config): PlatformSource[] {
  const entries = config.getOptionalConfigArray('gitops.applications') ?? [];
  return entries.map((entry, index) => {
    const where = `gitops.applications[${index}]`;
    const repoURL = entry.getOptionalString('repoURL');
    if (!repoURL) {
      throw new InputError(`${where}: 'repoURL' is required`);
    }
    const directory = entry.getOptionalConfig('directory');
    return {
      index,
      origin: `config:${index}`,
      repoURL,
      targetRevision: entry.getOptionalString('targetRevision') ?? 'HEAD',
      path: entry.getOptionalString('path') ?? '.',
      ...(directory
        ? {
            directory: {
              recurse: directory.getOptionalBoolean('recurse'),
              include: directory.getOptionalString('include'),
              exclude: directory.getOptionalString('exclude'),
            },
          }
        : {}),
    };
  });
}

function readSettings(config: Config): ControllerSettings {
  const where = 'gitops.controller';
  const controller = config.getOptionalConfig(where);
  const defaults = DEFAULT_CONTROLLER_SETTINGS;
  const selfHeal = controller?.getOptionalConfig('selfHealBackoff');
  const selfHealWhere = `${where}.selfHealBackoff`;
  const factor = selfHeal?.getOptionalNumber('factor');
  if (factor !== undefined && !(factor >= 1)) {
    throw new InputError(`${selfHealWhere}.factor must be 1 or more`);
  }
  const leaseTtlMs = readDurationMs(
    controller,
    'leaseTtl',
    where,
    defaults.leaseTtlMs,
  );
  if (leaseTtlMs < 1_000) {
    throw new InputError(
      `${where}.leaseTtl must be at least 1s: replicas' clocks differ by more than a lease shorter than that`,
    );
  }
  return {
    namespace: controller?.getOptionalString('namespace') ?? defaults.namespace,
    reconciliationPeriodMs: readDurationMs(
      controller,
      'reconciliationPeriod',
      where,
      defaults.reconciliationPeriodMs,
    ),
    reconciliationJitterMs: readDurationMs(
      controller,
      'reconciliationJitter',
      where,
      defaults.reconciliationJitterMs,
    ),
    concurrency: readPositiveInteger(
      controller,
      'concurrency',
      where,
      defaults.concurrency,
    ),
    leaseTtlMs,
    selfHealBackoff: {
      initialMs: readDurationMs(
        selfHeal,
        'duration',
        selfHealWhere,
        defaults.selfHealBackoff.initialMs,
      ),
      factor: factor ?? defaults.selfHealBackoff.factor,
      maxMs: readDurationMs(
        selfHeal,
        'maxDuration',
        selfHealWhere,
        defaults.selfHealBackoff.maxMs,
      ),
    },
    clusterEventDebounceMs: readDurationMs(
      controller,
      'clusterEventDebounce',
      where,
      defaults.clusterEventDebounceMs,
    ),
    refreshWaitMs: readDurationMs(
      controller,
      'refreshWait',
      where,
      defaults.refreshWaitMs,
    ),
  };
}

function readTracking(config: Config): ResourceTrackingOptions {
  const where = 'gitops.tracking';
  const tracking = config.getOptionalConfig(where);
  if (!tracking) {
    return {};
  }
  const method = tracking.getOptionalString('method') as
    | TrackingMethod
    | undefined;
  if (method !== undefined && !TRACKING_METHODS.includes(method)) {
    throw new InputError(
      `${where}.method '${method}' is unknown; use one of ${TRACKING_METHODS.join(
        ', ',
      )}`,
    );
  }
  const argoCD = tracking.getOptionalBoolean('argoCDKeys') ?? false;
  const annotationKey =
    tracking.getOptionalString('annotationKey') ??
    (argoCD ? ARGOCD_TRACKING_ANNOTATION : undefined);
  return {
    ...(method ? { method } : {}),
    ...(annotationKey ? { annotationKey } : {}),
    ...(tracking.getOptionalString('labelKey')
      ? { labelKey: tracking.getString('labelKey') }
      : {}),
  };
}

function readResourceCustomizations(config: Config): Record<string, string> {
  const where = 'gitops.resourceCustomizations';
  // Read as a whole: argocd-cm keys contain dots, which config paths cannot name.
  const value = config.getOptional<Record<string, unknown>>(where);
  if (value === undefined) {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `${where} must map argocd-cm keys (resource.customizations.health.<group>_<Kind>, ...) to their values`,
    );
  }
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new InputError(
        `${where}['${key}'] must be a string, as in argocd-cm (write YAML blocks with '|')`,
      );
    }
    result[key] = entry;
  }
  return result;
}

/**
 * Reads the controller's part of app-config: `gitops.applications`,
 * `gitops.controller`, `gitops.tracking` and `gitops.resourceCustomizations`.
 * Errors name the key, so a typo stops startup with a message.
 */
export function readControllerConfig(config: Config): ControllerConfig {
  return {
    sources: readSources(config),
    settings: readSettings(config),
    tracking: readTracking(config),
    resourceCustomizations: readResourceCustomizations(config),
  };
}
