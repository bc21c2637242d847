import type {
  GitWebhookEvent,
  GitWebhookProvider,
  GitWebhookProviderSettings,
  WebhookRequestHeaders,
} from '../types';

/** What parseGitWebhook needs from each provider. */
export interface GitWebhookProviderParser {
  provider: GitWebhookProvider;
  /** Throws AuthenticationError unless the request carries the configured secret. */
  verify(
    headers: WebhookRequestHeaders,
    rawBody: Buffer,
    settings: GitWebhookProviderSettings,
  ): void;
  /** The event header's name, and its value in this request. */
  eventHeader: string;
  /** Whether Driftless acts on this event, so that the body of any other is never decoded. */
  handles(event: string): boolean;
  /** Reads a decoded payload of an event it handles. */
  parse(event: string, payload: unknown): GitWebhookEvent;
}
