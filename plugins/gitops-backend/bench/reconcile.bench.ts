// The reconciler at scale: N apps × M objects in kube-sim, synced by the
// GitOps backend running as its own process, with the references it is
// measured against, side by side in one run. Figures only: nothing here
// passes or fails on speed.
//
//   yarn bench [--apps 1000] [--objects 20] [--kubectl-sample 25]
//              [--concurrency <n>] [--postgres <connection string>]
//              [--cpu-prof <dir>] [--skip-references] [--keep]
//
// (in plugins/gitops-backend, after `source scripts/env.sh` at the root)
import { KubernetesClusterConnection } from '@driftless/gitops-engine';
import type { KubernetesObject } from '@driftless/gitops-engine';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BackendProcess } from '../src/__integration__/__testUtils__/backendProcess';
import {
  githubPushPayload,
  postGitHubWebhook,
} from '../src/__integration__/__testUtils__/githubWebhook';
import { TestGitRepo } from '../src/services/controller/__testUtils__/controllerTestEnv';
import {
  appFiles,
  applicationFile,
  appName,
  appObjects,
  objectMix,
} from './benchApps';
import {
  countRequests,
  KubeSimProcess,
  type RequestCounts,
} from './kubeSimProcess';

const run = promisify(execFile);
const WEBHOOK_SECRET = 'bench-webhook-secret';

interface Options {
  apps: number;
  objects: number;
  kubectlSample: number;
  concurrency?: number;
  postgres?: string;
  cpuProfDir?: string;
  skipReferences: boolean;
  keep: boolean;
}

function readOptions(args: string[]): Options {
  const value = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const number = (name: string, fallback?: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(
        `--${name} must be a whole number of at least 1, not ${raw}`,
      );
    }
    return parsed;
  };
  return {
    apps: number('apps', 1000)!,
    objects: number('objects', 20)!,
    kubectlSample: number('kubectl-sample', 25)!,
    concurrency: number('concurrency'),
    postgres: value('postgres'),
    cpuProfDir: value('cpu-prof'),
    skipReferences: args.includes('--skip-references'),
    keep: args.includes('--keep'),
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function describeCounts(counts: RequestCounts): string {
  const parts = [
    `${counts.apply} apply`,
    `${counts.dryRunApply} dry-run apply`,
    `${counts.get} get`,
    `${counts.list} list`,
    `${counts.watch} watch`,
    `${counts.other} other`,
  ];
  return `${counts.total} (${parts.join(', ')})`;
}

/** Runs `work` over `items`, `limit` at a time. */
async function eachConcurrently<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The peak and current resident set size of a process, in MiB (Linux). */
async function memoryOf(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

interface DriftlessFigures {
  coldSyncedMs: number;
  coldHealthyMs: number;
  coldRequests: RequestCounts;
  steadyMs: number;
  steadyRequests: RequestCounts;
  pushToSyncedMs: number[];
  peakRssMiB: number;
  rssAfterMiB: number;
}

/** Counts apps the API lists with these filters. */
async function countApps(
  backend: BackendProcess,
  query: string,
): Promise<number> {
  const response = await backend.request(
    'GET',
    `/applications?limit=1&includeTotalCount=true&${query}`,
  );
  if (response.status !== 200) {
    throw new Error(
      `GET /applications?${query} answered ${response.status}: ${JSON.stringify(
        response.body,
      )}`,
    );
  }
  return response.body.totalCount;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function benchDriftless(
  options: Options,
  dir: string,
): Promise<DriftlessFigures> {
  const { apps, objects } = options;
  const names = Array.from({ length: apps }, (_, i) => appName(i + 1));

  log(`writing ${apps} apps × ${objects} objects to a Git repository`);
  const repo = await TestGitRepo.create(dir, 'platform');
  const appsCommit = await repo.commit(
    'apps',
    Object.assign(
      { 'bootstrap/README.md': 'The Applications of the benchmark.\n' },
      ...names.map(name => appFiles(name, objects)),
    ),
  );

  const sim = await KubeSimProcess.start(join(dir, 'kubeconfig-driftless'));
  log(`kube-sim at ${sim.url}`);
  const database = options.postgres
    ? {
        client: 'pg',
        connection: options.postgres,
        prefix: `driftless_bench_${Date.now()}_`,
      }
    : {
        client: 'better-sqlite3',
        connection: { directory: join(dir, 'sqlite') },
      };
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });
  const backend = await BackendProcess.start({
    name: 'backend',
    dir,
    nodeArgs: options.cpuProfDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`]
      : [],
    config: {
      backend: { database },
      gitops: {
        clusters: [
          {
            name: 'in-cluster',
            authProvider: 'kubeconfig',
            kubeconfigPath: sim.kubeconfigPath,
          },
        ],
        applications: [{ repoURL: repo.url, path: 'bootstrap' }],
        webhooks: { github: { secret: WEBHOOK_SECRET } },
        controller: {
          cacheDirectory: join(dir, 'cache'),
          // Off, so that what is measured is what the benchmark asks for.
          reconciliationPeriod: '0s',
          reconciliationJitter: '0s',
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        },
      },
    },
  });
  log(`backend process ${backend.pid} at ${backend.baseUrl}`);

  try {
    // Cold sync: one commit registers every Application; the push webhook starts it.
    const registerCommit = await repo.commit(
      `register ${apps} applications`,
      Object.fromEntries(
        names.map(name => [
          `bootstrap/${name}.json`,
          applicationFile(name, repo.url),
        ]),
      ),
    );
    const coldStart = Date.now();
    const pushed = await postGitHubWebhook(
      backend,
      githubPushPayload({
        repoURL: repo.url,
        before: appsCommit,
        after: registerCommit,
        modified: [],
      }),
      WEBHOOK_SECRET,
    );
    if (pushed.status !== 202) {
      throw new Error(
        `the webhook answered ${pushed.status}: ${JSON.stringify(pushed.body)}`,
      );
    }
    let lastReport = 0;
    const coldSyncedAt = await waitFor(
      'every app to be Synced',
      async () => {
        const synced = await countApps(backend, 'sync=Synced');
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          log(
            `  ${synced}/${apps} Synced after ${seconds(
              Date.now() - coldStart,
            )}`,
          );
        }
        return synced === apps && Date.now();
      },
      30 * 60_000,
    );
    const coldHealthyAt = await waitFor(
      'every app to be Healthy',
      async () =>
        (await countApps(backend, 'sync=Synced&health=Healthy')) === apps &&
        Date.now(),
      30 * 60_000,
    );
    const coldRequests = countRequests(sim.since(coldStart, coldSyncedAt));
    log(
      `cold sync: all Synced after ${seconds(
        coldSyncedAt - coldStart,
      )}, all Healthy after ${seconds(coldHealthyAt - coldStart)}`,
    );

    // Steady pass: nothing changed; every app is refreshed once.
    await sim.settle(3_000);
    const steadyStart = Date.now();
    await eachConcurrently(names, 50, async name => {
      const response = await backend.request(
        'POST',
        `/applications/argocd/${name}/refresh`,
      );
      if (response.status !== 200) {
        throw new Error(
          `refresh of ${name} answered ${response.status}: ${JSON.stringify(
            response.body,
          )}`,
        );
      }
    });
    const steadyEnd = Date.now();
    const steadyRequests = countRequests(sim.since(steadyStart, steadyEnd));
    const stillSynced = await countApps(backend, 'sync=Synced');
    log(
      `steady pass: ${seconds(
        steadyEnd - steadyStart,
      )}, ${stillSynced}/${apps} still Synced, requests ${describeCounts(
        steadyRequests,
      )}`,
    );

    // Push to Synced: a commit to one app, announced by a webhook.
    const pushToSyncedMs: number[] = [];
    let before = registerCommit;
    for (const index of [0.5, 0.25, 0.75]) {
      const name = names[Math.floor(index * (apps - 1))];
      const revision = pushToSyncedMs.length + 2;
      const files = appFiles(name, objects, revision);
      const after = await repo.commit(`change ${name}`, files);
      const start = Date.now();
      const response = await postGitHubWebhook(
        backend,
        githubPushPayload({
          repoURL: repo.url,
          before,
          after,
          modified: [`apps/${name}/configmaps.yaml`],
        }),
        WEBHOOK_SECRET,
      );
      if (response.status !== 202) {
        throw new Error(`the webhook answered ${response.status}`);
      }
      await waitFor(
        `${name} to be synced to ${after.slice(0, 7)}`,
        async () => {
          const app = await backend.application('argocd', name);
          return (
            app?.status?.sync?.status === 'Synced' &&
            app.status.sync.revision === after &&
            app.status.operationState?.phase === 'Succeeded' &&
            app.status.operationState.syncResult?.revision === after
          );
        },
        120_000,
        10,
      );
      pushToSyncedMs.push(Date.now() - start);
      before = after;
      log(`push → Synced (${name}): ${pushToSyncedMs.at(-1)} ms`);
    }

    const memory = await memoryOf(backend.pid);
    return {
      coldSyncedMs: coldSyncedAt - coldStart,
      coldHealthyMs: coldHealthyAt - coldStart,
      coldRequests,
      steadyMs: steadyEnd - steadyStart,
      steadyRequests,
      pushToSyncedMs,
      peakRssMiB: memory.peak,
      rssAfterMiB: memory.now,
    };
  } catch (error) {
    // fetch() says only "fetch failed"; the socket error is its cause.
    const cause = (error as { cause?: unknown }).cause;
    if (cause) log(`the request failed because: ${String(cause)}`);
    if (backend.exitStatus)
      log(`the backend process ended: ${backend.exitStatus}`);
    log(`backend log ends:\n${await backend.logTail(60)}`);
    throw error;
  } finally {
    await backend.stop(60_000);
    await sim.stop();
  }
}

/** Every app's objects in its namespace, as Driftless applies them. */
function allObjects(options: Options): KubernetesObject[] {
  return Array.from({ length: options.apps }, (_, i) => appName(i + 1)).flatMap(
    name =>
      appObjects(name, options.objects).map(object => ({
        ...object,
        metadata: { ...object.metadata, namespace: name },
      })),
  );
}

/** The limit: the same objects, server-side applied in a plain loop, 32 at a time. */
async function benchRawApply(
  options: Options,
  dir: string,
): Promise<{ ms: number; objects: number }> {
  const sim = await KubeSimProcess.start(join(dir, 'kubeconfig-raw'));
  const connection = new KubernetesClusterConnection({
    name: 'raw',
    server: '',
    labels: {},
    auth: { provider: 'kubeconfig', path: sim.kubeconfigPath },
  });
  try {
    const objects = allObjects(options);
    const namespaces = Array.from({ length: options.apps }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: appName(i + 1) },
    }));
    await connection.discover();
    const start = Date.now();
    await eachConcurrently(namespaces, 32, async namespace => {
      await connection.apply(namespace, { fieldManager: 'raw', force: true });
    });
    await eachConcurrently(objects, 32, async object => {
      await connection.apply(object, { fieldManager: 'raw', force: true });
    });
    return { ms: Date.now() - start, objects: objects.length };
  } finally {
    connection.close();
    await sim.stop();
  }
}

/** The push-based way: `kubectl apply --server-side -k` per app, one after another, for a sample. */
async function benchKubectl(
  options: Options,
  dir: string,
): Promise<{ sample: number; msPerApp: number }> {
  const sim = await KubeSimProcess.start(join(dir, 'kubeconfig-kubectl'));
  const connection = new KubernetesClusterConnection({
    name: 'kubectl',
    server: '',
    labels: {},
    auth: { provider: 'kubeconfig', path: sim.kubeconfigPath },
  });
  const work = join(dir, 'platform-work');
  try {
    const sample = Math.min(options.kubectlSample, options.apps);
    const indexes = Array.from(
      { length: sample },
      (_, i) => Math.floor((i * options.apps) / sample) + 1,
    );
    for (const index of indexes) {
      await connection.apply(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: appName(index) },
        },
        { fieldManager: 'setup', force: true },
      );
    }
    const cacheDir = join(dir, 'kubectl-cache');
    const start = Date.now();
    for (const index of indexes) {
      const name = appName(index);
      await run(
        'kubectl',
        [
          'apply',
          '--server-side',
          '-k',
          join(work, 'apps', name),
          '-n',
          name,
          '--kubeconfig',
          sim.kubeconfigPath,
          '--cache-dir',
          cacheDir,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    }
    return { sample, msPerApp: (Date.now() - start) / sample };
  } finally {
    connection.close();
    await sim.stop();
  }
}

export async function main(args: string[]): Promise<void> {
  const options = readOptions(args);
  const dir = await mkdtemp(join(tmpdir(), 'driftless-bench-'));
  const mix = objectMix(options.objects);
  const total = options.apps * options.objects;
  log(`work dir ${dir}`);
  try {
    const driftless = await benchDriftless(options, dir);
    const raw = options.skipReferences
      ? undefined
      : await benchRawApply(options, dir);
    if (raw) log(`raw SSA loop: ${seconds(raw.ms)}`);
    const kubectl = options.skipReferences
      ? undefined
      : await benchKubectl(options, dir);
    if (kubectl) log(`kubectl: ${kubectl.msPerApp.toFixed(0)} ms per app`);

    const coldRate = total / (driftless.coldSyncedMs / 1000);
    const rawRate = raw ? raw.objects / (raw.ms / 1000) : undefined;
    const cpu = cpus();
    const rows: Array<[string, string, string, string]> = [
      [
        `cold sync, ${options.apps} apps (webhook → all Synced)`,
        seconds(driftless.coldSyncedMs),
        `${coldRate.toFixed(0)} objects/s${
          rawRate
            ? ` (${((100 * coldRate) / rawRate).toFixed(0)} % of raw)`
            : ''
        }; all Healthy after ${seconds(driftless.coldHealthyMs)}; ${
          driftless.coldRequests.total
        } API calls`,
        '≤ 60 s, ≥ 50 % of raw',
      ],
      [
        'steady refresh pass, no change',
        seconds(driftless.steadyMs),
        `${driftless.steadyRequests.total} API calls (${
          driftless.steadyRequests.dryRunApply
        } dry-run, ${driftless.steadyRequests.apply} apply, ${
          driftless.steadyRequests.get + driftless.steadyRequests.list
        } get/list)`,
        '≤ 5 s',
      ],
      [
        'push → Synced, one app',
        `${Math.max(...driftless.pushToSyncedMs)} ms`,
        `runs: ${driftless.pushToSyncedMs.join(', ')} ms (worst shown)`,
        '≤ 2 s',
      ],
      [
        'peak RSS, backend process',
        `${driftless.peakRssMiB.toFixed(0)} MiB`,
        `${driftless.rssAfterMiB.toFixed(0)} MiB at the end`,
        '≤ 1 GiB',
      ],
    ];
    if (raw && rawRate) {
      rows.push([
        'raw SSA loop, same objects (the limit)',
        seconds(raw.ms),
        `${rawRate.toFixed(
          0,
        )} objects/s; 32 requests in flight, namespaces included`,
        'reference',
      ]);
    }
    if (kubectl) {
      rows.push([
        'kubectl apply --server-side -k, per app',
        seconds(kubectl.msPerApp * options.apps),
        `${kubectl.msPerApp.toFixed(0)} ms per app, one after another; ${
          kubectl.sample < options.apps
            ? `extrapolated from ${kubectl.sample} apps`
            : 'all apps'
        }`,
        'reference',
      ]);
    }
    const widths = [0, 1, 2, 3].map(column =>
      Math.max(...rows.map(row => row[column].length)),
    );
    const lines = [
      `Driftless reconcile benchmark: ${options.apps} Kustomize apps × ${options.objects} objects (${mix.configMaps} ConfigMaps, ${mix.services} Services, ${mix.deployments} Deployments) = ${total} objects`,
      `${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${
        cpu[0]?.model ?? 'CPU'
      }, Node ${process.version}, ${
        options.postgres ? 'PostgreSQL' : 'SQLite'
      }, kube-sim in its own process`,
      '',
      ...rows.map(row =>
        row.map((cell, column) => cell.padEnd(widths[column])).join('  '),
      ),
      '',
      `cold sync API calls: ${describeCounts(driftless.coldRequests)}`,
      `steady pass API calls: ${describeCounts(driftless.steadyRequests)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (options.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
