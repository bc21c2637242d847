import type { GitPushEvent } from '../webhooks/types';
import { pushMovesRevision } from '../webhooks/applicationsAffectedByPush';
import { pushedRepoMatches } from '../webhooks/pushedRepoMatches';

/** A Git generator's repository and revision, as written (possibly templated inside a matrix). */
export interface GitGeneratorSource {
  repoURL: string;
  revision: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every Git generator of a set's spec, matrix and merge children included. */
export function gitGeneratorSources(spec: unknown): GitGeneratorSource[] {
  const sources: GitGeneratorSource[] = [];
  const visit = (generators: unknown) => {
    if (!Array.isArray(generators)) return;
    for (const entry of generators) {
      if (!isObject(entry)) continue;
      if (isObject(entry.git) && typeof entry.git.repoURL === 'string') {
        sources.push({
          repoURL: entry.git.repoURL,
          revision:
            typeof entry.git.revision === 'string' ? entry.git.revision : '',
        });
      }
      for (const nested of ['matrix', 'merge']) {
        const child = entry[nested];
        if (isObject(child)) visit(child.generators);
      }
    }
  };
  if (isObject(spec)) visit(spec.generators);
  return sources;
}

/**
 * Whether a push concerns one of a set's Git generators (Argo CD's
 * ApplicationSet webhook): the pushed repository and a revision the push
 * moves. A repoURL or revision filled in from another generator's
 * parameters (`{{…}}` in a matrix) cannot be matched and counts for any push.
 */
export function pushConcernsGenerators(
  pushes: readonly GitPushEvent[],
  sources: readonly GitGeneratorSource[],
): boolean {
  return sources.some(source =>
    pushes.some(push => {
      const templatedRepo = source.repoURL.includes('{{');
      const templatedRevision = source.revision.includes('{{');
      return (
        (templatedRepo || pushedRepoMatches(push.repoURLs, source.repoURL)) &&
        (templatedRevision || pushMovesRevision(push, source.revision))
      );
    }),
  );
}
