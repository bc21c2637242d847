import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KubeObject } from './machinery/types';
import { parseManifests } from './kubeSim';

/** CRD sets shipped as test fixtures, by name. */
export const FIXTURE_CRDS = {
  /** Rollout, AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment (argoproj.io). */
  'argo-rollouts': 'argo-rollouts.yaml',
  /** SealedSecret (bitnami.com). */
  'sealed-secrets': 'sealed-secrets.yaml',
  /** ExternalSecret, SecretStore, ClusterSecretStore (external-secrets.io). */
  'external-secrets': 'external-secrets.yaml',
} as const;

export type FixtureCrdSet = keyof typeof FIXTURE_CRDS;

/** Path of a fixture CRD file (for `kubectl apply -f`). */
export function fixtureCrdPath(set: FixtureCrdSet): string {
  // Found through the package itself, so it works from src/ and from a build.
  const packageRoot = dirname(
    require.resolve('@driftless/kube-sim/package.json'),
  );
  return resolve(packageRoot, 'crds', FIXTURE_CRDS[set]);
}

/** The CustomResourceDefinition objects of fixture sets (all when none named). */
export function fixtureCrds(
  sets: FixtureCrdSet[] = Object.keys(FIXTURE_CRDS) as FixtureCrdSet[],
): KubeObject[] {
  return sets.flatMap(set =>
    parseManifests(readFileSync(fixtureCrdPath(set), 'utf8')),
  );
}
