import type { Params } from '../params';
import type { TemplateMode } from '../template/render';
import type { ApplicationSet, SecretRef } from '../types';

/**
 * A cluster the clusters generator may select: what Argo CD reads from a
 * cluster secret. The backend maps its configured clusters (app-config's
 * `gitops.clusters`) to these.
 */
export interface ClusterGeneratorCluster {
  name: string;
  /** API server URL (`server` parameter). */
  server: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The cluster's AppProject scope (`project` parameter, `""` when unset). */
  project?: string;
}

/** The SCM API an scmProvider or pullRequest generator needs credentials for. */
export interface ScmCredentialsRequest {
  generator: 'scmProvider' | 'pullRequest';
  provider: 'github' | 'gitlab' | 'gitea' | 'bitbucket' | 'bitbucketServer';
  /** The API base URL requests go to (the generator's `api`, or the provider's public default). */
  apiUrl: string;
  /** The secret the ApplicationSet names (`tokenRef`, `appPasswordRef`, `passwordRef`), if any. */
  secretRef?: SecretRef;
  /** The user name the ApplicationSet names for basic auth (Bitbucket), if any. */
  username?: string;
  /** The ApplicationSet asking, for per-namespace policies. */
  applicationSet: { name: string; namespace?: string };
}

/** A bearer token, or a user name and password (Bitbucket app passwords, basic auth). */
export type ScmCredentials =
  | { token: string }
  | { username: string; password: string };

/**
 * Supplies SCM API credentials. Return undefined for anonymous access. The
 * credentials are used for one generation and never logged or included in
 * errors.
 */
export type ScmCredentialsProvider = (
  request: ScmCredentialsRequest,
) => Promise<ScmCredentials | undefined>;

/** What `generate` needs from its caller: the ports to Git, clusters and SCM APIs, and options. */
export interface ApplicationSetGeneratorContext {
  /**
   * The clusters the clusters generator selects from (the in-cluster entry is
   * added by the generator as Argo CD does). A function is called once per
   * clusters generator.
   */
  clusters?:
    | ClusterGeneratorCluster[]
    | (() => Promise<ClusterGeneratorCluster[]> | ClusterGeneratorCluster[]);
  /**
   * Returns the directory holding the files of `repoURL` at `revision`
   * (`HEAD` when the generator names none). The generator only reads it.
   */
  gitCheckout?: (repoURL: string, revision: string) => Promise<string>;
  /** Credentials for SCM provider and pull-request APIs. */
  scmCredentials?: ScmCredentialsProvider;
  /** HTTP for SCM APIs; the global fetch by default (tests intercept it with msw). */
  fetch?: typeof fetch;
  /** Per-request timeout for SCM APIs; 30 s by default. */
  scmRequestTimeoutMs?: number;
  /** Only these SCM API URLs may be used (Argo CD's `allowedScmProviders`); all when empty. */
  allowedScmProviders?: string[];
  /** Git files globbing: Argo CD's default `legacy`, or `doublestar` (new globbing). */
  gitFileGlobbing?: 'legacy' | 'doublestar';
  /** List hidden directories in the Git directories generator (repo-server's option). */
  includeHiddenDirectories?: boolean;
  /** Requeue interval of Git generators without requeueAfterSeconds; 3 minutes by default. */
  defaultGitRequeueAfterMs?: number;
}

/** What each generator function gets. */
export interface GeneratorRun {
  appSet: ApplicationSet;
  mode: TemplateMode;
  context: ApplicationSetGeneratorContext;
  /** Where the generator is in the set, e.g. `spec.generators[0].matrix.generators[1].git`. */
  path: string;
}

export type ParamsGenerator<Spec> = (
  spec: Spec,
  run: GeneratorRun,
) => Promise<Params[]>;
