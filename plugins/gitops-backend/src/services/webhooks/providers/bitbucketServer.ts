import { z } from 'zod';
import {
  commitOrUndefined,
  readPayload,
  refNames,
  repoURLsOf,
} from '../payload';
import type { GitPushEvent, GitWebhookEvent } from '../types';
import { hmacSha256Verifier } from '../verification';
import type { GitWebhookProviderParser } from './types';

const refsChangedSchema = z.object({
  repository: z
    .object({
      links: z
        .object({
          clone: z
            .array(z.object({ href: z.string(), name: z.string().nullish() }))
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
  changes: z.array(
    z.object({
      ref: z.object({ id: z.string().min(1) }).nullish(),
      refId: z.string().nullish(),
      fromHash: z.string().nullish(),
      toHash: z.string().nullish(),
      type: z.string().nullish(),
    }),
  ),
});

/**
 * Bitbucket Server and Data Center (`X-Event-Key: repo:refs_changed`,
 * `X-Hub-Signature`: `sha256=` HMAC). Its payloads list no changed files and
 * not the default branch.
 */
export const bitbucketServerParser: GitWebhookProviderParser = {
  provider: 'bitbucketServer',
  eventHeader: 'x-event-key',
  verify: hmacSha256Verifier('bitbucketServer', 'x-hub-signature', 'sha256='),
  handles: event =>
    event === 'repo:refs_changed' || event === 'diagnostics:ping',
  parse(event, payload): GitWebhookEvent {
    if (event === 'diagnostics:ping') {
      return { type: 'ping', provider: 'bitbucketServer', repoURLs: [] };
    }
    const refsChanged = readPayload(
      refsChangedSchema,
      payload,
      'bitbucketServer',
      event,
    );
    // The `self` link is a browse page, not a repository URL; the clone links are.
    const repoURLs = repoURLsOf(
      (refsChanged.repository?.links?.clone ?? []).map(link => link.href),
    );
    const pushes: GitPushEvent[] = [];
    for (const change of refsChanged.changes) {
      const ref = change.ref?.id ?? change.refId;
      if (!ref) {
        continue;
      }
      const before = commitOrUndefined(change.fromHash);
      const after = commitOrUndefined(change.toHash);
      pushes.push({
        provider: 'bitbucketServer',
        repoURLs,
        ref,
        ...refNames(ref),
        before,
        after,
        created: change.type === 'ADD' || before === undefined,
        deleted: change.type === 'DELETE' || after === undefined,
      });
    }
    return { type: 'push', provider: 'bitbucketServer', pushes };
  },
};
