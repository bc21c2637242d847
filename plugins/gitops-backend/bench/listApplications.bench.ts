// The application list at fleet scale: how long the fleet page's queries
// take over N stored apps, on SQLite and (when given) PostgreSQL. Figures
// only: nothing here passes or fails on speed.
//
//   node -r @backstage/cli/config/nodeTransform.cjs bench/listApplications.bench.ts \
//     [--apps 10000] [--postgres <connection string>]
//
// (in plugins/gitops-backend, after `source scripts/env.sh` at the root)
import knexFactory, { type Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import {
  bulkStoreFleet,
  generateFleet,
} from '../src/database/__testUtils__/bulkApplications';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { listApplications } from '../src/database/operations/applications/listApplications';
import type { ListApplicationsOptions } from '../src/database/types';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const QUERIES: Array<[string, ListApplicationsOptions]> = [
  ['first page of 25, with the total', { limit: 25, includeTotalCount: true }],
  ['first page of 100', { limit: 100 }],
  [
    'project + health, with the total',
    {
      limit: 25,
      includeTotalCount: true,
      filter: { projects: ['search'], healthStatuses: ['Degraded'] },
    },
  ],
  [
    'cluster + namespace + sync',
    {
      limit: 25,
      filter: {
        destinationCluster: { names: ['prod-eu'] },
        destinationNamespaces: ['data-1'],
        syncStatuses: ['OutOfSync'],
      },
    },
  ],
  ['search in names', { limit: 25, filter: { nameContains: 'svc-012' } }],
  [
    "an owner's 20 entities (selectors)",
    {
      limit: 25,
      filter: {
        linkedToAny: Array.from({ length: 20 }, (_, index) => ({
          names: [],
          selectors: [`app.kubernetes.io/part-of=checkout-${index}`],
        })),
      },
    },
  ],
];

async function time(run: () => Promise<unknown>, repeat: number) {
  await run(); // warm the caches and the query planner
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    p95: samples[Math.floor(samples.length * 0.95)],
  };
}

async function benchmark(label: string, knex: Knex, apps: number) {
  await applyDatabaseMigrations(knex);
  const loadStart = performance.now();
  await bulkStoreFleet(knex, generateFleet(apps));
  console.log(
    `\n${label}: ${apps} apps stored in ${(
      (performance.now() - loadStart) /
      1000
    ).toFixed(1)} s`,
  );
  console.log(
    'query'.padEnd(40),
    'median ms'.padStart(10),
    'p95 ms'.padStart(8),
  );
  for (const [title, options] of QUERIES) {
    const { median, p95 } = await time(
      () => listApplications(knex, options),
      20,
    );
    console.log(
      title.padEnd(40),
      median.toFixed(1).padStart(10),
      p95.toFixed(1).padStart(8),
    );
  }
  // Deep in the list: page 300 of 25, reached by cursor as the page does.
  let cursor: string | undefined;
  const deepStart = performance.now();
  for (let page = 0; page < 300 && (page === 0 || cursor); page++) {
    cursor = (await listApplications(knex, { limit: 25, cursor })).nextCursor;
  }
  console.log(
    'pages 1 to 300 by cursor (per page)'.padEnd(40),
    ((performance.now() - deepStart) / 300).toFixed(1).padStart(10),
  );
}

async function main() {
  const apps = Number(option('apps') ?? 10_000);
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    await benchmark('SQLite (in memory)', sqlite, apps);
  } finally {
    await sqlite.destroy();
  }

  const postgres = option('postgres');
  if (postgres) {
    const database = `driftless_bench_${Date.now()}`;
    const admin = knexFactory({ client: 'pg', connection: postgres });
    await admin.raw('CREATE DATABASE ??', [database]);
    const knex = knexFactory({
      client: 'pg',
      connection: `${postgres.replace(/\/[^/]*$/, '')}/${database}`,
    });
    try {
      await benchmark('PostgreSQL', knex, apps);
    } finally {
      await knex.destroy();
      await admin.raw('DROP DATABASE ??', [database]);
      await admin.destroy();
    }
  } else {
    console.log(
      '\n(PostgreSQL: pass --postgres <connection string> to measure it too)',
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
