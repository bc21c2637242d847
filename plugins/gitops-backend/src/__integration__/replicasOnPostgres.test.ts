import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import {
  createTestDatabases,
  SUPPORTED_DATABASE_IDS,
} from '../__testUtils__/databases';
import { TestGitRepo } from '../services/controller/__testUtils__/controllerTestEnv';
import type { BackendProcess } from './__testUtils__/backendProcess';
import {
  applicationManifest,
  directoryAppFiles,
  hookJobYaml,
  IntegrationEnv,
} from './__testUtils__/integrationEnv';
import {
  RecordingProxy,
  type RecordedRequest,
} from './__testUtils__/recordingProxy';

jest.setTimeout(300_000);

// Fails the file when DRIFTLESS_REQUIRE_POSTGRES is set and there is no server.
const databases = createTestDatabases();
const postgresId = SUPPORTED_DATABASE_IDS.find(id =>
  id.startsWith('POSTGRES'),
)!;
const connectionVariable = `BACKSTAGE_TEST_DATABASE_${postgresId.replace(
  '_',
  '',
)}_CONNECTION_STRING`;
const connectionString = databases.supports(postgresId)
  ? process.env[connectionVariable]
  : undefined;

const APPS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(
  letter => `replica-${letter}`,
);

interface OperationRow {
  id: string;
  namespace: string;
  name: string;
  phase: string;
  holder: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

function appFiles(name: string, value: string): Record<string, string> {
  return {
    ...directoryAppFiles(`apps/${name}`, name, value),
    // Hooks make each sync last a while, so the replicas have time to collide.
    [`apps/${name}/pre.yaml`]: hookJobYaml({
      generateName: 'pre-',
      hook: 'PreSync',
      runMs: 400,
    }),
    [`apps/${name}/post.yaml`]: hookJobYaml({
      generateName: 'post-',
      hook: 'PostSync',
      runMs: 200,
    }),
  };
}

/** The app namespace a cluster request writes to, for writes that change something (not dry runs, not reads). */
function writtenNamespace(request: RecordedRequest): string | undefined {
  if (request.method === 'GET') return undefined;
  const url = new URL(request.url, 'http://cluster');
  if (url.searchParams.get('dryRun')) return undefined;
  const match = /\/namespaces\/([^/]+)/.exec(url.pathname);
  return match?.[1];
}

/**
 * Two GitOps backend processes on one PostgreSQL database, each reaching
 * kube-sim through its own recording proxy so every cluster write is
 * attributed to the process that sent it. Both are asked to refresh every
 * app at once, twice (the second time after a new commit), and both scan
 * for work every 2 s.
 */
describe('two backend processes on one PostgreSQL database', () => {
  if (!connectionString) {
    // Jest prints no reason for a skip: the skipped test's name carries it.
    // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect
    it.skip(`(skipped: no PostgreSQL server; set ${connectionVariable}, as npm test does)`, () => {});
    return;
  }

  let env: IntegrationEnv;
  let admin: Knex;
  let database: Knex | undefined;
  const databaseName = `driftless_it_${randomBytes(6).toString('hex')}`;
  const proxies: RecordingProxy[] = [];

  beforeAll(async () => {
    env = await IntegrationEnv.start('replicas');
    admin = knexFactory({ client: 'pg', connection: connectionString });
    await admin.raw('CREATE DATABASE ??', [databaseName]);
  });
  afterAll(async () => {
    await env?.stop();
    await Promise.all(proxies.map(proxy => proxy.stop()));
    await database?.destroy();
    await admin?.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [databaseName]);
    await admin?.destroy();
  });

  it('never sync the same app at once, and both serve the API', async () => {
    const repo = await TestGitRepo.create(env.dir, 'apps');
    const firstCommit = await repo.commit(
      'apps',
      Object.assign({}, ...APPS.map(name => appFiles(name, 'one'))),
    );

    const replica = async (name: string): Promise<BackendProcess> => {
      const proxy = await RecordingProxy.start({
        name,
        target: env.sim.url,
        ca: env.sim.caCertificate!,
      });
      proxies.push(proxy);
      return env.backend(name, {
        backend: {
          database: {
            client: 'pg',
            connection: connectionString,
            ensureExists: false,
            plugin: { gitops: { connection: { database: databaseName } } },
          },
        },
        gitops: {
          clusters: [
            {
              name: 'in-cluster',
              url: proxy.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: env.sim.token,
              // The proxy speaks plain HTTP to the backend.
              skipTLSVerify: true,
            },
          ],
          controller: {
            cacheDirectory: join(env.dir, `cache-${name}`),
            leaseTtl: '3s',
            reconciliationPeriod: '2s',
            reconciliationJitter: '1s',
          },
        },
      });
    };
    const [one, two] = await Promise.all([
      replica('replica-1'),
      replica('replica-2'),
    ]);
    const replicas = [one, two];

    // Half the apps are created through each process; both are then asked to refresh every app.
    for (const [index, name] of APPS.entries()) {
      const created = await replicas[index % 2].request(
        'POST',
        '/applications',
        applicationManifest({
          name,
          repoURL: repo.url,
          path: `apps/${name}`,
          automated: true,
        }),
      );
      expect(created.status).toBe(201);
    }
    const time = (value: Date | string | null) =>
      value === null ? Infinity : new Date(value).getTime();
    const refreshEverywhere = () =>
      Promise.all(
        APPS.flatMap(name =>
          replicas.map(async backend => {
            const response = await backend.request(
              'POST',
              `/applications/argocd/${name}/refresh`,
            );
            expect([200, 409]).toContain(response.status);
          }),
        ),
      );
    const allSyncedAt = (revision: string) =>
      env.waitFor(
        `every app to be synced to ${revision.slice(0, 7)}`,
        async () => {
          for (const name of APPS) {
            // Read through the process that did not create the app.
            const app = await replicas[
              (APPS.indexOf(name) + 1) % 2
            ].application('argocd', name);
            if (
              app?.status?.sync?.status !== 'Synced' ||
              app.status.sync.revision !== revision ||
              app.status.operationState?.phase !== 'Succeeded' ||
              app.status.operationState.syncResult?.revision !== revision
            ) {
              return false;
            }
          }
          return true;
        },
        120_000,
      );

    // The store keeps only an app's last finished operation, so the
    // operations table is sampled all along: a second sync of an app in a
    // round shows up as a third operation. (Each sync runs two hook Jobs,
    // so it lasts far longer than a sampling interval.)
    const url = new URL(connectionString!);
    url.pathname = `/${databaseName}`;
    database = knexFactory({ client: 'pg', connection: url.href });
    const seen = new Map<string, OperationRow>();
    // Who held each operation when: a replica that stalls past its lease
    // hands a running operation over, and the other resumes it.
    const holders = new Map<
      string,
      Array<{ at: number; holder: string | null }>
    >();
    const sampleOperations = async () => {
      const sampledAt = Date.now();
      const rows: OperationRow[] = await database!('operations').select(
        'id',
        'namespace',
        'name',
        'phase',
        'holder',
        'created_at',
        'finished_at',
      );
      for (const row of rows) {
        seen.set(row.id, row);
        const history = holders.get(row.id) ?? [];
        if (history.at(-1)?.holder !== row.holder) {
          history.push({ at: sampledAt, holder: row.holder });
        }
        holders.set(row.id, history);
      }
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sampleOperations();
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    })();

    await refreshEverywhere();
    await allSyncedAt(firstCommit);

    const secondCommit = await repo.commit(
      'change every app',
      Object.assign({}, ...APPS.map(name => appFiles(name, 'two'))),
    );
    await refreshEverywhere();
    await allSyncedAt(secondCommit);
    sampling = false;
    await sampler;
    await sampleOperations();

    // --- The store: one operation per app and round, each succeeded.
    const operations = [...seen.values()].sort(
      (a, b) => time(a.created_at) - time(b.created_at),
    );
    for (const name of APPS) {
      const ofApp = operations.filter(operation => operation.name === name);
      expect(ofApp.map(operation => operation.phase)).toEqual([
        'Succeeded',
        'Succeeded',
      ]);
      expect(time(ofApp[0].finished_at)).toBeLessThanOrEqual(
        time(ofApp[1].created_at),
      );
    }
    const replicaOf = (holder: string | null) =>
      replicas.find(backend => holder?.includes(`-${backend.pid}-`))?.name;
    expect(
      operations.map(operation => replicaOf(operation.holder)),
    ).not.toContain(undefined);

    // --- The cluster: every change to an app's namespace came from the
    // process holding that app's running operation, while it ran.
    const writes = proxies
      .flatMap(proxy => proxy.requests)
      .map(request => ({ request, namespace: writtenNamespace(request) }))
      .filter(
        (write): write is { request: RecordedRequest; namespace: string } =>
          write.namespace !== undefined && APPS.includes(write.namespace),
      );
    expect(writes.length).toBeGreaterThan(APPS.length * 2 * 4);
    const misplaced: string[] = [];
    for (const { request, namespace } of writes) {
      const operation = operations.find(
        candidate =>
          candidate.name === namespace &&
          time(candidate.created_at) <= request.at &&
          request.at <= time(candidate.finished_at),
      );
      // The holder seen last before the write, or first after it (a claim
      // falls between two samples, 50 ms apart).
      const history = operation ? holders.get(operation.id) ?? [] : [];
      const before = history.filter(entry => entry.at <= request.at).at(-1);
      const after = history.find(entry => entry.at > request.at);
      const owners = [before, after]
        .filter(entry => entry !== undefined)
        .map(entry => replicaOf(entry.holder));
      const owner = operation && replicaOf(operation.holder);
      if (!owners.includes(request.via)) {
        misplaced.push(
          `${request.via} ${request.method} ${request.url} at ${new Date(
            request.at,
          ).toISOString()}: ${
            operation
              ? `operation ${operation.id} was held by ${owners.join(
                  ' and ',
                )} around then (last by ${owner})`
              : 'no operation of the app was running'
          }`,
        );
      }
    }
    expect(misplaced).toEqual([]);
    // Both processes ran syncs (and reconciled: dry runs), so the check above compared real work.
    const syncedBy = new Set(
      operations.map(operation => replicaOf(operation.holder)),
    );
    expect(syncedBy).toEqual(new Set(['replica-1', 'replica-2']));
    for (const proxy of proxies) {
      expect(
        proxy.requests.some(request => request.url.includes('dryRun=All')),
      ).toBe(true);
    }

    // --- Both processes serve the API, and tell the same story.
    for (const backend of replicas) {
      const list = await backend.request('GET', '/applications?limit=100');
      expect(list.status).toBe(200);
      expect(
        list.body.items
          .map((app: any) => ({
            name: app.metadata.name,
            sync: app.status.sync.status,
            health: app.status.health.status,
            revision: app.status.sync.revision,
          }))
          .sort((a: any, b: any) => a.name.localeCompare(b.name)),
      ).toEqual(
        APPS.map(name => ({
          name,
          sync: 'Synced',
          health: 'Healthy',
          revision: secondCommit,
        })),
      );
      for (const name of APPS) {
        const history = await backend.request(
          'GET',
          `/applications/argocd/${name}/history`,
        );
        expect(history.body.items.map((entry: any) => entry.revision)).toEqual([
          firstCommit,
          secondCommit,
        ]);
      }
    }
  });
});
