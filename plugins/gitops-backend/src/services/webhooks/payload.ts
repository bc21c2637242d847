import { InputError } from '@backstage/errors';
import { normalizeGitRepoURL, parseGitRepoURL } from '@driftless/gitops-engine';
import { z } from 'zod';
import {
  GIT_WEBHOOK_PROVIDER_NAMES,
  type GitPushEvent,
  type GitWebhookProvider,
} from './types';

/**
 * Validates a decoded payload. The message names the fields that are wrong,
 * never their values: payloads are untrusted, and old Gitea versions put the
 * webhook secret in the body.
 */
export function readPayload<T extends z.ZodType>(
  schema: T,
  payload: unknown,
  provider: GitWebhookProvider,
  event: string,
): z.infer<T> {
  const result = schema.safeParse(payload);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues
    .slice(0, 3)
    .map(issue => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new InputError(
    `${GIT_WEBHOOK_PROVIDER_NAMES[provider]} '${event}' webhook payload is not in the expected shape: ${problems}`,
  );
}

const ZERO_SHA = /^0+$/;

/** A commit id, or undefined for the all-zero id providers send for a created or deleted ref. */
export function commitOrUndefined(sha: string | null | undefined) {
  return sha && !ZERO_SHA.test(sha) ? sha : undefined;
}

/** Branch or tag name of a full ref. */
export function refNames(ref: string): Pick<GitPushEvent, 'branch' | 'tag'> {
  if (ref.startsWith('refs/heads/')) {
    return { branch: ref.slice('refs/heads/'.length) };
  }
  if (ref.startsWith('refs/tags/')) {
    return { tag: ref.slice('refs/tags/'.length) };
  }
  return {};
}

/**
 * Keeps the URLs git can use (an `https://token@…` or `git://` URL is
 * dropped: the first would leak a credential into logs, the second names no
 * transport Driftless fetches over), once each by Argo CD's comparison.
 */
export function repoURLsOf(
  candidates: ReadonlyArray<string | null | undefined>,
): string[] {
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const candidate of candidates) {
    const url = candidate?.trim();
    if (!url) {
      continue;
    }
    try {
      parseGitRepoURL(url, ['https', 'http', 'ssh', 'file']);
    } catch {
      continue;
    }
    const key = normalizeGitRepoURL(url);
    if (!seen.has(key)) {
      seen.add(key);
      urls.push(url);
    }
  }
  return urls;
}

/** The per-commit file lists GitHub, GitLab and Gitea send. */
export const commitFilesSchema = z.object({
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

/**
 * Every path the commits touch, once each, in the order first seen; or
 * undefined when the list cannot be trusted to be whole. An empty list is
 * also undefined: a push that changes no listed file (a new ref, an empty
 * commit) still has to be looked at.
 */
export function changedFilesOf(
  commits: ReadonlyArray<z.infer<typeof commitFilesSchema>>,
  complete: boolean,
): string[] | undefined {
  if (!complete) {
    return undefined;
  }
  const files = new Set<string>();
  for (const commit of commits) {
    for (const file of [
      ...(commit.added ?? []),
      ...(commit.modified ?? []),
      ...(commit.removed ?? []),
    ]) {
      files.add(file);
    }
  }
  return files.size > 0 ? [...files] : undefined;
}
