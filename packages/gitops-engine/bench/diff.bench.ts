/*
 * Objects diffed per second against kube-sim: cold (every prediction is a
 * server-side dry-run apply over HTTPS) and warm (predictions served from the
 * cache, as on a refresh where neither Git nor the cluster changed).
 *
 * Run from the repository root:
 *   source scripts/env.sh
 *   node -r @backstage/cli/config/nodeTransform.cjs packages/gitops-engine/bench/diff.bench.ts [--objects 600] [--runs 5] [--concurrency 8]
 *
 * The app is `objects` resources in one namespace, half ConfigMaps, a quarter
 * Deployments and a quarter Services, applied first as a sync would
 * (server-side apply as `driftless`), so every diff compares a real
 * prediction with a live object that has the server's defaults. kube-sim's
 * controllers are off, so live resourceVersions stay put between runs.
 *
 * Columns, per run:
 *   cold   a new comparator (empty prediction cache): one dry-run request per object
 *   warm   the same comparator again: every prediction a cache hit, no request
 *
 * It prints figures and never fails on a slow machine.
 */
import { startKubeSim } from '@driftless/kube-sim';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ClusterCache } from '../src/cache';
import { KubernetesClusterConnection } from '../src/cluster';
import { ApplicationComparator, type CompareRequest } from '../src/diff';
import type { KubernetesObject } from '../src/render/types';
import { ResourceTracking } from '../src/tracking';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

const NAMESPACE = 'bench';

function desiredObjects(count: number): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (let i = 0; i < count; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    const labels = { 'app.kubernetes.io/name': name, team: `team-${i % 7}` };
    if (i % 4 === 0) {
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: `registry.example.com/${name}:1.${i}`,
                  ports: [{ containerPort: 8080 }],
                  resources: { requests: { cpu: '50m', memory: '64Mi' } },
                },
              ],
            },
          },
        },
      });
    } else if (i % 4 === 1) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, labels },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      });
    } else {
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels },
        data: {
          index: String(i),
          owner: `team-${i % 7}`,
          'app.properties': `name=${name}\nfeature=${i % 2 ? 'on' : 'off'}\n`,
        },
      });
    }
  }
  return objects;
}

async function main() {
  const count = option('objects', 600);
  const runs = option('runs', 5);
  const concurrency = option('concurrency', 8);
  const sim = await startKubeSim({
    controllers: false,
    namespaces: [NAMESPACE],
  });
  const connection = new KubernetesClusterConnection({
    name: 'kube-sim',
    server: sim.url,
    labels: {},
    auth: { provider: 'serviceAccount', token: sim.token! },
    caData: sim.caCertificate,
  });
  const tracking = new ResourceTracking();
  const cache = new ClusterCache({ connection, tracking });
  try {
    const request: CompareRequest = {
      appInstanceName: 'bench',
      destinationNamespace: NAMESPACE,
      desired: desiredObjects(count),
    };
    const comparatorFor = () =>
      new ApplicationComparator({
        connection,
        live: cache,
        tracking,
        concurrency,
      });

    // The synced state: what a sync applies, applied the way it applies it.
    const { objects } = await comparatorFor().prepare(request);
    sim.apply(objects as never, { fieldManager: 'driftless', force: true });
    // Warm-up: discovery, the cache's lists and watches, the code paths.
    const warmup = await comparatorFor().compare(request);
    if (warmup.status !== 'Synced') {
      throw new Error(
        `the benchmark app should be Synced, it is ${warmup.status}`,
      );
    }

    console.log(
      `kube-sim over HTTPS on this machine (${availableParallelism()} cores); ${count} objects (${
        objects.filter(o => o.kind === 'ConfigMap').length
      } ConfigMaps, ${
        objects.filter(o => o.kind === 'Deployment').length
      } Deployments, ${
        objects.filter(o => o.kind === 'Service').length
      } Services); ${concurrency} dry-runs in flight at most; ${runs} runs`,
    );
    const header = [
      'run',
      'cold (dry-run each)',
      'warm (cache hits)',
      'dry-run requests cold / warm',
    ];
    const widths = header.map(h => Math.max(h.length, 12));
    const line = (cells: string[]) =>
      cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
    console.log(line(header));
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < runs; run++) {
      const comparator = comparatorFor();
      let started = performance.now();
      const first = await comparator.compare(request);
      const coldMs = performance.now() - started;
      const coldRequests = comparator.differ.dryRuns;
      started = performance.now();
      const second = await comparator.compare(request);
      const warmMs = performance.now() - started;
      const warmRequests = comparator.differ.dryRuns - coldRequests;
      if (first.status !== 'Synced' || second.status !== 'Synced') {
        throw new Error(
          'a run found differences; the figures would not be comparable',
        );
      }
      cold.push((count / coldMs) * 1000);
      warm.push((count / warmMs) * 1000);
      console.log(
        line([
          String(run + 1),
          `${cold[run].toFixed(0)} objects/s`,
          `${warm[run].toFixed(0)} objects/s`,
          `${coldRequests} / ${warmRequests}`,
        ]),
      );
    }
    const coldMedian = median(cold);
    const warmMedian = median(warm);
    console.log(
      line([
        'median',
        `${coldMedian.toFixed(0)} objects/s`,
        `${warmMedian.toFixed(0)} objects/s`,
        '',
      ]),
    );
    console.log(
      `warm is ${(warmMedian / coldMedian).toFixed(
        1,
      )}x cold; a cold diff of ${count} objects takes ${(
        (count / coldMedian) *
        1000
      ).toFixed(0)} ms, a warm one ${((count / warmMedian) * 1000).toFixed(
        0,
      )} ms`,
    );
  } finally {
    cache.stop();
    connection.close();
    await sim.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
