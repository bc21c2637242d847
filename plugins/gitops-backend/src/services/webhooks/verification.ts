import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  GIT_WEBHOOK_PROVIDER_NAMES,
  type GitWebhookProvider,
  type GitWebhookProviderSettings,
  type WebhookRequestHeaders,
} from './types';

/** The config key of a provider's settings, for messages that tell the operator what to set. */
export function webhookConfigKey(
  provider: GitWebhookProvider,
  field?: string,
): string {
  return `gitops.webhooks.${provider}${field ? `.${field}` : ''}`;
}

/** A header's single value; a header sent twice counts as absent, since no provider does that. */
export function headerValue(
  headers: WebhookRequestHeaders,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) {
    return value.length === 1 ? value[0] : undefined;
  }
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Refuses a provider that has no secret unless the operator allowed that
 * explicitly: a webhook anyone can call makes Driftless re-read Git on demand.
 * Returns whether the request must still be verified.
 */
export function requireVerificationOrOptOut(
  provider: GitWebhookProvider,
  settings: GitWebhookProviderSettings,
): boolean {
  if (settings.secret !== undefined || settings.uuid !== undefined) {
    return true;
  }
  if (settings.allowUnauthenticated) {
    return false;
  }
  const uuidHint =
    provider === 'bitbucket'
      ? ` (or ${webhookConfigKey(provider, 'uuid')}, the webhook's UUID)`
      : '';
  throw new NotAllowedError(
    `${GIT_WEBHOOK_PROVIDER_NAMES[provider]} webhooks are not accepted: no secret is configured. ` +
      `Set ${webhookConfigKey(
        provider,
        'secret',
      )}${uuidHint} to the webhook's secret, ` +
      `or set ${webhookConfigKey(
        provider,
        'allowUnauthenticated',
      )}: true to accept unsigned requests`,
  );
}

// Both sides are hashed first, so the comparison takes the same time whatever the lengths.
function constantTimeEqual(actual: Buffer, expected: Buffer): boolean {
  const actualDigest = createHash('sha256').update(actual).digest();
  const expectedDigest = createHash('sha256').update(expected).digest();
  return timingSafeEqual(actualDigest, expectedDigest);
}

/**
 * Checks an HMAC-SHA256 signature of the raw body, in constant time. The
 * header holds lower- or upper-case hex, after `prefix` (`sha256=`) when the
 * provider adds one.
 */
export function verifyHmacSha256(options: {
  provider: GitWebhookProvider;
  headers: WebhookRequestHeaders;
  header: string;
  prefix: string;
  secret: string;
  rawBody: Buffer;
}): void {
  const { provider, headers, header, prefix, secret, rawBody } = options;
  const name = GIT_WEBHOOK_PROVIDER_NAMES[provider];
  const secretKey = webhookConfigKey(provider, 'secret');
  const signature = headerValue(headers, header);
  if (signature === undefined) {
    throw new AuthenticationError(
      `${name} webhook request has no ${header} header, but ${secretKey} is set: ` +
        `give the webhook in ${name} the same secret`,
    );
  }
  const hasPrefix = signature.slice(0, prefix.length).toLowerCase() === prefix;
  const hex = hasPrefix ? signature.slice(prefix.length) : '';
  if (!hasPrefix || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new AuthenticationError(
      `${name} webhook ${header} header is not an HMAC-SHA256 signature (expected ${prefix}<64 hex digits>)`,
    );
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!constantTimeEqual(Buffer.from(hex, 'hex'), expected)) {
    throw new AuthenticationError(
      `${name} webhook signature (${header}) does not match the request body: ` +
        `check that the webhook's secret in ${name} equals ${secretKey}`,
    );
  }
}

/**
 * The `verify` of a provider that signs the body with the configured secret
 * as HMAC-SHA256 in one header (GitHub, Gitea, Bitbucket Server).
 */
export function hmacSha256Verifier(
  provider: GitWebhookProvider,
  header: string,
  prefix: string,
): (
  headers: WebhookRequestHeaders,
  rawBody: Buffer,
  settings: GitWebhookProviderSettings,
) => void {
  return (headers, rawBody, settings) => {
    if (settings.secret !== undefined) {
      verifyHmacSha256({
        provider,
        headers,
        header,
        prefix,
        secret: settings.secret,
        rawBody,
      });
    }
  };
}

/** Checks a header that must carry a shared value (GitLab's token, Bitbucket's hook UUID). */
export function verifySharedToken(options: {
  provider: GitWebhookProvider;
  headers: WebhookRequestHeaders;
  header: string;
  expected: string;
  configKey: string;
  /** Applied to both sides before comparing, for values with more than one spelling. */
  normalize?: (value: string) => string;
}): void {
  const { provider, headers, header, configKey } = options;
  const normalize = options.normalize ?? ((value: string) => value);
  const name = GIT_WEBHOOK_PROVIDER_NAMES[provider];
  const received = headerValue(headers, header);
  if (received === undefined) {
    throw new AuthenticationError(
      `${name} webhook request has no ${header} header, but ${configKey} is set: ` +
        `configure the webhook in ${name} with the same value`,
    );
  }
  if (
    !constantTimeEqual(
      Buffer.from(normalize(received), 'utf8'),
      Buffer.from(normalize(options.expected), 'utf8'),
    )
  ) {
    throw new AuthenticationError(
      `${name} webhook ${header} header does not match ${configKey}`,
    );
  }
}
