import {
  applicationSources,
  normalizeTargetRevision,
  type ApplicationSource,
  type ApplicationSpec,
} from '@driftless/gitops-engine';
import {
  MANIFEST_GENERATE_PATHS_ANNOTATION,
  changedFilesTouchPaths,
  manifestGeneratePaths,
} from './manifestGeneratePaths';
import { pushedRepoMatches } from './pushedRepoMatches';
import type { GitPushEvent } from './types';

/** What the matching reads of an Application. */
export interface PushMatchableApplication {
  metadata: { annotations?: Record<string, string> };
  spec: Pick<ApplicationSpec, 'source' | 'sources'>;
}

/**
 * Whether a push moves what a targetRevision resolves to. `HEAD` (or empty)
 * follows the default branch; when the payload does not name it (Bitbucket)
 * any branch push counts, as in Argo CD. A full ref must be the pushed ref; a
 * short name may be the pushed branch or tag.
 *
 * Stricter than Argo CD in one way: `refs/heads/x` is not refreshed by a push
 * to tag `x` (nor `refs/tags/x` by branch `x`), since such a push cannot
 * change what the revision names. A commit SHA is never moved by a push.
 */
export function pushMovesRevision(
  push: GitPushEvent,
  targetRevision: string | undefined,
): boolean {
  const revision = normalizeTargetRevision(targetRevision);
  if (revision === 'HEAD') {
    if (push.branch === undefined) {
      return false;
    }
    return push.defaultBranch === undefined
      ? true
      : push.branch === push.defaultBranch;
  }
  if (revision.startsWith('refs/')) {
    return revision === push.ref;
  }
  return revision === push.branch || revision === push.tag;
}

function sourceAffected(
  push: GitPushEvent,
  source: ApplicationSource,
  annotation: string | undefined,
): boolean {
  // A Helm chart source's repoURL is a chart repository, never the pushed Git repository.
  if (source.chart || !source.repoURL) {
    return false;
  }
  return (
    pushMovesRevision(push, source.targetRevision) &&
    pushedRepoMatches(push.repoURLs, source.repoURL) &&
    changedFilesTouchPaths(
      manifestGeneratePaths(annotation, source.path),
      push.changedFiles,
    )
  );
}

/**
 * The Applications a push concerns, in their input order, each once: those
 * with a source (any of `spec.sources`) in the pushed repository whose
 * targetRevision the push moves, and, when the app has the
 * `argocd.argoproj.io/manifest-generate-paths` annotation and the payload
 * lists the changed files, only if a changed file lies under one of the
 * annotated paths of that source.
 */
export function applicationsAffectedByPush<T extends PushMatchableApplication>(
  pushes: GitPushEvent | readonly GitPushEvent[],
  applications: readonly T[],
): T[] {
  const pushList: readonly GitPushEvent[] = Array.isArray(pushes)
    ? pushes
    : [pushes as GitPushEvent];
  return applications.filter(app => {
    const annotation =
      app.metadata.annotations?.[MANIFEST_GENERATE_PATHS_ANNOTATION];
    const sources = applicationSources(app.spec as ApplicationSpec);
    return pushList.some(push =>
      sources.some(source => sourceAffected(push, source, annotation)),
    );
  });
}
