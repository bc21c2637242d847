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

// GitHub cuts `commits` at this length; a list that long may be missing commits, and their files.
const GITHUB_MAX_PUSH_COMMITS = 2048;

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
  created: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  forced: z.boolean().nullish(),
  commits: z.array(commitFilesSchema).nullish(),
  repository: repositorySchema,
});

const pingSchema = z.object({ repository: repositorySchema.nullish() });

function urlsOf(
  repository: z.infer<typeof repositorySchema> | null | undefined,
) {
  return repoURLsOf([
    repository?.clone_url,
    repository?.ssh_url,
    repository?.html_url,
  ]);
}

/** GitHub and GitHub Enterprise Server (`X-GitHub-Event`, `X-Hub-Signature-256`). */
export const githubParser: GitWebhookProviderParser = {
  provider: 'github',
  eventHeader: 'x-github-event',
  verify: hmacSha256Verifier('github', 'x-hub-signature-256', 'sha256='),
  handles: event => event === 'push' || event === 'ping',
  parse(event, payload): GitWebhookEvent {
    if (event === 'ping') {
      const ping = readPayload(pingSchema, payload, 'github', event);
      return {
        type: 'ping',
        provider: 'github',
        repoURLs: urlsOf(ping.repository),
      };
    }
    const push = readPayload(pushSchema, payload, 'github', event);
    const before = commitOrUndefined(push.before);
    const after = commitOrUndefined(push.after);
    const created = push.created ?? before === undefined;
    const deleted = push.deleted ?? after === undefined;
    const commits = push.commits ?? [];
    // A force push may drop commits whose files the list never names.
    const complete =
      !created &&
      !deleted &&
      !push.forced &&
      commits.length < GITHUB_MAX_PUSH_COMMITS;
    return {
      type: 'push',
      provider: 'github',
      pushes: [
        {
          provider: 'github',
          repoURLs: urlsOf(push.repository),
          ref: push.ref,
          ...refNames(push.ref),
          defaultBranch: push.repository.default_branch ?? undefined,
          before,
          after,
          created,
          deleted,
          changedFiles: changedFilesOf(commits, complete),
        },
      ],
    };
  },
};
