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
import { verifySharedToken, webhookConfigKey } from '../verification';
import type { GitWebhookProviderParser } from './types';

const PUSH_EVENTS = new Set(['Push Hook', 'Tag Push Hook']);
// Instance-wide system hooks carry the same push payloads, told apart by event_name.
const SYSTEM_HOOK = 'System Hook';
const PUSH_KINDS = new Set(['push', 'tag_push']);

const pushSchema = z.object({
  object_kind: z.string().nullish(),
  event_name: z.string().nullish(),
  ref: z.string().min(1),
  before: z.string().nullish(),
  after: z.string().nullish(),
  project: z
    .object({
      web_url: z.string().nullish(),
      git_http_url: z.string().nullish(),
      git_ssh_url: z.string().nullish(),
      default_branch: z.string().nullish(),
    })
    .nullish(),
  // Older GitLab versions describe the repository here only.
  repository: z
    .object({
      homepage: z.string().nullish(),
      git_http_url: z.string().nullish(),
      git_ssh_url: z.string().nullish(),
    })
    .nullish(),
  commits: z.array(commitFilesSchema).nullish(),
  // `commits` holds at most 20; this is how many the push had.
  total_commits_count: z.number().nullish(),
});

const systemHookSchema = z.object({
  event_name: z.string().nullish(),
  object_kind: z.string().nullish(),
});

/** GitLab, project and system hooks (`X-Gitlab-Event`, `X-Gitlab-Token`). */
export const gitlabParser: GitWebhookProviderParser = {
  provider: 'gitlab',
  eventHeader: 'x-gitlab-event',
  verify(headers, _rawBody, settings) {
    if (settings.secret !== undefined) {
      verifySharedToken({
        provider: 'gitlab',
        headers,
        header: 'x-gitlab-token',
        expected: settings.secret,
        configKey: webhookConfigKey('gitlab', 'secret'),
      });
    }
  },
  handles: event => PUSH_EVENTS.has(event) || event === SYSTEM_HOOK,
  parse(event, payload): GitWebhookEvent {
    if (event === SYSTEM_HOOK) {
      const hook = readPayload(systemHookSchema, payload, 'gitlab', event);
      const kind = hook.event_name ?? hook.object_kind ?? '';
      if (!PUSH_KINDS.has(kind)) {
        return {
          type: 'ignored',
          provider: 'gitlab',
          event: `${event} (${kind || 'no event_name'})`,
          reason: 'only push and tag_push system hooks refresh applications',
        };
      }
    }
    const push = readPayload(pushSchema, payload, 'gitlab', event);
    const before = commitOrUndefined(push.before);
    const after = commitOrUndefined(push.after);
    const commits = push.commits ?? [];
    const complete =
      before !== undefined &&
      after !== undefined &&
      commits.length >= (push.total_commits_count ?? 0);
    return {
      type: 'push',
      provider: 'gitlab',
      pushes: [
        {
          provider: 'gitlab',
          repoURLs: repoURLsOf([
            push.project?.git_http_url ?? push.repository?.git_http_url,
            push.project?.git_ssh_url ?? push.repository?.git_ssh_url,
            push.project?.web_url ?? push.repository?.homepage,
          ]),
          ref: push.ref,
          ...refNames(push.ref),
          defaultBranch: push.project?.default_branch ?? undefined,
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
