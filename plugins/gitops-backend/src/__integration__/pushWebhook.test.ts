import { join } from 'node:path';
import {
  applicationYaml,
  git,
  TestGitRepo,
} from '../services/controller/__testUtils__/controllerTestEnv';
import {
  githubPushPayload,
  postGitHubWebhook,
} from './__testUtils__/githubWebhook';
import {
  directoryAppFiles,
  IntegrationEnv,
} from './__testUtils__/integrationEnv';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'it-webhook-secret';
/**
 * "Within seconds", generously: it takes well under a second on the 2-core
 * test machine. The speed itself is measured by the benchmark (yarn bench).
 */
const PUSH_TO_SYNCED_DEADLINE_MS = 20_000;

/**
 * A signed GitHub push webhook, posted to a backend process with periodic
 * refresh turned off, is the only thing that tells it about a new commit:
 * the changed app is synced to it within seconds.
 */
describe('a push webhook to a backend process', () => {
  let env: IntegrationEnv;

  beforeAll(async () => {
    env = await IntegrationEnv.start('webhook');
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('makes the changed app Synced at the pushed commit within seconds', async () => {
    const repo = await TestGitRepo.create(env.dir, 'platform');
    const first = await repo.commit('platform', {
      ...directoryAppFiles('apps/web', 'web', 'one'),
      'bootstrap/web.yaml': applicationYaml({
        name: 'web',
        namespace: 'argocd',
        repoURL: repo.url,
        path: 'apps/web',
        syncPolicy: [
          '    automated: {prune: true, selfHeal: true}',
          '    syncOptions: [CreateNamespace=true]',
        ].join('\n'),
      }),
    });
    const backend = await env.backend('backend', {
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(env.dir, 'sqlite') },
        },
      },
      gitops: {
        clusters: env.clustersConfig(),
        applications: [{ repoURL: repo.url, path: 'bootstrap' }],
        webhooks: { github: { secret: WEBHOOK_SECRET } },
        controller: {
          cacheDirectory: join(env.dir, 'cache'),
          // No periodic refresh: only the webhook can bring the new commit.
          reconciliationPeriod: '0s',
          reconciliationJitter: '0s',
        },
      },
    });
    await env.waitFor(
      'the app from the platform repository to be synced',
      async () => {
        const app = await backend.application('argocd', 'web');
        return (
          app?.status?.sync?.status === 'Synced' &&
          app.status.sync.revision === first &&
          app.status.operationState?.phase === 'Succeeded'
        );
      },
      60_000,
    );

    const second = await repo.commit(
      'change the settings',
      directoryAppFiles('apps/web', 'web', 'two'),
    );
    expect(await git(repo.work, 'rev-parse', 'HEAD~1')).toBe(first);
    const payload = githubPushPayload({
      repoURL: repo.url,
      before: first,
      after: second,
      modified: ['apps/web/configmap.yaml', 'apps/web/deployment.yaml'],
    });

    // A payload signed with another secret is refused.
    const forged = await postGitHubWebhook(backend, payload, 'not-the-secret');
    expect(forged.status).toBe(401);

    const postedAt = Date.now();
    const accepted = await postGitHubWebhook(backend, payload, WEBHOOK_SECRET);
    expect(accepted).toEqual({
      status: 202,
      body: {
        type: 'push',
        provider: 'github',
        applications: [{ namespace: 'argocd', name: 'web' }],
      },
    });
    const synced = await env.waitFor(
      'the app to be synced to the pushed commit',
      async () => {
        const app = await backend.application('argocd', 'web');
        return app?.status?.sync?.status === 'Synced' &&
          app.status.sync.revision === second &&
          app.status.operationState?.phase === 'Succeeded' &&
          app.status.operationState.syncResult?.revision === second
          ? app
          : undefined;
      },
      PUSH_TO_SYNCED_DEADLINE_MS,
    );
    // eslint-disable-next-line no-console
    console.log(`push webhook to Synced: ${Date.now() - postedAt} ms`);

    expect(synced.status.history.map((entry: any) => entry.revision)).toEqual([
      first,
      second,
    ]);
    expect(
      env
        .objects('ConfigMap', 'web')
        .find(object => object.metadata.name === 'web-settings')?.data,
    ).toEqual({ value: 'two' });
  });
});
