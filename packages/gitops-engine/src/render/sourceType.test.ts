import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RenderProblem } from './errors';
import {
  detectSourceType,
  jsonMergePatch,
  normalizeSource,
} from './sourceType';
import {
  removeTemporaryDirectories,
  temporaryDirectory,
} from './__testUtils__';

afterAll(removeTemporaryDirectories);

async function dirWith(...files: string[]): Promise<string> {
  const dir = await temporaryDirectory();
  await mkdir(join(dir, 'sub'));
  for (const file of files) {
    await writeFile(join(dir, file), 'x: 1\n');
  }
  return dir;
}

describe('source type detection, as Argo CD decides it', () => {
  it('takes an explicit section, and refuses two', async () => {
    const dir = await dirWith('Chart.yaml');
    expect(await detectSourceType({ directory: { recurse: true } }, dir)).toBe(
      'Directory',
    );
    expect(
      await detectSourceType({ kustomize: { namePrefix: 'x-' } }, dir),
    ).toBe('Kustomize');
    await expect(
      detectSourceType(
        { kustomize: { namePrefix: 'x-' }, helm: { releaseName: 'r' } },
        dir,
      ),
    ).rejects.toThrow('multiple application sources defined: Kustomize,Helm');
    await expect(
      detectSourceType({ plugin: { name: 'cmp' } }, dir),
    ).rejects.toBeInstanceOf(RenderProblem);
  });

  it('otherwise looks at the files: Chart.yaml is Helm, a kustomization wins over it', async () => {
    expect(
      await detectSourceType({}, await dirWith('Chart.yaml', 'values.yaml')),
    ).toBe('Helm');
    expect(await detectSourceType({}, await dirWith('kustomization.yml'))).toBe(
      'Kustomize',
    );
    expect(await detectSourceType({}, await dirWith('Kustomization'))).toBe(
      'Kustomize',
    );
    expect(
      await detectSourceType(
        {},
        await dirWith('Chart.yaml', 'kustomization.yaml'),
      ),
    ).toBe('Kustomize');
    expect(await detectSourceType({}, await dirWith('deploy.yaml'))).toBe(
      'Directory',
    );
  });

  it('treats all-zero tool sections as absent, keeping directory include/exclude', () => {
    expect(
      normalizeSource({
        helm: {},
        kustomize: { commonLabels: {} },
        directory: { recurse: false },
      }),
    ).toEqual({
      helm: undefined,
      kustomize: undefined,
      directory: undefined,
    });
    expect(
      normalizeSource({ directory: { include: '*.yaml' } }).directory,
    ).toEqual({ include: '*.yaml' });
    expect(normalizeSource({ helm: { valuesObject: {} } }).helm).toEqual({
      valuesObject: {},
    });
    expect(
      normalizeSource({ kustomize: { commonLabels: { a: '' } } }).kustomize,
    ).toBeDefined();
  });
});

describe('jsonMergePatch', () => {
  it('follows RFC 7386', () => {
    expect(
      jsonMergePatch(
        { a: 1, b: { c: 2, d: 3 }, e: [1] },
        { b: { c: null, f: 4 }, e: [2], g: 'x' },
      ),
    ).toEqual({
      a: 1,
      b: { d: 3, f: 4 },
      e: [2],
      g: 'x',
    });
  });
});
