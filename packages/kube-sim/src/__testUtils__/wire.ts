import * as k8s from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_TIMINGS } from '../controllers/timings';
import { KubeSim, KubeSimOptions, startKubeSim } from '../kubeSim';

/** A kube-sim with fast timings, a client-node KubeConfig for it, and its kubeconfig on disk. */
export interface WireSim {
  sim: KubeSim;
  kc: k8s.KubeConfig;
  objects: k8s.KubernetesObjectApi;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  dir: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startWireSim(
  options: KubeSimOptions = {},
): Promise<WireSim> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const sim = await startKubeSim({
    timings: FAST_TIMINGS,
    kubeconfigPath,
    ...options,
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    sim,
    kc,
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    dir,
    kubeconfigPath,
    async stop() {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns something truthy, or fails with the last value seen. */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  what: string,
  timeoutMs = 10_000,
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last: ${
          last instanceof Error ? last.message : JSON.stringify(last)
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** Runs the installed kubectl (scripts/env.sh puts it on PATH) against a kubeconfig. */
export function kubectl(
  wire: Pick<WireSim, 'kubeconfigPath' | 'dir'>,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = execFile(
      'kubectl',
      [
        '--kubeconfig',
        wire.kubeconfigPath,
        '--cache-dir',
        join(wire.dir, 'kubectl-cache'),
        ...args,
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error)
          code =
            typeof (error as any).code === 'number' ? (error as any).code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) {
      child.stdin?.write(input);
      child.stdin?.end();
    }
  });
}

export async function writeManifest(
  wire: Pick<WireSim, 'dir'>,
  name: string,
  text: string,
): Promise<string> {
  const path = join(wire.dir, name);
  await writeFile(path, text);
  return path;
}

/** The Status body of a failed client-node call, with the HTTP code. */
export interface FailedCall {
  code: number;
  reason?: string;
  message?: string;
  details?: any;
}

export function statusOf(error: unknown): FailedCall {
  const e = error as { code?: number; body?: unknown };
  let body: unknown = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  return { code: e.code ?? 0, ...(body as object) };
}

/** Awaits a call that must fail, and returns its Status. */
export async function failureOf(call: Promise<unknown>): Promise<FailedCall> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    return statusOf(error);
  }
  throw new Error(
    `expected the call to fail, it returned ${JSON.stringify(result).slice(
      0,
      300,
    )}`,
  );
}

/** A raw HTTPS request to the simulator (for endpoints client-node has no method for). */
export function rawRequest(
  wire: Pick<WireSim, 'sim'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, wire.sim.url),
      {
        method,
        ca: wire.sim.caCertificate,
        headers: {
          Authorization: `Bearer ${wire.sim.token}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: parsed,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
