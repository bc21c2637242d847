import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { jsonMergePatch } from '../render/sourceType';
import type { UnstructuredObject } from '../health/types';
import { DefaultResourceActionRunner } from './runner';
import type { ResourceAction, ResourceActionPatch } from './types';

// Argo CD's action tests for Argo Rollouts (see SOURCE.md in the fixtures
// folder), run case by case. The data lives with the health fixtures, which
// share its inputs.

const fixtures = join(__dirname, '..', 'health', '__fixtures__', 'rollouts');
const NOW = new Date('2024-05-01T12:34:56.789Z');
/** What upstream's expected outputs hold where the action stamps the time. */
const UPSTREAM_ZERO_TIME = '0001-01-01T00:00:00Z';

interface ActionTestFile {
  discoveryTests: { inputPath: string; result: ResourceAction[] }[];
  actionTests: {
    action: string;
    inputPath: string;
    expectedOutputPath: string;
    parameters?: Record<string, string>;
  }[];
}

function readYaml(path: string): any {
  // Go's YAML reader, like this option, keeps the last of repeated keys.
  return parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: false });
}

/** Null and absent fields are the same to the API server (upstream writes `abort: null` for a removed field). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, withoutNulls(item)]),
    );
  }
  return value;
}

/** Upstream's expected restart carries a zero time (its test normalizes the clock away); ours is stamped by the runner's fixed clock. */
function withRestartStampedAt(
  expected: UnstructuredObject,
  stamp: string,
): UnstructuredObject {
  const spec = expected.spec as Record<string, unknown>;
  return spec.restartAt === UPSTREAM_ZERO_TIME
    ? { ...expected, spec: { ...spec, restartAt: stamp } }
    : expected;
}

function byName(actions: ResourceAction[]): ResourceAction[] {
  return [...actions].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Actions Driftless offers beyond Argo CD's scripts (Argo Rollouts' own `promote`); `builtinRollouts.test.ts` covers them. */
const DRIFTLESS_ADDITIONS = ['Rollout/promote'];

const kinds = [
  { kind: 'Rollout', discovery: 9, actions: 8 },
  { kind: 'AnalysisRun', discovery: 2, actions: 1 },
];

/** Where each upstream case's change goes: the Rollouts controller reads these fields from status. */
const EXPECTED_SUBRESOURCES: Record<string, string[]> = {
  'Rollout resume testdata/pre_v0.6_paused_rollout.yaml': ['main'],
  'Rollout resume testdata/has_pause_condition_rollout.yaml': ['status'],
  'Rollout abort testdata/has_pause_condition_rollout.yaml': ['status'],
  'Rollout restart testdata/rollout_not_restarted.yaml': ['main'],
  'Rollout retry testdata/v0.9_aborted_rollout.yaml': ['status'],
  'Rollout promote-full testdata/v0.9_aborted_rollout.yaml': ['status'],
  'Rollout promote-full testdata/aborted_rollout.yaml': ['status'],
  'Rollout skip-current-step testdata/rollout-step1.yaml': ['status'],
  'AnalysisRun terminate testdata/runningAnalysisRun.yaml': ['main'],
};

describe.each(kinds)(
  'Argo CD action conformance: argoproj.io/$kind',
  ({ kind, discovery, actions }) => {
    const dir = join(fixtures, kind, 'actions');
    const tests: ActionTestFile = readYaml(join(dir, 'action_test.yaml'));
    const runner = new DefaultResourceActionRunner({ now: () => NOW });

    it('has every upstream case', () => {
      expect(tests.discoveryTests).toHaveLength(discovery);
      expect(tests.actionTests).toHaveLength(actions);
    });

    it.each(tests.discoveryTests.map(t => [t.inputPath, t.result] as const))(
      'discovers the actions of %s',
      async (inputPath, expected) => {
        const live = readYaml(join(dir, inputPath));
        const offered = (await runner.discoverActions(live)).filter(
          action => !DRIFTLESS_ADDITIONS.includes(`${kind}/${action.name}`),
        );
        // Upstream's order is a Go map's; Driftless sorts by name.
        expect(offered).toEqual(byName(expected));
      },
    );

    it.each(
      tests.actionTests.map(
        t =>
          [t.action, t.inputPath, t.expectedOutputPath, t.parameters] as const,
      ),
    )(
      'runs %s on %s',
      async (action, inputPath, expectedOutputPath, parameters) => {
        const live: UnstructuredObject = readYaml(join(dir, inputPath));
        const expected = withoutNulls(
          readYaml(join(dir, expectedOutputPath)),
        ) as UnstructuredObject;
        const result = await runner.runAction(live, action, parameters ?? {});

        expect(result.action).toBe(action);
        expect(result.changes).toHaveLength(1);
        const change = result.changes[0] as ResourceActionPatch;
        expect(change.operation).toBe('patch');
        expect(change.target).toEqual(result.source);

        expect(withoutNulls(change.resource)).toEqual(
          withRestartStampedAt(expected, '2024-05-01T12:34:56Z'),
        );

        // The requests, applied in order to the live object, give the changed object.
        let patched: unknown = live;
        for (const request of change.requests)
          patched = jsonMergePatch(patched, request.mergePatch);
        expect(withoutNulls(patched)).toEqual(withoutNulls(change.resource));
        expect(change.requests.map(r => r.subresource)).toEqual(
          EXPECTED_SUBRESOURCES[`${kind} ${action} ${inputPath}`],
        );
      },
    );
  },
);
