import { ChildProcess, spawn } from 'node:child_process';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { resolve } from 'node:path';

/**
 * Prints how many server-side apply requests per second kube-sim answers over
 * HTTPS while it holds a number of open watches. The server runs in its own
 * process, as it would beside a reconciler. Figures only: nothing here passes
 * or fails on speed.
 *
 *   node bench/run.cjs apply [--requests 4000] [--concurrency 32] [--watches 200] [--controllers]
 */

interface Server {
  url: string;
  token: string;
  ca: string;
  child: ChildProcess;
}

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

async function startServer(withControllers: boolean): Promise<Server> {
  const profile = process.env.KUBE_SIM_BENCH_PROFILE
    ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.KUBE_SIM_BENCH_PROFILE}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      resolve(__dirname, 'run.cjs'),
      'server',
      ...(withControllers ? ['--controllers'] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    let buffer = '';
    child.stdout!.on('data', chunk => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolveLine(buffer.slice(0, newline));
    });
    child.on('exit', code =>
      reject(new Error(`kube-sim server exited with ${code} before starting`)),
    );
  });
  return { ...JSON.parse(line), child };
}

function client(server: Server, agent: https.Agent) {
  return (
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ) =>
    new Promise<{ status: number; body: string }>((resolveResponse, reject) => {
      const request = https.request(
        new URL(path, server.url),
        {
          method,
          agent,
          ca: server.ca,
          headers: {
            Authorization: `Bearer ${server.token}`,
            'Content-Type': contentType,
            Accept: 'application/json',
          },
        },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', chunk => chunks.push(chunk));
          response.on('end', () =>
            resolveResponse({
              status: response.statusCode!,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

function configMap(i: number, round: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: 'bench',
      labels: { app: 'bench', shard: String(i % 10) },
    },
    data: { round: String(round), payload: 'x'.repeat(200) },
  });
}

function deployment(i: number, round: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `web-${i}`,
      namespace: 'bench',
      labels: { app: 'bench' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `web-${i}` } },
      template: {
        metadata: { labels: { app: `web-${i}` } },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.example.com/web:${round}`,
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [
                { name: 'ROUND', value: String(round) },
                { name: 'MODE', value: 'bench' },
              ],
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { memory: '256Mi' },
              },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            },
            {
              name: 'sidecar',
              image: 'registry.example.com/proxy:1',
              ports: [{ containerPort: 9090 }],
            },
          ],
        },
      },
    },
  });
}

async function applyPhase(
  call: ReturnType<typeof client>,
  label: string,
  requests: number,
  concurrency: number,
  objects: number,
  render: (i: number, round: number) => string,
  resourcePath: string,
) {
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= requests) return;
      const i = n % objects;
      const round = Math.floor(n / objects);
      const t0 = process.hrtime.bigint();
      const response = await call(
        'PATCH',
        `${resourcePath}/${
          resourcePath.includes('configmaps') ? `cm-${i}` : `web-${i}`
        }?fieldManager=bench&force=true`,
        render(i, round),
        'application/apply-patch+yaml',
      );
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (response.status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor(p * latencies.length))
    ].toFixed(1);
  process.stdout.write(
    `${label.padEnd(34)} ${String(requests).padStart(6)} requests  ${(
      requests / seconds
    )
      .toFixed(0)
      .padStart(6)} applies/s  p50 ${pct(0.5)} ms  p99 ${pct(
      0.99,
    )} ms  failures ${failures}\n`,
  );
  return requests / seconds;
}

export async function main(args: string[]): Promise<void> {
  const requests = option(args, 'requests', 4000);
  const concurrency = option(args, 'concurrency', 32);
  const watchCount = option(args, 'watches', 200);
  const server = await startServer(args.includes('--controllers'));
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: concurrency,
    ca: server.ca,
  });
  const call = client(server, agent);
  try {
    process.stdout.write(
      `kube-sim apply benchmark: ${requests} requests per phase, concurrency ${concurrency}, ${watchCount} open watches\n`,
    );

    // Open watches first, on their own connections, and count what they receive.
    const watchAgent = new https.Agent({
      keepAlive: true,
      maxSockets: watchCount + 10,
      ca: server.ca,
    });
    let received = 0;
    let open = 0;
    const watches: ClientRequest[] = [];
    await Promise.all(
      Array.from(
        { length: watchCount },
        (_, i) =>
          new Promise<void>((resolveOpen, reject) => {
            const selector =
              i % 2 === 0
                ? ''
                : `&labelSelector=${encodeURIComponent(`shard=${i % 10}`)}`;
            const request = https.request(
              new URL(
                `/api/v1/namespaces/bench/configmaps?watch=true&allowWatchBookmarks=true${selector}`,
                server.url,
              ),
              {
                agent: watchAgent,
                ca: server.ca,
                headers: { Authorization: `Bearer ${server.token}` },
              },
              response => {
                open++;
                response.on('data', (chunk: Buffer) => {
                  for (
                    let at = chunk.indexOf(10);
                    at >= 0;
                    at = chunk.indexOf(10, at + 1)
                  )
                    received++;
                });
                response.on('close', () => open--);
                resolveOpen();
              },
            );
            request.on('error', error =>
              error.message === 'socket hang up' ? undefined : reject(error),
            );
            request.end();
            watches.push(request);
          }),
      ),
    );
    const serverWatches = await call(
      'GET',
      '/api/v1/namespaces/bench/configmaps?limit=1',
    );
    if (serverWatches.status !== 200)
      throw new Error(`list failed: ${serverWatches.body}`);

    const configMapRate = await applyPhase(
      call,
      'apply ConfigMap (create, then update)',
      requests,
      concurrency,
      500,
      configMap,
      '/api/v1/namespaces/bench/configmaps',
    );
    const noOpRate = await applyPhase(
      call,
      'apply ConfigMap (unchanged)',
      requests,
      concurrency,
      500,
      i => configMap(i, Math.floor((requests - 1) / 500)),
      '/api/v1/namespaces/bench/configmaps',
    );
    const deploymentRate = await applyPhase(
      call,
      'apply Deployment (create, then update)',
      requests,
      concurrency,
      200,
      deployment,
      '/apis/apps/v1/namespaces/bench/deployments',
    );
    await new Promise(resolveWait => setTimeout(resolveWait, 300));
    process.stdout.write(
      `open watches held: ${open} of ${watchCount}; watch events delivered: ${received}\n`,
    );
    process.stdout.write(
      `summary: ${Math.round(configMapRate)} ConfigMap applies/s, ${Math.round(
        noOpRate,
      )} unchanged applies/s, ${Math.round(
        deploymentRate,
      )} Deployment applies/s, ${open} watches\n`,
    );
    for (const request of watches) request.destroy();
    watchAgent.destroy();
  } finally {
    agent.destroy();
    server.child.kill('SIGTERM');
  }
}
