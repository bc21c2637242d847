import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const KUBE_SIM_BIN = resolve(
  __dirname,
  '../../../packages/kube-sim/bin/kube-sim',
);

/** One request kube-sim answered, from its request log. */
export interface LoggedRequest {
  method: string;
  url: string;
  status: number;
  /** When the line arrived here (ms since the epoch). */
  at: number;
}

/** Requests by kind, as the benchmark reports them. */
export interface RequestCounts {
  total: number;
  apply: number;
  dryRunApply: number;
  get: number;
  list: number;
  watch: number;
  other: number;
}

const LOG_LINE = /^(GET|POST|PUT|PATCH|DELETE) (\S+) (\d{3}) \d+ms$/;

/** What a logged request was. */
export function requestKind(
  request: LoggedRequest,
): Exclude<keyof RequestCounts, 'total'> {
  const url = new URL(request.url, 'https://cluster');
  if (request.method === 'GET') {
    if (
      url.searchParams.get('watch') === 'true' ||
      url.pathname.includes('/watch/')
    )
      return 'watch';
    return isCollection(url.pathname) ? 'list' : 'get';
  }
  if (request.method === 'PATCH' && url.searchParams.has('fieldManager')) {
    return url.searchParams.get('dryRun') ? 'dryRunApply' : 'apply';
  }
  return 'other';
}

function isCollection(path: string): boolean {
  const parts = path.split('/').filter(Boolean);
  // /api/v1/<plural> | /api/v1/namespaces/<ns>/<plural> | /apis/<g>/<v>/<plural> | /apis/<g>/<v>/namespaces/<ns>/<plural>
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length >= 3) return rest.length === 3;
  return rest.length === 1;
}

/** Counts requests by kind. */
export function countRequests(requests: LoggedRequest[]): RequestCounts {
  const counts: RequestCounts = {
    total: 0,
    apply: 0,
    dryRunApply: 0,
    get: 0,
    list: 0,
    watch: 0,
    other: 0,
  };
  for (const request of requests) {
    counts.total++;
    counts[requestKind(request)]++;
  }
  return counts;
}

/**
 * kube-sim in its own process (`packages/kube-sim/bin/kube-sim --port 0
 * --log-requests`), so its CPU is not the benchmarked process's, with its
 * request log read here: every request it answers is counted.
 */
export class KubeSimProcess {
  private constructor(
    /** Every request answered so far, in order. */
    readonly requests: LoggedRequest[],
    readonly url: string,
    readonly kubeconfigPath: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  static async start(kubeconfigPath: string): Promise<KubeSimProcess> {
    const child = spawn(
      KUBE_SIM_BIN,
      ['--port', '0', '--kubeconfig', kubeconfigPath, '--log-requests'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<void>(resolveExit =>
      child.once('exit', () => resolveExit()),
    );
    const requests: LoggedRequest[] = [];
    const errors: string[] = [];
    createInterface({ input: child.stderr! }).on('line', line => {
      const match = LOG_LINE.exec(line);
      if (match) {
        requests.push({
          method: match[1],
          url: match[2],
          status: Number(match[3]),
          at: Date.now(),
        });
      } else if (errors.length < 20) {
        errors.push(line);
      }
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      createInterface({ input: child.stdout! }).on('line', line => {
        const match = /^kube-sim listening on (\S+)/.exec(line);
        if (match) resolveUrl(match[1]);
      });
      child.once('exit', code =>
        reject(
          new Error(
            `kube-sim exited with ${code} before listening: ${errors.join(
              '\n',
            )}`,
          ),
        ),
      );
    });
    // kube-sim writes the kubeconfig before it prints that it listens.
    return new KubeSimProcess(requests, url, kubeconfigPath, child, exited);
  }

  /** Requests answered from `since` on (ms since the epoch). */
  since(since: number, until = Infinity): LoggedRequest[] {
    return this.requests.filter(
      request => request.at >= since && request.at <= until,
    );
  }

  /** Resolves once no request other than watches has arrived for `quietMs`. */
  async settle(quietMs: number, timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = [...this.requests]
        .reverse()
        .find(request => requestKind(request) !== 'watch');
      if (!last || Date.now() - last.at >= quietMs) return;
      if (Date.now() > deadline) return;
      await new Promise(r => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
