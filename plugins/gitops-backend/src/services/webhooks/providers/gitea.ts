import { z } from 'zod';
import {
  changedFilesOf,
  commitFilesSchema,
  commitOrUndefined,
  readPayload,
  refNames,
  repoURLsOf,
} from '../payload';
import type { GitWebhookEvent } from '../types';
import { hmacSha256Verifier } from '../verification';
import type { GitWebhookProviderParser } from './types';

const repositorySchema = z.object({
  html_url: z.string().nullish(),
  clone_url: z.string().nullish(),
  ssh_url: z.string().nullish(),
  default_branch: z.string().nullish(),
});

const pushSchema = z.object({
  ref: z.string().min(1),
  before: z.string().nullish(),
  after: z.string().nullish(),
  commits: z.array(commitFilesSchema).nullish(),
  // Gitea lists at most a few commits (setting FEED_MAX_COMMIT_NUM); this is how many the push had.
  total_commits: z.number().nullish(),
  repository: repositorySchema,
});

// A deleted branch only comes as a `delete` event, with the short ref name.
const deleteSchema = z.object({
  ref: z.string().min(1),
  ref_type: z.enum(['branch', 'tag']),
  repository: repositorySchema,
});

function urlsOf(repository: z.infer<typeof repositorySchema>) {
  return repoURLsOf([
    repository.clone_url,
    repository.ssh_url,
    repository.html_url,
  ]);
}

/** Gitea and Forgejo (`X-Gitea-Event`, `X-Gitea-Signature`: hex HMAC-SHA256). */
export const giteaParser: GitWebhookProviderParser = {
  provider: 'gitea',
  eventHeader: 'x-gitea-event',
  verify: hmacSha256Verifier('gitea', 'x-gitea-signature', ''),
  handles: event => event === 'push' || event === 'delete',
  parse(event, payload): GitWebhookEvent {
    if (event === 'delete') {
      const deletion = readPayload(deleteSchema, payload, 'gitea', event);
      const ref = deletion.ref.startsWith('refs/')
        ? deletion.ref
        : `refs/${deletion.ref_type === 'branch' ? 'heads' : 'tags'}/${
            deletion.ref
          }`;
      return {
        type: 'push',
        provider: 'gitea',
        pushes: [
          {
            provider: 'gitea',
            repoURLs: urlsOf(deletion.repository),
            ref,
            ...refNames(ref),
            defaultBranch: deletion.repository.default_branch ?? undefined,
            created: false,
            deleted: true,
          },
        ],
      };
    }
    const push = readPayload(pushSchema, payload, 'gitea', event);
    const before = commitOrUndefined(push.before);
    const after = commitOrUndefined(push.after);
    const commits = push.commits ?? [];
    // Without total_commits (Gitea before 1.18) a cut list cannot be told from a whole one.
    const complete =
      before !== undefined &&
      after !== undefined &&
      push.total_commits !== undefined &&
      push.total_commits !== null &&
      commits.length >= push.total_commits;
    return {
      type: 'push',
      provider: 'gitea',
      pushes: [
        {
          provider: 'gitea',
          repoURLs: urlsOf(push.repository),
          ref: push.ref,
          ...refNames(push.ref),
          defaultBranch: push.repository.default_branch ?? undefined,
          before,
          after,
          created: before === undefined,
          deleted: after === undefined,
          changedFiles: changedFilesOf(commits, complete),
        },
      ],
    };
  },
};
