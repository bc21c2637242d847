import {
  generateApplications,
  type ApplicationSetGenerationResult,
  type ApplicationSetGeneratorContext,
  type GitSource,
  type ScmCredentialsProvider,
} from '@driftless/gitops-engine';
import type { RegisteredCluster } from '../clusters/ClusterRegistry';
import type { ApplicationSetSettings } from './readApplicationSetConfig';

/** A commit a Git generator read. */
export interface GitRevisionRead {
  repoURL: string;
  revision: string;
  sha: string;
}

export interface GenerationOutcome extends ApplicationSetGenerationResult {
  /** The commits the Git generators read, in the order they were first read. */
  gitRevisions: GitRevisionRead[];
}

export interface ApplicationSetGenerationOptions {
  /** The application controller's Git mirrors: sets and apps share one checkout per commit. */
  git: GitSource;
  /** The clusters the clusters generator selects from. */
  clusters: { list(): Promise<RegisteredCluster[]> };
  scmCredentials?: ScmCredentialsProvider;
  settings: Pick<
    ApplicationSetSettings,
    | 'gitRequeueAfterMs'
    | 'allowedScmProviders'
    | 'gitFileGlobbing'
    | 'scmRequestTimeoutMs'
  >;
  /** HTTP for SCM APIs; the global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * The engine's generation with the backend's ports: Git generators read
 * checkouts of the application controller's mirrors (each repository and
 * revision resolved once per generation, asking the remote again when
 * `refreshGit`), the clusters generator selects from the cluster registry,
 * and SCM generators get credentials from Backstage's integrations.
 */
export class ApplicationSetGeneration {
  constructor(private readonly options: ApplicationSetGenerationOptions) {}

  async generate(
    appSet: unknown,
    options: { refreshGit: boolean },
  ): Promise<GenerationOutcome> {
    const { git, clusters, settings } = this.options;
    const checkouts = new Map<string, Promise<string>>();
    const gitRevisions: GitRevisionRead[] = [];
    const context: ApplicationSetGeneratorContext = {
      // A matrix reads its second generator's repository once per parameter
      // set of the first: one resolution per generation is enough.
      gitCheckout: (repoURL, revision) => {
        const id = `${repoURL}\0${revision}`;
        let checkout = checkouts.get(id);
        if (!checkout) {
          checkout = git
            .checkout({
              repoURL,
              targetRevision: revision,
              refresh: options.refreshGit,
            })
            .then(result => {
              gitRevisions.push({ repoURL, revision, sha: result.sha });
              return result.path;
            });
          checkouts.set(id, checkout);
        }
        return checkout;
      },
      clusters: async () =>
        (await clusters.list()).map(({ cluster }) => ({
          name: cluster.name,
          server: cluster.server,
          labels: cluster.labels,
        })),
      ...(this.options.scmCredentials
        ? { scmCredentials: this.options.scmCredentials }
        : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      scmRequestTimeoutMs: settings.scmRequestTimeoutMs,
      allowedScmProviders: settings.allowedScmProviders,
      gitFileGlobbing: settings.gitFileGlobbing,
      defaultGitRequeueAfterMs: settings.gitRequeueAfterMs,
    };
    const result = await generateApplications(appSet, context);
    return { ...result, gitRevisions };
  }
}
