import { InputError } from '@backstage/errors';
import { bitbucketCloudParser } from './providers/bitbucketCloud';
import { bitbucketServerParser } from './providers/bitbucketServer';
import { giteaParser } from './providers/gitea';
import { githubParser } from './providers/github';
import { gitlabParser } from './providers/gitlab';
import type { GitWebhookProviderParser } from './providers/types';
import {
  GIT_WEBHOOK_PROVIDER_NAMES,
  type GitWebhookEvent,
  type GitWebhookProvider,
  type GitWebhookSettings,
  type WebhookRequestHeaders,
} from './types';
import { headerValue, requireVerificationOrOptOut } from './verification';

const PARSERS: Record<GitWebhookProvider, GitWebhookProviderParser> = {
  github: githubParser,
  gitlab: gitlabParser,
  gitea: giteaParser,
  bitbucket: bitbucketCloudParser,
  bitbucketServer: bitbucketServerParser,
};

/** A webhook request as the route received it. */
export interface GitWebhookRequest {
  headers: WebhookRequestHeaders;
  /** The body exactly as sent: signatures are computed over these bytes. */
  rawBody: Buffer;
}

/**
 * Which Git host sent a request, from the headers each one sets. Gitea also
 * sends GitHub's and Gogs' headers, so it is recognised first; Bitbucket
 * Cloud and Server share `X-Event-Key`, and only Cloud sends `X-Hook-UUID`.
 */
export function detectGitWebhookProvider(
  headers: WebhookRequestHeaders,
): GitWebhookProvider {
  const has = (name: string) => headerValue(headers, name) !== undefined;
  if (has('x-gitea-event')) {
    return 'gitea';
  }
  if (has('x-gogs-event')) {
    throw new InputError(
      'Gogs webhooks are not supported: use a Gitea, GitHub, GitLab or Bitbucket webhook',
    );
  }
  if (has('x-github-event')) {
    return 'github';
  }
  if (has('x-gitlab-event')) {
    return 'gitlab';
  }
  if (has('x-event-key')) {
    return has('x-hook-uuid') ? 'bitbucket' : 'bitbucketServer';
  }
  throw new InputError(
    'Not a Git push webhook: the request has none of the X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event ' +
      'or X-Event-Key (Bitbucket) headers. Point GitHub, GitLab, Gitea or Bitbucket webhooks here',
  );
}

function decodeBody(
  provider: GitWebhookProvider,
  event: string,
  headers: WebhookRequestHeaders,
  rawBody: Buffer,
): unknown {
  const where = `${GIT_WEBHOOK_PROVIDER_NAMES[provider]} '${event}' webhook body`;
  if (rawBody.length === 0) {
    throw new InputError(`${where} is empty`);
  }
  let text = rawBody.toString('utf8');
  const contentType = headerValue(headers, 'content-type')?.toLowerCase();
  // GitHub and Gitea can be set to send the JSON as the `payload` form field.
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const field = new URLSearchParams(text).get('payload');
    if (field === null) {
      throw new InputError(
        `${where} is form-encoded but has no 'payload' field; set the webhook's content type to application/json`,
      );
    }
    text = field;
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the body, which is not ours to echo.
    throw new InputError(
      `${where} is not valid JSON (${rawBody.length} bytes); set the webhook's content type to application/json`,
    );
  }
}

/**
 * Authenticates a webhook request and reads what it reports. The provider is
 * recognised from the headers and the request verified with that provider's
 * secret before anything else is looked at, so an unauthenticated caller
 * learns nothing about which events are acted on.
 *
 * Throws `NotAllowedError` when the provider has no secret configured and is
 * not allowed without one, `AuthenticationError` when the signature or token
 * is missing or wrong, and `InputError` for an unknown sender or a body that
 * cannot be read. Events that refresh nothing come back as `ignored`.
 */
export function parseGitWebhook(
  request: GitWebhookRequest,
  settings: GitWebhookSettings,
): GitWebhookEvent {
  const { headers, rawBody } = request;
  const provider = detectGitWebhookProvider(headers);
  const parser = PARSERS[provider];
  if (requireVerificationOrOptOut(provider, settings[provider])) {
    parser.verify(headers, rawBody, settings[provider]);
  }

  const event = headerValue(headers, parser.eventHeader) ?? '';
  if (!parser.handles(event)) {
    return {
      type: 'ignored',
      provider,
      event,
      reason: `${GIT_WEBHOOK_PROVIDER_NAMES[provider]} '${event}' events do not refresh applications; send push events`,
    };
  }

  const result = parser.parse(
    event,
    decodeBody(provider, event, headers, rawBody),
  );
  if (result.type !== 'push') {
    return result;
  }
  if (result.pushes.length === 0) {
    return {
      type: 'ignored',
      provider,
      event,
      reason: 'the push updates no branch or tag',
    };
  }
  if (result.pushes.every(push => push.repoURLs.length === 0)) {
    return {
      type: 'ignored',
      provider,
      event,
      reason:
        'the payload names no repository URL Driftless can match (https, http or ssh)',
    };
  }
  return result;
}
