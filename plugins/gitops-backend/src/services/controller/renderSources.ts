import type {
  ApplicationSource,
  GitSource,
  KubernetesObject,
  Renderer,
  RenderSourceType,
} from '@driftless/gitops-engine';

/** One source as rendered. */
export interface RenderedSource {
  source: ApplicationSource;
  repoURL: string;
  /** The targetRevision (or the revision asked for), as written. */
  revision: string;
  /** The commit rendered. */
  sha: string;
  sourceType: RenderSourceType;
}

export interface RenderedSources {
  sources: RenderedSource[];
  /** The objects of every source, in source order. */
  objects: KubernetesObject[];
}

export interface RenderSourcesRequest {
  sources: ApplicationSource[];
  /** Revisions to render instead of each source's targetRevision (a sync or rollback to a given revision). */
  revisions?: Array<string | undefined>;
  /** The commits the sources resolved to last time, to report force pushes. */
  previousRevisions?: string[];
  appName: string;
  destinationNamespace?: string;
  project?: string;
  /** Ask Git again for branch heads (a refresh, a webhook). */
  refreshGit: boolean;
  /** Skip the render cache (a hard refresh). */
  bypassCache: boolean;
}

/**
 * Resolves, checks out and renders every source of an app, in order. Throws
 * the engine's GitSourceError or RenderError, whose messages name the
 * repository, revision and path.
 */
export async function renderSources(
  ports: { git: GitSource; renderer: Renderer },
  request: RenderSourcesRequest,
): Promise<RenderedSources> {
  const rendered = await Promise.all(
    request.sources.map(async (source, index) => {
      const repoURL = source.repoURL ?? '';
      const revision =
        request.revisions?.[index] ?? source.targetRevision ?? 'HEAD';
      const checkout = await ports.git.checkout({
        repoURL,
        targetRevision: revision,
        refresh: request.refreshGit,
        previousSha: request.previousRevisions?.[index],
      });
      const result = await ports.renderer.render({
        checkoutDir: checkout.path,
        repoURL,
        sha: checkout.sha,
        source,
        appName: request.appName,
        destinationNamespace: request.destinationNamespace,
        project: request.project,
        bypassCache: request.bypassCache,
      });
      return {
        source: {
          repoURL,
          revision,
          sha: checkout.sha,
          sourceType: result.sourceType,
          source,
        },
        objects: result.objects,
      };
    }),
  );
  return {
    sources: rendered.map(entry => entry.source),
    objects: rendered.flatMap(entry => entry.objects),
  };
}
