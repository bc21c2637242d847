import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { Application } from '../application';
import { generateApplications } from './ApplicationSetGenerator';

const FIXTURES = resolve(__dirname, '__fixtures__');
const REPO = join(FIXTURES, 'platform-repo');

const SEEDS = [
  { name: 'multi-env-list', count: 3, requeueAfterMs: undefined },
  { name: 'monorepo-git-directories', count: 3, requeueAfterMs: 180_000 },
  { name: 'matrix-envs-apps', count: 9, requeueAfterMs: 180_000 },
  { name: 'kustomize-overlays', count: 9, requeueAfterMs: 180_000 },
];

async function generateSeed(name: string) {
  const appSet = parse(
    readFileSync(join(FIXTURES, 'seeds', `${name}.yaml`), 'utf8'),
  );
  const checkouts: string[] = [];
  const result = await generateApplications(appSet, {
    gitCheckout: async (repoURL, revision) => {
      checkouts.push(`${repoURL}@${revision}`);
      return REPO;
    },
  });
  return { result, checkouts };
}

describe('the seed ApplicationSets', () => {
  it.each(SEEDS)(
    '$name generates $count Applications in the expected order',
    async seed => {
      const { result } = await generateSeed(seed.name);
      const expected = parseAllDocuments(
        readFileSync(
          join(FIXTURES, 'seeds', `${seed.name}.expected.yaml`),
          'utf8',
        ),
      ).map(document => document.toJS());
      expect(result.applications).toHaveLength(seed.count);
      expect(JSON.parse(JSON.stringify(result.applications))).toEqual(expected);
      expect(result.requeueAfterMs).toBe(seed.requeueAfterMs);
    },
  );

  it.each(SEEDS)(
    'every source path $name generates exists in the repository',
    async seed => {
      const { result } = await generateSeed(seed.name);
      for (const application of result.applications as Application[]) {
        const source = application.spec.source!;
        expect(existsSync(join(REPO, source.path!))).toBe(true);
        const valueFiles =
          (source.helm as { valueFiles?: string[] } | undefined)?.valueFiles ??
          [];
        for (const file of valueFiles) {
          expect(existsSync(join(REPO, source.path!, file))).toBe(true);
        }
      }
    },
  );

  it('reads the repository at the revision the generators name', async () => {
    const { checkouts } = await generateSeed('matrix-envs-apps');
    expect(new Set(checkouts)).toEqual(
      new Set(['https://git.example.internal/platform.git@main']),
    );
  });

  it('leaves out the excluded and the hidden directories of the monorepo', async () => {
    const { result } = await generateSeed('monorepo-git-directories');
    expect(result.applications.map(app => app.metadata.name)).toEqual([
      'billing',
      'catalog',
      'frontend',
    ]);
  });
});
