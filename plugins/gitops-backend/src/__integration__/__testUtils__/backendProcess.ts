import { mockCredentials } from '@backstage/backend-test-utils';
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** This package's folder: the backend runs from here so Backstage finds its package.json. */
const PACKAGE_DIR = resolve(__dirname, '../../..');
const ENTRY = join(__dirname, 'testBackend.ts');
const NODE_TRANSFORM = require.resolve(
  '@backstage/cli/config/nodeTransform.cjs',
);

/** Processes still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A free TCP port on the loopback interface (released again before it is used). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export interface BackendProcessOptions {
  /** Names the process in logs and file names. */
  name: string;
  /** Where its config and log files go. */
  dir: string;
  /** app-config for it; `backend.baseUrl` and `backend.listen` are added. */
  config: Record<string, unknown>;
  /** How long to wait for `/api/gitops/health`; 120 s. */
  startTimeoutMs?: number;
  /** Extra Node options, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/**
 * One GitOps backend running as its own Node process (`testBackend.ts`),
 * with its output in `<dir>/<name>.log`. `start` resolves once the plugin
 * answers `/api/gitops/health`; `request` calls the API as a mock user.
 */
export class BackendProcess {
  private exited?: Promise<number | null>;
  private exitCode?: number | null;
  private exitDescription?: string;

  private constructor(
    readonly name: string,
    readonly baseUrl: string,
    readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    this.exited = new Promise(resolveExit => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitCode = code ?? (signal ? -1 : null);
        this.exitDescription = signal
          ? `signal ${signal}`
          : `exit code ${code}`;
        resolveExit(code);
      });
    });
  }

  static async start(options: BackendProcessOptions): Promise<BackendProcess> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const configPath = join(options.dir, `${options.name}.app-config.yaml`);
    const config = {
      ...options.config,
      backend: {
        ...(options.config.backend as object),
        baseUrl,
        listen: { host: '127.0.0.1', port },
      },
    };
    // JSON is YAML; Backstage reads it as any config file.
    await writeFile(configPath, JSON.stringify(config, null, 2));
    const logPath = join(options.dir, `${options.name}.log`);
    const log = await open(logPath, 'a');
    const child = spawn(
      process.execPath,
      [
        ...(options.nodeArgs ?? []),
        '-r',
        NODE_TRANSFORM,
        ENTRY,
        '--config',
        configPath,
      ],
      {
        cwd: PACKAGE_DIR,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          JEST_WORKER_ID: undefined,
        },
        stdio: ['ignore', log.fd, log.fd],
      },
    );
    await log.close();
    const backend = new BackendProcess(options.name, baseUrl, logPath, child);
    await backend.waitUntilHealthy(options.startTimeoutMs ?? 120_000);
    return backend;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  /** How the process ended (exit code or signal), or undefined while it runs. */
  get exitStatus(): string | undefined {
    return this.exitDescription;
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.hasExited) {
        throw new Error(
          `Backend ${this.name} exited (code ${
            this.exitCode
          }) before it answered /api/gitops/health; its log ends:\n${await this.logTail()}`,
        );
      }
      try {
        const response = await fetch(`${this.baseUrl}/api/gitops/health`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        const tail = await this.logTail();
        this.child.kill('SIGKILL');
        throw new Error(
          `Backend ${this.name} did not answer /api/gitops/health within ${timeoutMs} ms; its log ends:\n${tail}`,
        );
      }
      await sleep(200);
    }
  }

  /** The last lines of the process's log, for failure messages. */
  async logTail(lines = 40): Promise<string> {
    const text = await readFile(this.logPath, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** Calls the API as a mock user; the body is JSON. */
  async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/api/gitops${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text for the failure message.
    }
    return { status: response.status, body: parsed };
  }

  /** An application as the API returns it, or undefined while it does not exist. */
  async application(namespace: string, name: string): Promise<any> {
    const response = await this.request(
      'GET',
      `/applications/${namespace}/${name}`,
    );
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      throw new Error(
        `GET ${namespace}/${name} on ${this.name} answered ${
          response.status
        }: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  /** Kills the process with SIGKILL: no shutdown hook runs, leases stay held until they expire. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the process with SIGTERM (Backstage's graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
