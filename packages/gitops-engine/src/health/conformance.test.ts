import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DefaultHealthAssessor } from './assessor';
import {
  getBuiltinResourceHealth,
  getShippedResourceHealth,
} from './resourceHealth';
import { HealthStatusCode, UnstructuredObject } from './types';

// Argo CD's own test data (see each folder's SOURCE.md), run case by case.

const fixtures = join(__dirname, '__fixtures__');

// One upstream input repeats a key; Go's YAML reader, like this option, keeps the last value.
function readObject(path: string): UnstructuredObject {
  return parseYaml(readFileSync(path, 'utf8'), {
    uniqueKeys: false,
  }) as UnstructuredObject;
}

interface CoreCase {
  input: string;
  status: HealthStatusCode | null;
}

const coreCases: CoreCase[] = JSON.parse(
  readFileSync(join(fixtures, 'health-core', 'cases.json'), 'utf8'),
).cases;

describe('gitops-engine health conformance (health-core)', () => {
  it('has all 49 cases', () => {
    expect(coreCases).toHaveLength(49);
  });

  it.each(coreCases.map(c => [c.input, c.status] as const))(
    '%s is %s',
    (input, expected) => {
      const health = getBuiltinResourceHealth(
        readObject(join(fixtures, 'health-core', input)),
      );
      expect(health?.status ?? null).toBe(expected);
    },
  );

  // The Driftless assessor differs from gitops-engine only for child Applications.
  it.each(
    coreCases
      .filter(c => !c.input.startsWith('application-'))
      .map(c => [c.input, c.status] as const),
  )('the default assessor agrees on %s', async (input, expected) => {
    const obj = readObject(join(fixtures, 'health-core', input));
    const health = await new DefaultHealthAssessor().assessResource(obj);
    expect(health?.status ?? null).toBe(expected);
    expect(health).toEqual(getBuiltinResourceHealth(obj));
  });

  it('gives child Applications the health they report unless switched off', async () => {
    const healthy = readObject(
      join(fixtures, 'health-core', 'application-healthy.yaml'),
    );
    const degraded = readObject(
      join(fixtures, 'health-core', 'application-degraded.yaml'),
    );
    const assessor = new DefaultHealthAssessor();
    expect(await assessor.assessResource(healthy)).toEqual({
      status: 'Healthy',
      message: '',
    });
    expect(await assessor.assessResource(degraded)).toEqual({
      status: 'Degraded',
      message: '',
    });
    const argoParity = new DefaultHealthAssessor({
      childApplicationHealth: false,
    });
    expect(await argoParity.assessResource(healthy)).toBeNull();
  });
});

interface HealthTestFile {
  tests: Array<{
    healthStatus: { status: HealthStatusCode; message?: string };
    inputPath: string;
  }>;
}

describe.each(['Rollout', 'AnalysisRun'])(
  'Argo Rollouts %s health conformance',
  kind => {
    const dir = join(fixtures, 'rollouts', kind);
    const file = parseYaml(
      readFileSync(join(dir, 'health_test.yaml'), 'utf8'),
    ) as HealthTestFile;

    it('has cases', () => {
      expect(file.tests.length).toBeGreaterThanOrEqual(
        kind === 'Rollout' ? 24 : 11,
      );
    });

    it.each(file.tests.map(t => [t.inputPath, t.healthStatus] as const))(
      '%s',
      async (inputPath, expected) => {
        const obj = readObject(join(dir, inputPath));
        const want = {
          status: expected.status,
          message: expected.message ?? '',
        };
        expect(
          getShippedResourceHealth(obj, { childApplications: true }),
        ).toEqual(want);
        expect(await new DefaultHealthAssessor().assessResource(obj)).toEqual(
          want,
        );
      },
    );
  },
);
