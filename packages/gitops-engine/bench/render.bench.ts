/*
 * Cold `kubectl kustomize` against cached renders of the same overlay.
 *
 * Run from the repository root:
 *   source scripts/env.sh
 *   node -r @backstage/cli/config/nodeTransform.cjs packages/gitops-engine/bench/render.bench.ts [--runs 7] [--objects 300]
 *
 * Columns, per run:
 *   kubectl kustomize   the tool alone, run directly (what every render costs without a cache)
 *   render, no cache    ApplicationSourceRenderer with bypassCache: tool run + parsing + checks
 *   memory hit          the same render served from the in-memory cache
 *   disk hit            served from the on-disk cache (memory cache disabled), as after a restart
 *
 * It prints figures and never fails on a slow machine.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApplicationSourceRenderer } from '../src/render';
import type { RenderRequest } from '../src/render';
import {
  locateExecutable,
  probeExternalTool,
} from '../src/tools/externalTools';
import { runTool } from '../src/tools/runTool';

const FIXTURE = join(
  __dirname,
  '..',
  'src',
  'render',
  '__fixtures__',
  'kustomize',
);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ms = (value: number) =>
  `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

/** The fixture layout plus `count` extra ConfigMaps in the base, for a larger overlay. */
async function largerCheckout(root: string, count: number): Promise<string> {
  const checkout = join(root, 'large');
  await cp(FIXTURE, checkout, { recursive: true });
  const extra = join(checkout, 'base', 'extra');
  await mkdir(extra);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `settings-${String(i).padStart(4, '0')}.yaml`;
    names.push(name);
    await writeFile(
      join(extra, name),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  index: "${i}"\n  owner: team-${
        i % 7
      }\n`,
    );
  }
  await writeFile(
    join(extra, 'kustomization.yaml'),
    `resources:\n${names.map(name => `  - ${name}`).join('\n')}\n`,
  );
  const base = join(checkout, 'base', 'kustomization.yaml');
  await writeFile(
    base,
    (
      await readFile(base, 'utf8')
    ).replace('resources:\n', 'resources:\n  - extra\n'),
  );
  return checkout;
}

async function benchmark(
  label: string,
  checkoutDir: string,
  runs: number,
  workRoot: string,
) {
  const kubectl = await locateExecutable('kubectl');
  const request: RenderRequest = {
    checkoutDir,
    repoURL: 'https://git.example.com/web/deploy.git',
    sha: '0123456789abcdef0123456789abcdef01234567',
    source: { path: 'overlays/prod' },
    appName: 'web-prod',
    destinationNamespace: 'web-prod',
  };
  const diskDir = await mkdtemp(join(workRoot, 'cache-'));
  const renderer = new ApplicationSourceRenderer();
  const diskOnly = new ApplicationSourceRenderer({
    memoryCache: { maxEntries: 0 },
    diskCache: { dir: diskDir },
  });

  // Warm-up: finds and versions the tools, fills both caches, loads the code paths.
  const first = await renderer.render(request);
  await diskOnly.render(request);

  const rows: number[][] = [];
  for (let run = 0; run < runs; run++) {
    const tool = await time(() =>
      runTool(kubectl, ['kustomize', join(checkoutDir, 'overlays', 'prod')], {
        cwd: checkoutDir,
      }),
    );
    const uncached = await time(() =>
      renderer.render({ ...request, bypassCache: true }),
    );
    const memory = await time(() => renderer.render(request));
    const disk = await time(() => diskOnly.render(request));
    rows.push([tool, uncached, memory, disk]);
  }

  const header = [
    'run',
    'kubectl kustomize (cold)',
    'render, no cache',
    'render, memory hit',
    'render, disk hit',
  ];
  const widths = header.map(h => Math.max(h.length, 10));
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(
    `\n${label}: overlays/prod, ${first.objects.length} objects, ${runs} runs`,
  );
  console.log(line(header));
  rows.forEach((row, index) =>
    console.log(line([String(index + 1), ...row.map(ms)])),
  );
  const medians = [0, 1, 2, 3].map(column =>
    median(rows.map(row => row[column])),
  );
  console.log(line(['median', ...medians.map(ms)]));
  console.log(
    `memory hit is ${(medians[0] / medians[2]).toFixed(
      0,
    )}x faster than running kubectl kustomize; disk hit ${(
      medians[0] / medians[3]
    ).toFixed(0)}x`,
  );
}

async function main() {
  const runs = option('runs', 7);
  const objects = option('objects', 300);
  const probe = await probeExternalTool('kubectl');
  console.log(
    `kubectl: ${probe.path ?? 'not found'} ${
      probe.version ?? probe.error ?? ''
    }`,
  );
  const workRoot = await mkdtemp(join(tmpdir(), 'driftless-render-bench-'));
  try {
    await benchmark(
      'Fixture layout (base + prod overlay)',
      FIXTURE,
      runs,
      workRoot,
    );
    if (objects > 0) {
      await benchmark(
        `Same layout with ${objects} more ConfigMaps in the base`,
        await largerCheckout(workRoot, objects),
        runs,
        workRoot,
      );
    }
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
