import type { ApplicationSource, KubernetesObject } from '../render/types';

/** `spec.destination`: a cluster (by `server` URL or by `name`) and a namespace. */
export interface ApplicationDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

/** `spec.syncPolicy.retry`. Durations are Go-style strings such as `5s`, `3m`. */
export interface RetryStrategy {
  /** Attempts after the first; negative means forever. */
  limit?: number;
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

/** `spec.syncPolicy`. */
export interface SyncPolicy {
  automated?: {
    prune?: boolean;
    selfHeal?: boolean;
    allowEmpty?: boolean;
    /** Newer Argo CD: `automated: { enabled: false }` turns automation off while keeping its settings. */
    enabled?: boolean;
  } | null;
  /** `Name=value` strings, e.g. `CreateNamespace=true`, `ServerSideApply=true`. */
  syncOptions?: string[];
  retry?: RetryStrategy;
  managedNamespaceMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** One entry of `spec.ignoreDifferences`. */
export interface ResourceIgnoreDifferences {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

/** `spec` of an Argo CD Application. */
export interface ApplicationSpec {
  /** AppProject name; `default` when empty. */
  project: string;
  /** Single-source apps. When `sources` is set, Argo CD ignores `source`. */
  source?: ApplicationSource;
  sources?: ApplicationSource[];
  destination: ApplicationDestination;
  syncPolicy?: SyncPolicy;
  ignoreDifferences?: ResourceIgnoreDifferences[];
  info?: Array<{ name: string; value: string }>;
  /** History entries kept; Argo CD's default is 10. */
  revisionHistoryLimit?: number;
  [field: string]: unknown;
}

/** An `argoproj.io/v1alpha1` `Application`, as a user writes it in Git. */
export interface Application extends KubernetesObject {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: KubernetesObject['metadata'] & { name: string };
  spec: ApplicationSpec;
}

/** The sources to render: `spec.sources` when set, else `spec.source`. */
export function applicationSources(spec: ApplicationSpec): ApplicationSource[] {
  if (spec.sources && spec.sources.length > 0) {
    return spec.sources;
  }
  return spec.source ? [spec.source] : [];
}
