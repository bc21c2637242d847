import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readGitWebhookSettings } from './readGitWebhookSettings';

describe('readGitWebhookSettings', () => {
  it('refuses every provider by default: no secret, no opt-out', () => {
    expect(readGitWebhookSettings(new ConfigReader({}))).toEqual({
      github: { allowUnauthenticated: false },
      gitlab: { allowUnauthenticated: false },
      gitea: { allowUnauthenticated: false },
      bitbucket: { allowUnauthenticated: false },
      bitbucketServer: { allowUnauthenticated: false },
    });
  });

  it('reads one secret per provider, the Bitbucket hook UUID and the opt-outs', () => {
    const settings = readGitWebhookSettings(
      new ConfigReader({
        gitops: {
          webhooks: {
            github: { secret: 'gh' },
            gitlab: { secret: 'gl' },
            gitea: { allowUnauthenticated: true },
            bitbucket: { uuid: '{0d6f2b7c-8a1e-4f3b-b5c9-6e7f8a9b0c1d}' },
            bitbucketServer: { secret: 'bbs', allowUnauthenticated: false },
          },
        },
      }),
    );
    expect(settings).toEqual({
      github: { secret: 'gh', allowUnauthenticated: false },
      gitlab: { secret: 'gl', allowUnauthenticated: false },
      gitea: { allowUnauthenticated: true },
      bitbucket: {
        uuid: '{0d6f2b7c-8a1e-4f3b-b5c9-6e7f8a9b0c1d}',
        allowUnauthenticated: false,
      },
      bitbucketServer: { secret: 'bbs', allowUnauthenticated: false },
    });
  });

  it('refuses a blank secret instead of using it as an HMAC key', () => {
    const read = () =>
      readGitWebhookSettings(
        new ConfigReader({
          gitops: { webhooks: { gitlab: { secret: '  ' } } },
        }),
      );
    expect(read).toThrow(InputError);
    expect(read).toThrow(
      "gitops.webhooks.gitlab.secret is empty; set it to the webhook's secret, or remove it",
    );
  });
});
