/*
 * Time to generate 10,000 Applications: a matrix of two list generators of
 * 100 elements each, with goTemplate, the template using fields, sprig
 * functions and a label map (what ApplicationSets typically hold).
 *
 * Run from the repository root:
 *   source scripts/env.sh
 *   yarn workspace @driftless/gitops-engine bench:appset [--size 100] [--runs 5]
 *
 * Columns, per run: total milliseconds for generateApplications (validation,
 * matrix with interpolation of the second child, rendering, name checks),
 * and Applications per second. The first run includes parsing every template
 * string; later runs reuse the parsed templates (compiled once, executed
 * many times). It prints figures and never fails on a slow machine; the
 * target is 1 s for 10,000 Applications.
 */
import { performance } from 'node:perf_hooks';
import { generateApplications } from '../src/appset';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const size = option('size', 100);
const runs = option('runs', 5);

const appSet = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'bench', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [
      {
        matrix: {
          generators: [
            {
              list: {
                elements: Array.from({ length: size }, (_, i) => ({
                  cluster: `cluster-${i}`,
                  server: `https://cluster-${i}.k8s.example.internal`,
                  region: i % 2 ? 'eu-west-1' : 'us-east-1',
                })),
              },
            },
            {
              list: {
                elements: Array.from({ length: size }, (_, i) => ({
                  app: `app-${i}`,
                  team: `team-${i % 7}`,
                  replicas: (i % 3) + 1,
                })),
              },
            },
          ],
        },
      },
    ],
    template: {
      metadata: {
        name: '{{ .app }}-{{ .cluster }}',
        labels: {
          team: '{{ .team }}',
          region: '{{ .region }}',
          app: '{{ .app | lower }}',
        },
        annotations: { 'driftless.dev/generated-by': 'bench' },
      },
      spec: {
        project: '{{ .team }}',
        source: {
          repoURL: 'https://git.example.internal/platform.git',
          targetRevision: 'main',
          path: 'apps/{{ .app }}/overlays/{{ .region }}',
          helm: {
            valueFiles: ['values.yaml', 'values-{{ .region }}.yaml'],
            parameters: [{ name: 'replicaCount', value: '{{ .replicas }}' }],
          },
        },
        destination: {
          server: '{{ .server }}',
          namespace: '{{ printf "%s-%s" .app .cluster | trunc 63 }}',
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true'],
        },
      },
    },
  },
};

async function main() {
  console.log(
    `ApplicationSet generation: matrix of ${size} x ${size} list elements, goTemplate`,
  );
  console.log('run   applications   ms       apps/s');
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const start = performance.now();
    const result = await generateApplications(appSet);
    const ms = performance.now() - start;
    times.push(ms);
    console.log(
      `${String(run).padEnd(6)}${String(result.applications.length).padEnd(
        15,
      )}${ms.toFixed(0).padEnd(9)}${Math.round(
        result.applications.length / (ms / 1000),
      )}`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `first ${times[0].toFixed(0)} ms, best ${sorted[0].toFixed(
      0,
    )} ms, median ${sorted[Math.floor(sorted.length / 2)].toFixed(
      0,
    )} ms (target: 1000 ms for 10,000 Applications)`,
  );
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
