import { join } from 'node:path';
import { TestGitRepo } from '../services/controller/__testUtils__/controllerTestEnv';
import {
  applicationManifest,
  directoryAppFiles,
  hookJobYaml,
  IntegrationEnv,
  type LiveObject,
} from './__testUtils__/integrationEnv';

jest.setTimeout(240_000);

/** How long the PostSync hook's pod runs: long enough to still run after the restart, usually. */
const HOOK_RUN_MS = 15_000;

/**
 * The backend is SIGKILLed while a sync waits for its PostSync hook Job; a
 * new process on the same SQLite database takes the operation over once the
 * dead process's lease expires and finishes it, following the Job the dead
 * process created instead of creating another.
 */
describe('a backend process killed during a sync', () => {
  let env: IntegrationEnv;

  beforeAll(async () => {
    env = await IntegrationEnv.start('kill');
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('finishes the operation in the next process, with exactly one hook Job', async () => {
    const repo = await TestGitRepo.create(env.dir, 'apps');
    const sha = await repo.commit('app with a slow PostSync hook', {
      ...directoryAppFiles('apps/resume', 'resume'),
      'apps/resume/migrate.yaml': hookJobYaml({
        generateName: 'migrate-',
        hook: 'PostSync',
        runMs: HOOK_RUN_MS,
      }),
    });
    // Both processes read the same config: the same SQLite files and Git cache.
    const config = {
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(env.dir, 'sqlite') },
        },
      },
      gitops: {
        clusters: env.clustersConfig(),
        controller: {
          cacheDirectory: join(env.dir, 'cache'),
          // A short lease, so the dead process's hold on the app expires soon.
          leaseTtl: '3s',
          reconciliationJitter: '1s',
        },
      },
    };

    const first = await env.backend('first', config);
    const created = await first.request(
      'POST',
      '/applications',
      applicationManifest({
        name: 'resume',
        repoURL: repo.url,
        path: 'apps/resume',
      }),
    );
    expect(created.status).toBe(201);
    await env.waitFor(
      'the new app to be compared (OutOfSync)',
      async () =>
        (await first.application('argocd', 'resume'))?.status?.sync?.status ===
        'OutOfSync',
      60_000,
    );
    const sync = await first.request(
      'POST',
      '/applications/argocd/resume/sync',
      {},
    );
    expect(sync.status).toBe(200);

    // The operation runs and has created the hook, which is still running.
    const hook = await env.waitFor(
      'the sync to be Running with its PostSync hook Job created',
      async () => {
        const app = await first.application('argocd', 'resume');
        const jobs = env
          .objects('Job', 'resume')
          .filter(job => job.metadata.name.startsWith('migrate-'));
        return app?.status?.operationState?.phase === 'Running' &&
          jobs.length === 1
          ? jobs[0]
          : undefined;
      },
      60_000,
    );
    expect(hook.status?.succeeded).toBeUndefined();
    await first.kill();
    const killedAt = Date.now();

    const second = await env.backend('second', config);
    const hookAtRestart = env
      .objects('Job', 'resume')
      .find(job => job.metadata.uid === hook.metadata.uid);
    // eslint-disable-next-line no-console
    console.log(
      `second backend answered ${
        Date.now() - killedAt
      } ms after the SIGKILL; the hook Job was then ${
        hookAtRestart?.status?.succeeded ? 'complete' : 'still running'
      }`,
    );
    const finished = await env.waitFor(
      'the second process to finish the operation',
      async () => {
        const app = await second.application('argocd', 'resume');
        const phase = app?.status?.operationState?.phase;
        return phase && phase !== 'Running' ? app : undefined;
      },
      90_000,
    );

    expect(finished.status.operationState).toMatchObject({
      phase: 'Succeeded',
      syncResult: { revision: sha },
    });
    expect(
      Date.parse(finished.status.operationState.finishedAt),
    ).toBeGreaterThan(killedAt - 1000);
    // The hook the first process created is the one that ran: not deleted and created again.
    const jobs: LiveObject[] = env
      .objects('Job', 'resume')
      .filter(job => job.metadata.name.startsWith('migrate-'));
    expect(jobs.map(job => job.metadata.uid)).toEqual([hook.metadata.uid]);
    expect(jobs[0].status?.succeeded).toBe(1);
    expect(env.objects('Pod', 'resume').filter(isHookPod)).toHaveLength(1);

    const synced = await env.waitFor(
      'the app to be Synced',
      async () => {
        const app = await second.application('argocd', 'resume');
        return app?.status?.sync?.status === 'Synced' ? app : undefined;
      },
      30_000,
    );
    expect(synced.status.history).toEqual([
      expect.objectContaining({ revision: sha }),
    ]);
    expect(synced.status.health.status).toBe('Healthy');
  });
});

function isHookPod(pod: LiveObject): boolean {
  return pod.metadata.name.startsWith('migrate-');
}
