import { z } from 'zod';
import { commitOrUndefined, readPayload, repoURLsOf } from '../payload';
import type { GitPushEvent, GitWebhookEvent } from '../types';
import {
  verifyHmacSha256,
  verifySharedToken,
  webhookConfigKey,
} from '../verification';
import type { GitWebhookProviderParser } from './types';

const refStateSchema = z
  .object({
    type: z.string(),
    name: z.string().min(1),
    target: z.object({ hash: z.string().nullish() }).nullish(),
  })
  .nullish();

const pushSchema = z.object({
  push: z.object({
    changes: z.array(
      z.object({
        new: refStateSchema,
        old: refStateSchema,
      }),
    ),
  }),
  repository: z.object({
    links: z
      .object({ html: z.object({ href: z.string() }).nullish() })
      .nullish(),
  }),
});

const REF_PREFIX_BY_TYPE: Record<string, string> = {
  branch: 'refs/heads/',
  tag: 'refs/tags/',
  annotated_tag: 'refs/tags/',
};

// Bitbucket shows a webhook's UUID in braces in some places and not in others.
function normalizeHookUuid(value: string): string {
  return value
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();
}

/**
 * Bitbucket Cloud (`X-Event-Key: repo:push`). Verified by the webhook secret
 * (`X-Hub-Signature`, HMAC-SHA256) and/or, as Argo CD does, by the webhook's
 * UUID in `X-Hook-UUID`. Its payloads list no changed files and not the
 * default branch.
 */
export const bitbucketCloudParser: GitWebhookProviderParser = {
  provider: 'bitbucket',
  eventHeader: 'x-event-key',
  verify(headers, rawBody, settings) {
    if (settings.secret !== undefined) {
      verifyHmacSha256({
        provider: 'bitbucket',
        headers,
        header: 'x-hub-signature',
        prefix: 'sha256=',
        secret: settings.secret,
        rawBody,
      });
    }
    if (settings.uuid !== undefined) {
      verifySharedToken({
        provider: 'bitbucket',
        headers,
        header: 'x-hook-uuid',
        expected: settings.uuid,
        configKey: webhookConfigKey('bitbucket', 'uuid'),
        normalize: normalizeHookUuid,
      });
    }
  },
  handles: event => event === 'repo:push',
  parse(event, payload): GitWebhookEvent {
    const push = readPayload(pushSchema, payload, 'bitbucket', event);
    const repoURLs = repoURLsOf([push.repository.links?.html?.href]);
    const pushes: GitPushEvent[] = [];
    for (const change of push.push.changes) {
      const state = change.new ?? change.old;
      const prefix = state ? REF_PREFIX_BY_TYPE[state.type] : undefined;
      if (!state || !prefix) {
        continue;
      }
      const ref = `${prefix}${state.name}`;
      const before = commitOrUndefined(change.old?.target?.hash);
      const after = commitOrUndefined(change.new?.target?.hash);
      pushes.push({
        provider: 'bitbucket',
        repoURLs,
        ref,
        ...(prefix === 'refs/heads/'
          ? { branch: state.name }
          : { tag: state.name }),
        before,
        after,
        created: !change.old,
        deleted: !change.new,
      });
    }
    return { type: 'push', provider: 'bitbucket', pushes };
  },
};
