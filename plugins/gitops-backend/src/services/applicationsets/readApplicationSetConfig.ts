import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { ApplicationsSyncPolicy } from '@driftless/gitops-engine';
import {
  readDurationMs,
  readPositiveInteger,
} from '../controller/readControllerConfig';

export const APPLICATIONS_SYNC_POLICIES: readonly ApplicationsSyncPolicy[] = [
  'create-only',
  'create-update',
  'create-delete',
  'sync',
];

/** `gitops.applicationSets`: the ApplicationSet controller. */
export interface ApplicationSetSettings {
  /** Run the ApplicationSet controller; default true. */
  enabled: boolean;
  /**
   * The controller's policy (Argo CD's `--policy` /
   * `applicationsetcontroller.policy`); undefined when not configured, which
   * means `sync` for sets that name none.
   */
  policy?: ApplicationsSyncPolicy;
  /**
   * Whether a set's own `syncPolicy.applicationsSync` wins over `policy`
   * (`--enable-policy-override`): true by default when no policy is
   * configured, false once one is.
   */
  enablePolicyOverride: boolean;
  /** Requeue of Git generators without `requeueAfterSeconds` (ARGOCD_APPLICATIONSET_CONTROLLER_REQUEUE_AFTER); 3 min. */
  gitRequeueAfterMs: number;
  /** Retry of a set whose generation or validation failed; 3 min, as Argo CD. */
  errorRequeueAfterMs: number;
  /** How often the stored sets are listed to pick up new, changed and removed ones; 10 s. */
  scanIntervalMs: number;
  /** Honour `strategy: RollingSync` (Argo CD's `--enable-progressive-syncs`); default true. */
  progressiveSyncs: boolean;
  /** How often a set re-checks its generated apps while a rollout is under way, besides their status changes; 10 s. */
  rolloutPollMs: number;
  /** Sets reconciled at once per replica; 10 (`--concurrent-reconciliations-max`). */
  concurrency: number;
  /** Annotations and labels kept on every generated app when its set updates it (`--preserved-annotations`, `--preserved-labels`). */
  preservedFields: { annotations: string[]; labels: string[] };
  /** SCM API URLs generators may call (`--allowed-scm-providers`); all when empty. */
  allowedScmProviders: string[];
  /** Git files globbing: `legacy` (Argo CD's default) or `doublestar` (`applicationsetcontroller.enable.new.git.file.globbing`). */
  gitFileGlobbing: 'legacy' | 'doublestar';
  /** Timeout of one SCM or pull-request API request; 30 s. */
  scmRequestTimeoutMs: number;
}

export const DEFAULT_APPLICATION_SET_SETTINGS: ApplicationSetSettings = {
  enabled: true,
  enablePolicyOverride: true,
  gitRequeueAfterMs: 180_000,
  errorRequeueAfterMs: 180_000,
  scanIntervalMs: 10_000,
  progressiveSyncs: true,
  rolloutPollMs: 10_000,
  concurrency: 10,
  preservedFields: { annotations: [], labels: [] },
  allowedScmProviders: [],
  gitFileGlobbing: 'legacy',
  scmRequestTimeoutMs: 30_000,
};

function stringList(config: Config | undefined, key: string): string[] {
  return config?.getOptionalStringArray(key) ?? [];
}

/**
 * Reads `gitops.applicationSets`. Errors name the key, so a typo stops
 * startup with a message.
 */
export function readApplicationSetConfig(
  config: Config,
): ApplicationSetSettings {
  const where = 'gitops.applicationSets';
  const section = config.getOptionalConfig(where);
  const defaults = DEFAULT_APPLICATION_SET_SETTINGS;
  const policy = section?.getOptionalString('policy') as
    | ApplicationsSyncPolicy
    | undefined;
  if (policy !== undefined && !APPLICATIONS_SYNC_POLICIES.includes(policy)) {
    throw new InputError(
      `${where}.policy '${policy}' is unknown; use one of ${APPLICATIONS_SYNC_POLICIES.join(
        ', ',
      )}`,
    );
  }
  const globbing = section?.getOptionalString('gitFileGlobbing');
  if (
    globbing !== undefined &&
    globbing !== 'legacy' &&
    globbing !== 'doublestar'
  ) {
    throw new InputError(
      `${where}.gitFileGlobbing '${globbing}' is unknown; use legacy or doublestar`,
    );
  }
  const preserved = section?.getOptionalConfig('preservedFields');
  const scanIntervalMs = readDurationMs(
    section,
    'scanInterval',
    where,
    defaults.scanIntervalMs,
  );
  if (scanIntervalMs < 100) {
    throw new InputError(
      `${where}.scanInterval must be at least 100ms: every replica lists the stored sets that often`,
    );
  }
  return {
    enabled: section?.getOptionalBoolean('enabled') ?? defaults.enabled,
    ...(policy ? { policy } : {}),
    enablePolicyOverride:
      section?.getOptionalBoolean('enablePolicyOverride') ??
      policy === undefined,
    gitRequeueAfterMs: readDurationMs(
      section,
      'requeueAfter',
      where,
      defaults.gitRequeueAfterMs,
    ),
    errorRequeueAfterMs: readDurationMs(
      section,
      'errorRequeueAfter',
      where,
      defaults.errorRequeueAfterMs,
    ),
    scanIntervalMs,
    progressiveSyncs:
      section?.getOptionalBoolean('progressiveSyncs') ??
      defaults.progressiveSyncs,
    rolloutPollMs: readDurationMs(
      section,
      'rolloutPollInterval',
      where,
      defaults.rolloutPollMs,
    ),
    concurrency: readPositiveInteger(
      section,
      'concurrency',
      where,
      defaults.concurrency,
    ),
    preservedFields: {
      annotations: stringList(preserved, 'annotations'),
      labels: stringList(preserved, 'labels'),
    },
    allowedScmProviders: stringList(section, 'allowedScmProviders'),
    gitFileGlobbing: (globbing ??
      defaults.gitFileGlobbing) as ApplicationSetSettings['gitFileGlobbing'],
    scmRequestTimeoutMs: readDurationMs(
      section,
      'scmRequestTimeout',
      where,
      defaults.scmRequestTimeoutMs,
    ),
  };
}
