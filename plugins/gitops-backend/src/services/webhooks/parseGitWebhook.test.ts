import { ConfigReader } from '@backstage/config';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGitWebhook } from './parseGitWebhook';
import { readGitWebhookSettings } from './readGitWebhookSettings';
import type {
  GitPushEvent,
  GitWebhookEvent,
  GitWebhookSettings,
  WebhookRequestHeaders,
} from './types';

const SECRETS = {
  github: 'gh-5f0c9e2a-secret',
  gitlab: 'gl-token-81d4b7',
  gitea: 'gitea-3b6e0f-secret',
  bitbucket: 'bb-cloud-7a2d91-secret',
  bitbucketServer: 'bbs-c4e8f1-secret',
};
const BITBUCKET_HOOK_UUID = '{8c1e6f2a-3b4d-4e5f-9a0b-1c2d3e4f5a6b}';

function settingsFrom(webhooks: JsonObject): GitWebhookSettings {
  return readGitWebhookSettings(new ConfigReader({ gitops: { webhooks } }));
}

const signed = settingsFrom({
  github: { secret: SECRETS.github },
  gitlab: { secret: SECRETS.gitlab },
  gitea: { secret: SECRETS.gitea },
  bitbucket: { secret: SECRETS.bitbucket },
  bitbucketServer: { secret: SECRETS.bitbucketServer },
});

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, '__fixtures__', name));
}

function fixtureJson(name: string): any {
  return JSON.parse(fixture(name).toString('utf8'));
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function githubHeaders(
  event: string,
  body: Buffer,
  secret: string | null = SECRETS.github,
): WebhookRequestHeaders {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/8a1f2c3',
    'x-github-event': event,
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-hook-id': '498275113',
    ...(secret
      ? { 'x-hub-signature-256': `sha256=${hmacHex(secret, body)}` }
      : {}),
  };
}

function gitlabHeaders(
  event: string,
  token: string | null = SECRETS.gitlab,
): WebhookRequestHeaders {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.9.1',
    'x-gitlab-event': event,
    'x-gitlab-instance': 'https://gitlab.acme.example',
    'x-gitlab-webhook-uuid': 'e9b1c3a5-7d2f-4b6e-8a0c-1d3f5b7e9a2c',
    ...(token ? { 'x-gitlab-token': token } : {}),
  };
}

// Gitea also sends GitHub's and Gogs' headers; detection must still pick Gitea.
function giteaHeaders(
  event: string,
  body: Buffer,
  secret: string | null = SECRETS.gitea,
): WebhookRequestHeaders {
  const signature = secret ? hmacHex(secret, body) : '';
  return {
    'content-type': 'application/json',
    'x-gitea-delivery': '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    'x-gitea-event': event,
    'x-gitea-event-type': event,
    'x-gitea-signature': signature,
    'x-gogs-delivery': '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    'x-gogs-event': event,
    'x-gogs-signature': signature,
    'x-github-delivery': '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    'x-github-event': event,
    'x-hub-signature-256': `sha256=${signature}`,
  };
}

function bitbucketCloudHeaders(
  event: string,
  body: Buffer,
  secret: string | null = SECRETS.bitbucket,
): WebhookRequestHeaders {
  return {
    'content-type': 'application/json',
    'user-agent': 'Bitbucket-Webhooks/2.0',
    'x-event-key': event,
    'x-hook-uuid': BITBUCKET_HOOK_UUID.slice(1, -1),
    'x-request-uuid': '0b8f1a2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
    'x-attempt-number': '1',
    ...(secret ? { 'x-hub-signature': `sha256=${hmacHex(secret, body)}` } : {}),
  };
}

function bitbucketServerHeaders(
  event: string,
  body: Buffer,
  secret: string | null = SECRETS.bitbucketServer,
): WebhookRequestHeaders {
  return {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent':
      'Atlassian HttpClient 4.2.0 / Bitbucket-9.4.2 (9004002) / Default',
    'x-event-key': event,
    'x-request-id': '5e2d7c1b-9a8f-4e3d-b2c1-0f9e8d7c6b5a',
    ...(secret ? { 'x-hub-signature': `sha256=${hmacHex(secret, body)}` } : {}),
  };
}

function pushesOf(event: GitWebhookEvent): GitPushEvent[] {
  if (event.type !== 'push') {
    throw new Error(`expected a push event, got ${JSON.stringify(event)}`);
  }
  return event.pushes;
}

/** Runs a request expected to fail and checks that no configured secret leaks into the message. */
function rejection(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    const message = (error as Error).message;
    for (const secret of [...Object.values(SECRETS), BITBUCKET_HOOK_UUID]) {
      expect(message).not.toContain(secret);
    }
    return error as Error;
  }
  throw new Error('expected the webhook to be rejected');
}

describe('parseGitWebhook', () => {
  describe('GitHub', () => {
    const body = fixture('github-push.json');

    it('reads a signed push to a branch, with every changed file', () => {
      const event = parseGitWebhook(
        { headers: githubHeaders('push', body), rawBody: body },
        signed,
      );
      expect(pushesOf(event)).toEqual([
        {
          provider: 'github',
          repoURLs: [
            'https://github.com/acme/platform-gitops.git',
            'git@github.com:acme/platform-gitops.git',
          ],
          ref: 'refs/heads/main',
          branch: 'main',
          defaultBranch: 'main',
          before: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
          after: '9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e',
          created: false,
          deleted: false,
          changedFiles: [
            'apps/shop/overlays/prod/replicas.yaml',
            'apps/shop/base/pdb.yaml',
            'apps/shop/base/kustomization.yaml',
            'apps/shop/base/legacy-config.yaml',
          ],
        },
      ]);
    });

    it('accepts a signature written in upper-case hex', () => {
      const headers = githubHeaders('push', body);
      headers['x-hub-signature-256'] = `sha256=${hmacHex(
        SECRETS.github,
        body,
      ).toUpperCase()}`;
      expect(parseGitWebhook({ headers, rawBody: body }, signed).type).toBe(
        'push',
      );
    });

    it('refuses a signature made with another secret', () => {
      const error = rejection(() =>
        parseGitWebhook(
          {
            headers: githubHeaders('push', body, 'someone-elses-secret'),
            rawBody: body,
          },
          signed,
        ),
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(
        /GitHub webhook signature \(x-hub-signature-256\) does not match the request body: check that the webhook's secret in GitHub equals gitops\.webhooks\.github\.secret/,
      );
    });

    it('refuses a body changed after signing', () => {
      const headers = githubHeaders('push', body);
      const tampered = Buffer.from(
        body.toString('utf8').replace('refs/heads/main', 'refs/heads/prod'),
      );
      expect(
        rejection(() =>
          parseGitWebhook({ headers, rawBody: tampered }, signed),
        ),
      ).toBeInstanceOf(AuthenticationError);
    });

    it('refuses a request without X-Hub-Signature-256, even with the SHA-1 one', () => {
      const headers = githubHeaders('push', body, null);
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', SECRETS.github)
        .update(body)
        .digest('hex')}`;
      const error = rejection(() =>
        parseGitWebhook({ headers, rawBody: body }, signed),
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(
        /no x-hub-signature-256 header, but gitops\.webhooks\.github\.secret is set/,
      );
    });

    it('refuses a signature header that is not sha256=<hex>', () => {
      const headers = githubHeaders('push', body);
      headers['x-hub-signature-256'] = hmacHex(SECRETS.github, body);
      expect(
        rejection(() => parseGitWebhook({ headers, rawBody: body }, signed))
          .message,
      ).toMatch(
        /is not an HMAC-SHA256 signature \(expected sha256=<64 hex digits>\)/,
      );
    });

    it('verifies before it looks at the event, and ignores events other than push and ping', () => {
      const garbage = Buffer.from('{"action":"opened", not json');
      expect(
        rejection(() =>
          parseGitWebhook(
            {
              headers: githubHeaders('issues', garbage, 'wrong'),
              rawBody: garbage,
            },
            signed,
          ),
        ),
      ).toBeInstanceOf(AuthenticationError);
      expect(
        parseGitWebhook(
          { headers: githubHeaders('issues', garbage), rawBody: garbage },
          signed,
        ),
      ).toEqual({
        type: 'ignored',
        provider: 'github',
        event: 'issues',
        reason:
          "GitHub 'issues' events do not refresh applications; send push events",
      });
    });

    it('answers a ping with the repository it was set up on', () => {
      const ping = fixture('github-ping.json');
      expect(
        parseGitWebhook(
          { headers: githubHeaders('ping', ping), rawBody: ping },
          signed,
        ),
      ).toEqual({
        type: 'ping',
        provider: 'github',
        repoURLs: [
          'https://github.com/acme/platform-gitops.git',
          'git@github.com:acme/platform-gitops.git',
        ],
      });
    });

    it('reads a tag push, which lists no files', () => {
      const tag = fixture('github-push-tag.json');
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: githubHeaders('push', tag), rawBody: tag },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          ref: 'refs/tags/v1.4.0',
          tag: 'v1.4.0',
          before: undefined,
          after: '9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e',
          created: true,
          deleted: false,
          changedFiles: undefined,
        }),
      ]);
    });

    it('reads a branch deletion: no after, no changed files', () => {
      const deletion = fixture('github-push-branch-deleted.json');
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: githubHeaders('push', deletion), rawBody: deletion },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          ref: 'refs/heads/feature/shop-canary',
          branch: 'feature/shop-canary',
          before: '4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f',
          after: undefined,
          created: false,
          deleted: true,
          changedFiles: undefined,
        }),
      ]);
    });

    it('does not trust the file list of a force push, whose dropped commits it omits', () => {
      const forced = Buffer.from(
        JSON.stringify({ ...fixtureJson('github-push.json'), forced: true }),
      );
      const [push] = pushesOf(
        parseGitWebhook(
          { headers: githubHeaders('push', forced), rawBody: forced },
          signed,
        ),
      );
      expect(push.changedFiles).toBeUndefined();
    });

    it('does not trust a commit list at GitHub’s cap of 2048', () => {
      const payload = fixtureJson('github-push.json');
      payload.commits = Array.from({ length: 2048 }, () => payload.commits[0]);
      const capped = Buffer.from(JSON.stringify(payload));
      const [push] = pushesOf(
        parseGitWebhook(
          { headers: githubHeaders('push', capped), rawBody: capped },
          signed,
        ),
      );
      expect(push.changedFiles).toBeUndefined();
    });

    it('reads a form-encoded delivery, verified over the form bytes', () => {
      const form = Buffer.from(
        new URLSearchParams({ payload: body.toString('utf8') }).toString(),
      );
      const headers = {
        ...githubHeaders('push', form),
        'content-type': 'application/x-www-form-urlencoded',
      };
      expect(
        pushesOf(parseGitWebhook({ headers, rawBody: form }, signed))[0].ref,
      ).toBe('refs/heads/main');
    });

    it('refuses a body that is not JSON without quoting it', () => {
      const broken = Buffer.from(
        '{"ref": "refs/heads/main", "secret": "s3cr3t-in-body"',
      );
      const error = rejection(() =>
        parseGitWebhook(
          { headers: githubHeaders('push', broken), rawBody: broken },
          signed,
        ),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `GitHub 'push' webhook body is not valid JSON (${broken.length} bytes); set the webhook's content type to application/json`,
      );
      expect(error.message).not.toContain('s3cr3t-in-body');
    });

    it('refuses an empty body', () => {
      const empty = Buffer.alloc(0);
      const error = rejection(() =>
        parseGitWebhook(
          { headers: githubHeaders('push', empty), rawBody: empty },
          signed,
        ),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe("GitHub 'push' webhook body is empty");
    });

    it('names the missing fields of a payload in the wrong shape', () => {
      const shapeless = Buffer.from(
        JSON.stringify({ before: 'x', repository: { html_url: 3 } }),
      );
      const error = rejection(() =>
        parseGitWebhook(
          { headers: githubHeaders('push', shapeless), rawBody: shapeless },
          signed,
        ),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /^GitHub 'push' webhook payload is not in the expected shape: ref: .*; repository\.html_url: /,
      );
    });

    it('refuses GitHub when no secret is configured, saying what to set', () => {
      const error = rejection(() =>
        parseGitWebhook(
          { headers: githubHeaders('push', body), rawBody: body },
          settingsFrom({}),
        ),
      );
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toBe(
        "GitHub webhooks are not accepted: no secret is configured. Set gitops.webhooks.github.secret to the webhook's secret, " +
          'or set gitops.webhooks.github.allowUnauthenticated: true to accept unsigned requests',
      );
    });

    it('accepts unsigned requests only when allowed explicitly, and only while no secret is set', () => {
      const unsigned = githubHeaders('push', body, null);
      expect(
        parseGitWebhook(
          { headers: unsigned, rawBody: body },
          settingsFrom({ github: { allowUnauthenticated: true } }),
        ).type,
      ).toBe('push');
      expect(
        rejection(() =>
          parseGitWebhook(
            { headers: unsigned, rawBody: body },
            settingsFrom({
              github: { allowUnauthenticated: true, secret: SECRETS.github },
            }),
          ),
        ),
      ).toBeInstanceOf(AuthenticationError);
    });
  });

  describe('GitLab', () => {
    const body = fixture('gitlab-push.json');

    it('reads a push whose token matches', () => {
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: gitlabHeaders('Push Hook'), rawBody: body },
            signed,
          ),
        ),
      ).toEqual([
        {
          provider: 'gitlab',
          repoURLs: [
            'https://gitlab.acme.example/platform/platform-gitops.git',
            'git@gitlab.acme.example:platform/platform-gitops.git',
          ],
          ref: 'refs/heads/main',
          branch: 'main',
          defaultBranch: 'main',
          before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
          after: 'deadbeef0123456789abcdef0123456789abcdef',
          created: false,
          deleted: false,
          changedFiles: [
            'apps/billing/overlays/dev/kustomization.yaml',
            'apps/billing/base/networkpolicy.yaml',
            'apps/billing/base/kustomization.yaml',
          ],
        },
      ]);
    });

    it('refuses a wrong token and a missing one', () => {
      const wrong = rejection(() =>
        parseGitWebhook(
          {
            headers: gitlabHeaders('Push Hook', 'gl-token-81d4b8'),
            rawBody: body,
          },
          signed,
        ),
      );
      expect(wrong).toBeInstanceOf(AuthenticationError);
      expect(wrong.message).toBe(
        'GitLab webhook x-gitlab-token header does not match gitops.webhooks.gitlab.secret',
      );
      const missing = rejection(() =>
        parseGitWebhook(
          { headers: gitlabHeaders('Push Hook', null), rawBody: body },
          signed,
        ),
      );
      expect(missing).toBeInstanceOf(AuthenticationError);
      expect(missing.message).toMatch(/has no x-gitlab-token header/);
    });

    it('reads a tag push', () => {
      const tag = fixture('gitlab-tag-push.json');
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: gitlabHeaders('Tag Push Hook'), rawBody: tag },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          ref: 'refs/tags/release-2026.03',
          tag: 'release-2026.03',
          created: true,
          before: undefined,
          changedFiles: undefined,
        }),
      ]);
    });

    it('reads a branch deletion', () => {
      const deletion = Buffer.from(
        JSON.stringify({
          ...fixtureJson('gitlab-push.json'),
          ref: 'refs/heads/feature/billing-v3',
          after: '0000000000000000000000000000000000000000',
          checkout_sha: null,
          commits: [],
          total_commits_count: 0,
        }),
      );
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: gitlabHeaders('Push Hook'), rawBody: deletion },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          branch: 'feature/billing-v3',
          after: undefined,
          deleted: true,
          changedFiles: undefined,
        }),
      ]);
    });

    it('does not trust a commit list GitLab cut at 20', () => {
      const truncated = Buffer.from(
        JSON.stringify({
          ...fixtureJson('gitlab-push.json'),
          total_commits_count: 31,
        }),
      );
      const [push] = pushesOf(
        parseGitWebhook(
          { headers: gitlabHeaders('Push Hook'), rawBody: truncated },
          signed,
        ),
      );
      expect(push.changedFiles).toBeUndefined();
    });

    it('reads push system hooks and ignores the other system hooks', () => {
      const systemPush = Buffer.from(
        JSON.stringify({
          ...fixtureJson('gitlab-push.json'),
          object_kind: undefined,
        }),
      );
      expect(
        parseGitWebhook(
          { headers: gitlabHeaders('System Hook'), rawBody: systemPush },
          signed,
        ).type,
      ).toBe('push');
      const projectCreate = Buffer.from(
        JSON.stringify({ event_name: 'project_create', name: 'x' }),
      );
      expect(
        parseGitWebhook(
          { headers: gitlabHeaders('System Hook'), rawBody: projectCreate },
          signed,
        ),
      ).toEqual(
        expect.objectContaining({
          type: 'ignored',
          event: 'System Hook (project_create)',
        }),
      );
    });

    it('ignores merge request events', () => {
      expect(
        parseGitWebhook(
          {
            headers: gitlabHeaders('Merge Request Hook'),
            rawBody: Buffer.from('{}'),
          },
          signed,
        ),
      ).toEqual(
        expect.objectContaining({
          type: 'ignored',
          event: 'Merge Request Hook',
        }),
      );
    });

    it('refuses an unparseable body', () => {
      expect(
        rejection(() =>
          parseGitWebhook(
            {
              headers: gitlabHeaders('Push Hook'),
              rawBody: Buffer.from('ref=main'),
            },
            signed,
          ),
        ),
      ).toBeInstanceOf(InputError);
    });
  });

  describe('Gitea', () => {
    const body = fixture('gitea-push.json');

    it('reads a signed push, though the request also carries GitHub headers', () => {
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: giteaHeaders('push', body), rawBody: body },
            signed,
          ),
        ),
      ).toEqual([
        {
          provider: 'gitea',
          repoURLs: [
            'https://git.acme.example/platform/platform-gitops.git',
            'ssh://git@git.acme.example:2222/platform/platform-gitops.git',
          ],
          ref: 'refs/heads/main',
          branch: 'main',
          defaultBranch: 'main',
          before: '7a1f3c5e9b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a',
          after: '3e1b9a6c2d4f8e0a7b5c9d1e3f5a7b9c1d3e5f70',
          created: false,
          deleted: false,
          changedFiles: ['apps/catalog/overlays/dev/database.env'],
        },
      ]);
    });

    it('refuses a bad signature and a missing one', () => {
      expect(
        rejection(() =>
          parseGitWebhook(
            { headers: giteaHeaders('push', body, 'not-it'), rawBody: body },
            signed,
          ),
        ),
      ).toBeInstanceOf(AuthenticationError);
      // Gitea sends an empty signature header when the webhook has no secret.
      const missing = rejection(() =>
        parseGitWebhook(
          { headers: giteaHeaders('push', body, null), rawBody: body },
          signed,
        ),
      );
      expect(missing).toBeInstanceOf(AuthenticationError);
      expect(missing.message).toMatch(/has no x-gitea-signature header/);
    });

    it('reads a branch deletion, which Gitea reports as a delete event', () => {
      const deletion = fixture('gitea-delete.json');
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: giteaHeaders('delete', deletion), rawBody: deletion },
            signed,
          ),
        ),
      ).toEqual([
        {
          provider: 'gitea',
          repoURLs: [
            'https://git.acme.example/platform/platform-gitops.git',
            'ssh://git@git.acme.example:2222/platform/platform-gitops.git',
          ],
          ref: 'refs/heads/feature/catalog-search',
          branch: 'feature/catalog-search',
          defaultBranch: 'main',
          created: false,
          deleted: true,
        },
      ]);
    });

    it('reads a tag push', () => {
      const tag = Buffer.from(
        JSON.stringify({
          ...fixtureJson('gitea-push.json'),
          ref: 'refs/tags/v0.9.0',
          before: '0000000000000000000000000000000000000000',
          commits: [],
          total_commits: 0,
        }),
      );
      expect(
        pushesOf(
          parseGitWebhook(
            { headers: giteaHeaders('push', tag), rawBody: tag },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          tag: 'v0.9.0',
          created: true,
          changedFiles: undefined,
        }),
      ]);
    });

    it.each([
      ['more commits than listed', { total_commits: 12 }],
      ['no total (Gitea before 1.18)', { total_commits: undefined }],
    ])('does not trust the file list with %s', (_case, change) => {
      const payload = Buffer.from(
        JSON.stringify({ ...fixtureJson('gitea-push.json'), ...change }),
      );
      const [push] = pushesOf(
        parseGitWebhook(
          { headers: giteaHeaders('push', payload), rawBody: payload },
          signed,
        ),
      );
      expect(push.changedFiles).toBeUndefined();
    });

    it('ignores other events', () => {
      const issue = Buffer.from('{"action":"opened"}');
      expect(
        parseGitWebhook(
          { headers: giteaHeaders('issues', issue), rawBody: issue },
          signed,
        ).type,
      ).toBe('ignored');
    });
  });

  describe('Bitbucket Cloud', () => {
    const body = fixture('bitbucket-cloud-push.json');

    it('reads a push signed with the webhook secret', () => {
      expect(
        pushesOf(
          parseGitWebhook(
            {
              headers: bitbucketCloudHeaders('repo:push', body),
              rawBody: body,
            },
            signed,
          ),
        ),
      ).toEqual([
        {
          provider: 'bitbucket',
          repoURLs: ['https://bitbucket.org/acme-platform/platform-gitops'],
          ref: 'refs/heads/main',
          branch: 'main',
          before: '61d0f3a8c5e2b9d4f7a0c3e6b9d2f5a8c1e4b7d0',
          after: 'b7e4c1a9d2f5086c3e9a1b4d7f0c2e5a8b1d4f70',
          created: false,
          deleted: false,
        },
      ]);
    });

    it('refuses a bad signature', () => {
      expect(
        rejection(() =>
          parseGitWebhook(
            {
              headers: bitbucketCloudHeaders('repo:push', body, 'nope'),
              rawBody: body,
            },
            signed,
          ),
        ),
      ).toBeInstanceOf(AuthenticationError);
    });

    it('checks the hook UUID as Argo CD does, with or without braces', () => {
      const byUuid = settingsFrom({ bitbucket: { uuid: BITBUCKET_HOOK_UUID } });
      const unsigned = bitbucketCloudHeaders('repo:push', body, null);
      expect(
        parseGitWebhook({ headers: unsigned, rawBody: body }, byUuid).type,
      ).toBe('push');
      const error = rejection(() =>
        parseGitWebhook(
          {
            headers: {
              ...unsigned,
              'x-hook-uuid': '8c1e6f2a-3b4d-4e5f-9a0b-1c2d3e4f5a6c',
            },
            rawBody: body,
          },
          byUuid,
        ),
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe(
        'Bitbucket Cloud webhook x-hook-uuid header does not match gitops.webhooks.bitbucket.uuid',
      );
    });

    it('reads every ref of a push that creates a tag and deletes a branch', () => {
      const multi = fixture('bitbucket-cloud-push-tag-and-deletion.json');
      expect(
        pushesOf(
          parseGitWebhook(
            {
              headers: bitbucketCloudHeaders('repo:push', multi),
              rawBody: multi,
            },
            signed,
          ),
        ),
      ).toEqual([
        expect.objectContaining({
          ref: 'refs/tags/v3.2.0',
          tag: 'v3.2.0',
          created: true,
          before: undefined,
          after: 'b7e4c1a9d2f5086c3e9a1b4d7f0c2e5a8b1d4f70',
        }),
        expect.objectContaining({
          ref: 'refs/heads/feature/gateway-h2',
          branch: 'feature/gateway-h2',
          deleted: true,
          after: undefined,
        }),
      ]);
    });

    it('ignores pull request events', () => {
      expect(
        parseGitWebhook(
          {
            headers: bitbucketCloudHeaders('pullrequest:created', body),
            rawBody: body,
          },
          signed,
        ).type,
      ).toBe('ignored');
    });
  });

  describe('Bitbucket Server', () => {
    const body = fixture('bitbucket-server-refs-changed.json');

    it('reads each changed ref, with the ssh and http clone URLs', () => {
      const repoURLs = [
        'ssh://git@bitbucket.acme.example:7999/plat/platform-gitops.git',
        'https://bitbucket.acme.example/scm/plat/platform-gitops.git',
      ];
      expect(
        pushesOf(
          parseGitWebhook(
            {
              headers: bitbucketServerHeaders('repo:refs_changed', body),
              rawBody: body,
            },
            signed,
          ),
        ),
      ).toEqual([
        {
          provider: 'bitbucketServer',
          repoURLs,
          ref: 'refs/heads/master',
          branch: 'master',
          before: 'ecddabb624f6f5ba43816f5926e580a5f680a932',
          after: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
          created: false,
          deleted: false,
        },
        {
          provider: 'bitbucketServer',
          repoURLs,
          ref: 'refs/tags/2026.03.1',
          tag: '2026.03.1',
          before: undefined,
          after: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
          created: true,
          deleted: false,
        },
        {
          provider: 'bitbucketServer',
          repoURLs,
          ref: 'refs/heads/hotfix/ingress-timeout',
          branch: 'hotfix/ingress-timeout',
          before: 'a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2',
          after: undefined,
          created: false,
          deleted: true,
        },
      ]);
    });

    it('answers the diagnostics ping', () => {
      const ping = fixture('bitbucket-server-ping.json');
      expect(
        parseGitWebhook(
          {
            headers: bitbucketServerHeaders('diagnostics:ping', ping),
            rawBody: ping,
          },
          signed,
        ),
      ).toEqual({ type: 'ping', provider: 'bitbucketServer', repoURLs: [] });
    });

    it('refuses a bad signature and a missing one', () => {
      for (const secret of ['wrong', null]) {
        expect(
          rejection(() =>
            parseGitWebhook(
              {
                headers: bitbucketServerHeaders(
                  'repo:refs_changed',
                  body,
                  secret,
                ),
                rawBody: body,
              },
              signed,
            ),
          ),
        ).toBeInstanceOf(AuthenticationError);
      }
    });

    it('ignores a push whose payload names no clone URL', () => {
      const payload = fixtureJson('bitbucket-server-refs-changed.json');
      delete payload.repository.links;
      const bare = Buffer.from(JSON.stringify(payload));
      expect(
        parseGitWebhook(
          {
            headers: bitbucketServerHeaders('repo:refs_changed', bare),
            rawBody: bare,
          },
          signed,
        ),
      ).toEqual(
        expect.objectContaining({
          type: 'ignored',
          reason:
            'the payload names no repository URL Driftless can match (https, http or ssh)',
        }),
      );
    });

    it('ignores pull request events', () => {
      expect(
        parseGitWebhook(
          { headers: bitbucketServerHeaders('pr:opened', body), rawBody: body },
          signed,
        ).type,
      ).toBe('ignored');
    });
  });

  it('refuses a request from no known Git host', () => {
    const error = rejection(() =>
      parseGitWebhook(
        {
          headers: { 'content-type': 'application/json' },
          rawBody: Buffer.from('{}'),
        },
        signed,
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Not a Git push webhook/);
  });

  it('refuses Gogs, whose headers resemble Gitea’s', () => {
    expect(
      rejection(() =>
        parseGitWebhook(
          {
            headers: { 'x-gogs-event': 'push', 'x-github-event': 'push' },
            rawBody: Buffer.from('{}'),
          },
          signed,
        ),
      ).message,
    ).toMatch(/^Gogs webhooks are not supported/);
  });
});
