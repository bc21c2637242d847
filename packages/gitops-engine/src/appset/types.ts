import type { KubernetesLabelSelector } from '../labels';

/**
 * An `argoproj.io/v1alpha1` ApplicationSet as a user writes it, with the
 * fields the generation logic reads. Unknown fields are kept as written.
 */

/** `metadata` of `spec.template` and of per-generator templates. */
export interface ApplicationSetTemplateMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [field: string]: unknown;
}

/** `spec.template`: the Application every parameter set is rendered into. */
export interface ApplicationSetTemplate {
  metadata?: ApplicationSetTemplateMeta;
  spec?: Record<string, unknown>;
}

/** A reference to a Secret key holding a credential (`tokenRef`, `passwordRef`, …). */
export interface SecretRef {
  secretName: string;
  key: string;
}

export interface ListGenerator {
  elements?: unknown[];
  elementsYaml?: string;
  template?: ApplicationSetTemplate;
}

export interface ClusterGenerator {
  selector?: KubernetesLabelSelector;
  values?: Record<string, string>;
  flatList?: boolean;
  template?: ApplicationSetTemplate;
}

export interface GitPathItem {
  path: string;
  exclude?: boolean;
}

export interface GitGenerator {
  repoURL: string;
  revision?: string;
  directories?: GitPathItem[];
  files?: GitPathItem[];
  pathParamPrefix?: string;
  values?: Record<string, string>;
  requeueAfterSeconds?: number;
  template?: ApplicationSetTemplate;
}

export interface ScmProviderFilter {
  repositoryMatch?: string;
  pathsExist?: string[];
  pathsDoNotExist?: string[];
  labelMatch?: string;
  branchMatch?: string;
}

export interface ScmProviderGenerator {
  github?: {
    organization: string;
    api?: string;
    tokenRef?: SecretRef;
    appSecretName?: string;
    allBranches?: boolean;
    excludeArchivedRepos?: boolean;
  };
  gitlab?: {
    group: string;
    api?: string;
    tokenRef?: SecretRef;
    allBranches?: boolean;
    includeSubgroups?: boolean;
    includeSharedProjects?: boolean;
    includeArchivedRepos?: boolean;
    topic?: string;
    insecure?: boolean;
  };
  gitea?: {
    owner: string;
    api: string;
    tokenRef?: SecretRef;
    allBranches?: boolean;
    insecure?: boolean;
    excludeArchivedRepos?: boolean;
  };
  bitbucket?: {
    owner: string;
    user: string;
    appPasswordRef?: SecretRef;
    allBranches?: boolean;
  };
  bitbucketServer?: {
    project: string;
    api: string;
    basicAuth?: { username: string; passwordRef?: SecretRef };
    bearerToken?: { tokenRef?: SecretRef };
    allBranches?: boolean;
    insecure?: boolean;
  };
  filters?: ScmProviderFilter[];
  cloneProtocol?: string;
  values?: Record<string, string>;
  requeueAfterSeconds?: number;
  template?: ApplicationSetTemplate;
  [provider: string]: unknown;
}

export interface PullRequestFilter {
  branchMatch?: string;
  targetBranchMatch?: string;
  titleMatch?: string;
}

export interface PullRequestGenerator {
  github?: {
    owner: string;
    repo: string;
    api?: string;
    tokenRef?: SecretRef;
    appSecretName?: string;
    labels?: string[];
  };
  gitlab?: {
    project: string;
    api?: string;
    tokenRef?: SecretRef;
    labels?: string[];
    pullRequestState?: string;
    insecure?: boolean;
  };
  gitea?: {
    owner: string;
    repo: string;
    api: string;
    tokenRef?: SecretRef;
    labels?: string[];
    insecure?: boolean;
  };
  bitbucket?: {
    owner: string;
    repo: string;
    api?: string;
    basicAuth?: { username: string; passwordRef?: SecretRef };
    bearerToken?: { tokenRef?: SecretRef };
  };
  bitbucketServer?: {
    project: string;
    repo: string;
    api: string;
    basicAuth?: { username: string; passwordRef?: SecretRef };
    bearerToken?: { tokenRef?: SecretRef };
  };
  filters?: PullRequestFilter[];
  values?: Record<string, string>;
  requeueAfterSeconds?: number;
  continueOnRepoNotFoundError?: boolean;
  template?: ApplicationSetTemplate;
  [provider: string]: unknown;
}

export interface MatrixGenerator {
  generators: ApplicationSetGenerator[];
  template?: ApplicationSetTemplate;
}

export interface MergeGenerator {
  generators: ApplicationSetGenerator[];
  mergeKeys: string[];
  template?: ApplicationSetTemplate;
}

/** One entry of `spec.generators` (or of a matrix/merge's `generators`). */
export interface ApplicationSetGenerator {
  list?: ListGenerator;
  clusters?: ClusterGenerator;
  git?: GitGenerator;
  scmProvider?: ScmProviderGenerator;
  pullRequest?: PullRequestGenerator;
  matrix?: MatrixGenerator;
  merge?: MergeGenerator;
  /** Post-generation filter on each parameter set (flattened, e.g. `values.env`). */
  selector?: KubernetesLabelSelector;
  [generator: string]: unknown;
}

export type ApplicationsSyncPolicy =
  | 'create-only'
  | 'create-update'
  | 'create-delete'
  | 'sync';

export interface ApplicationSetSyncPolicy {
  preserveResourcesOnDeletion?: boolean;
  applicationsSync?: ApplicationsSyncPolicy;
}

export interface ApplicationSetSpec {
  goTemplate?: boolean;
  goTemplateOptions?: string[];
  generators: ApplicationSetGenerator[];
  template: ApplicationSetTemplate;
  templatePatch?: string;
  syncPolicy?: ApplicationSetSyncPolicy;
  strategy?: Record<string, unknown>;
  preservedFields?: { annotations?: string[]; labels?: string[] };
  ignoreApplicationDifferences?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface ApplicationSet {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ApplicationSet';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: ApplicationSetSpec;
  status?: unknown;
}

/** The finalizer Argo CD adds so deleting an app deletes its resources. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
