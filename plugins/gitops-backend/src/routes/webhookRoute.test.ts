import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  createTestApi,
  testApplication,
  type TestApi,
} from './__testUtils__/testApi';

const GITHUB_SECRET = 'gh-route-test-3f9a1c';
const FIXTURES = join(__dirname, '..', 'services', 'webhooks', '__fixtures__');

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

function githubSignature(body: Buffer, secret = GITHUB_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function postGithub(
  api: TestApi,
  event: string,
  body: Buffer,
  signature = githubSignature(body),
) {
  return (
    request(api.app)
      .post('/api/gitops/webhook')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', event)
      .set('X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958')
      .set('X-Hub-Signature-256', signature)
      // A string goes out byte for byte; superagent would JSON-encode a Buffer.
      .send(body.toString('utf8'))
  );
}

async function webhookApi(options: { controller?: false } = {}) {
  const api = await createTestApi({
    ...options,
    webhooks: { github: { secret: GITHUB_SECRET } },
  });
  await api.addApplications([
    testApplication('shop', {
      repoURL: 'https://github.com/acme/platform-gitops.git',
      path: 'apps/shop/overlays/prod',
    }),
    testApplication('billing', {
      repoURL: 'git@github.com:acme/billing.git',
    }),
  ]);
  return api;
}

describe('POST /webhook', () => {
  it('verifies a signed GitHub push over its exact bytes and refreshes the apps it concerns', async () => {
    const api = await webhookApi();
    const body = fixture('github-push.json');

    const response = await postGithub(api, 'push', body);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      type: 'push',
      provider: 'github',
      applications: [{ namespace: 'argocd', name: 'shop' }],
    });
    const [[pushes]] = api.controller.callsOf('handlePush');
    expect(pushes).toEqual([
      expect.objectContaining({
        provider: 'github',
        ref: 'refs/heads/main',
        branch: 'main',
        repoURLs: expect.arrayContaining([
          'https://github.com/acme/platform-gitops.git',
        ]),
      }),
    ]);
    expect(api.auditor.records.map(r => [r.eventId, r.status])).toEqual([
      ['webhook-push', 'initiated'],
      ['webhook-push', 'succeeded'],
    ]);
    expect(api.auditor.records[0].meta).toEqual({
      provider: 'github',
      refs: ['refs/heads/main'],
      repositories: expect.arrayContaining([
        'https://github.com/acme/platform-gitops.git',
      ]),
    });
  });

  it('refuses a wrong or missing signature with 401 and refreshes nothing', async () => {
    const api = await webhookApi();
    const body = fixture('github-push.json');

    const forged = await postGithub(
      api,
      'push',
      body,
      githubSignature(body, 'not-the-secret'),
    );
    // The same JSON re-serialized: equal content, other bytes, so another HMAC.
    const reformatted = Buffer.from(
      JSON.stringify(JSON.parse(body.toString())),
    );
    const reserialized = await postGithub(
      api,
      'push',
      reformatted,
      githubSignature(body),
    );

    const unsigned = await request(api.app)
      .post('/api/gitops/webhook')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .send(body.toString('utf8'));

    for (const response of [forged, reserialized, unsigned]) {
      expect(response.status).toBe(401);
      expect(response.body.error.name).toBe('AuthenticationError');
      expect(response.text).not.toContain(GITHUB_SECRET);
    }
    expect(api.controller.calls).toEqual([]);
  });

  it('answers 200 to a ping and to events that refresh nothing, with the reason', async () => {
    const api = await webhookApi();
    const ping = await postGithub(api, 'ping', fixture('github-ping.json'));
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({
      type: 'ping',
      provider: 'github',
      message:
        'GitHub webhook verified; push events will refresh the applications that use the pushed branch or tag',
    });

    const issue = Buffer.from('{"action":"opened"}');
    const ignored = await postGithub(api, 'issues', issue);
    expect(ignored.status).toBe(200);
    expect(ignored.body).toEqual({
      type: 'ignored',
      provider: 'github',
      event: 'issues',
      reason:
        "GitHub 'issues' events do not refresh applications; send push events",
    });
    expect(api.controller.calls).toEqual([]);
  });

  it('refuses a provider without a configured secret (403) and requests from no known Git host (400)', async () => {
    const api = await webhookApi();
    const gitlab = await request(api.app)
      .post('/api/gitops/webhook')
      .set('Content-Type', 'application/json')
      .set('X-Gitlab-Event', 'Push Hook')
      .send(fixture('gitlab-push.json').toString('utf8'));
    expect(gitlab.status).toBe(403);
    expect(gitlab.body.error.name).toBe('NotAllowedError');

    const unknown = await request(api.app)
      .post('/api/gitops/webhook')
      .send({ hello: 'world' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^Not a Git push webhook/);
  });

  it('verifies pings without a controller, and answers 503 to pushes', async () => {
    const api = await webhookApi({ controller: false });
    expect(
      (await postGithub(api, 'ping', fixture('github-ping.json'))).status,
    ).toBe(200);
    const push = await postGithub(api, 'push', fixture('github-push.json'));
    expect(push.status).toBe(503);
    expect(push.body.error.name).toBe('ServiceUnavailableError');
  });
});
