import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  GIT_WEBHOOK_PROVIDERS,
  type GitWebhookProviderSettings,
  type GitWebhookSettings,
} from './types';
import { webhookConfigKey } from './verification';

function readSecret(
  config: Config | undefined,
  key: string,
  where: string,
): string | undefined {
  const value = config?.getOptionalString(key);
  if (value !== undefined && value.trim() === '') {
    // An empty HMAC key verifies anything signed with an empty key: refuse it rather than guess.
    throw new InputError(
      `${where} is empty; set it to the webhook's secret, or remove it`,
    );
  }
  return value;
}

/**
 * Reads `gitops.webhooks`: one secret per provider. A provider without one is
 * refused unless its `allowUnauthenticated` is true, which only makes sense
 * behind a network that lets nothing else reach the endpoint.
 */
export function readGitWebhookSettings(config: Config): GitWebhookSettings {
  const webhooks = config.getOptionalConfig('gitops.webhooks');
  const settings = {} as GitWebhookSettings;
  for (const provider of GIT_WEBHOOK_PROVIDERS) {
    const providerConfig = webhooks?.getOptionalConfig(provider);
    const providerSettings: GitWebhookProviderSettings = {
      secret: readSecret(
        providerConfig,
        'secret',
        webhookConfigKey(provider, 'secret'),
      ),
      allowUnauthenticated:
        providerConfig?.getOptionalBoolean('allowUnauthenticated') ?? false,
    };
    if (provider === 'bitbucket') {
      providerSettings.uuid = readSecret(
        providerConfig,
        'uuid',
        webhookConfigKey(provider, 'uuid'),
      );
    }
    settings[provider] = providerSettings;
  }
  return settings;
}
