import type { Renderer } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import {
  connectSecondClient,
  createTestDatabases,
} from '../../__testUtils__/databases';
import type { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import type { OperationRunner } from './OperationRunner';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';
import {
  ControllerTestEnv,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

interface Interval {
  replica: string;
  app: string;
  what: 'reconcile' | 'sync';
  start: number;
  end: number;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Records when each replica works on each app (renders happen under the app's lease), and slows it down to widen the window. */
function recordingRenderer(
  replica: string,
  renderer: Renderer,
  intervals: Interval[],
): Renderer {
  return {
    async render(request) {
      const start = Date.now();
      await sleep(30);
      const result = await renderer.render(request);
      intervals.push({
        replica,
        app: request.appName,
        what: 'reconcile',
        start,
        end: Date.now(),
      });
      return result;
    },
  };
}

function recordingRunner(
  replica: string,
  runner: OperationRunner,
  intervals: Interval[],
): OperationRunner {
  return {
    async run(operation, context) {
      const start = Date.now();
      const outcome = await runner.run(operation, context);
      intervals.push({
        replica,
        app: operation.name,
        what: 'sync',
        start,
        end: Date.now(),
      });
      return outcome;
    },
  };
}

function overlaps(intervals: Interval[]): string[] {
  const found: string[] = [];
  for (const a of intervals) {
    for (const b of intervals) {
      if (
        a.replica < b.replica &&
        a.app === b.app &&
        a.start < b.end &&
        b.start < a.end
      ) {
        found.push(
          `${a.app}: ${a.replica} ${a.what} [${a.start}, ${a.end}] and ${b.replica} ${b.what} [${b.start}, ${b.end}]`,
        );
      }
    }
  }
  return found;
}

const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

describeOnPostgres(
  'two ApplicationControllers on one PostgreSQL database',
  () => {
    let env: ControllerTestEnv;
    let second: Knex | undefined;

    beforeAll(async () => {
      env = await ControllerTestEnv.start();
    });
    afterAll(async () => {
      await env.stop();
      await second?.destroy();
    });

    it('never work on the same app at the same time', async () => {
      const [[databaseId]] = postgres;
      const first = await databases.init(databaseId);
      second = connectSecondClient(first);
      const storeA = await env.store(first);
      const storeB: DatabaseGitOpsStore = await env.store(second);

      const repo = await TestGitRepo.create(env.dir, 'replicas');
      await repo.commit('apps', kustomizeAppFiles('shop'));
      const names = ['a', 'b', 'c', 'd', 'e', 'f'].map(
        letter => `replica-${letter}`,
      );
      for (const [index, name] of names.entries()) {
        await storeA.upsertApplication({
          application: {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Application',
            metadata: { name, namespace: 'argocd' },
            spec: {
              project: 'default',
              source: {
                repoURL: repo.url,
                targetRevision: 'main',
                path: 'apps/shop/overlays/dev',
              },
              destination: { name: 'in-cluster', namespace: name },
              // Half sync by themselves, so syncs overlap with refreshes too.
              ...(index % 2 === 0
                ? {
                    syncPolicy: {
                      automated: { prune: true },
                      syncOptions: ['CreateNamespace=true'],
                    },
                  }
                : {}),
            },
          },
          origin: 'api',
        });
      }

      const intervals: Interval[] = [];
      const replica = (name: string, store: DatabaseGitOpsStore) =>
        env.controller(store, {
          name,
          wrapRenderer: renderer =>
            recordingRenderer(name, renderer, intervals),
          operationRunner: recordingRunner(
            name,
            new SyncEngineOperationRunner({
              waveDelayMs: 50,
              stepIntervalMs: 25,
            }),
            intervals,
          ),
        });
      const a = replica('replica-1', storeA);
      const b = replica('replica-2', storeB);
      await Promise.all([a.start(), b.start()]);

      for (let round = 0; round < 3; round++) {
        await Promise.all(
          names.flatMap(name => [
            a.refresh({ namespace: 'argocd', name }, { hard: round === 1 }),
            b.refresh({ namespace: 'argocd', name }, { hard: false }),
          ]),
        );
      }
      for (const name of names.filter((_, index) => index % 2 === 0)) {
        await eventually(async () => {
          const app = await storeA.getApplication({
            namespace: 'argocd',
            name,
          });
          return (
            app?.status?.syncStatus === 'Synced' &&
            !(await storeA.getCurrentOperation({ namespace: 'argocd', name }))
          );
        }, `${name} to be synced by one of the replicas`);
      }

      expect(overlaps(intervals)).toEqual([]);
      // Both replicas worked, on the same apps, just never at once.
      const byReplica = (r: string) =>
        new Set(intervals.filter(i => i.replica === r).map(i => i.app));
      expect(byReplica('replica-1').size).toBeGreaterThan(0);
      expect(byReplica('replica-2').size).toBeGreaterThan(0);
      const syncs = intervals.filter(interval => interval.what === 'sync');
      expect(new Set(syncs.map(sync => sync.app))).toEqual(
        new Set(names.filter((_, index) => index % 2 === 0)),
      );
      // Each automated app synced once: the database refuses a second operation.
      for (const name of names) {
        const events = await storeA.listEvents({ namespace: 'argocd', name });
        expect(
          events.filter(event => event.reason === 'OperationCompleted').length,
        ).toBe(
          name.endsWith('a') || name.endsWith('c') || name.endsWith('e')
            ? 1
            : 0,
        );
      }
    });
  },
);
