import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  EXAMPLES_DIRECTORY,
  EXAMPLES_REPO_URL,
  ensureDemoRepository,
  gitopsModuleLocalDemoRepository,
} from './localDemoRepository';

jest.setTimeout(60_000);

const git = async (cwd: string, ...args: string[]) =>
  (await promisify(execFile)('git', args, { cwd })).stdout.trim();

async function files(dir: string, prefix = ''): Promise<string[]> {
  const result: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory())
      result.push(...(await files(join(dir, entry.name), `${path}/`)));
    else result.push(path);
  }
  return result.sort();
}

describe('the local demo repository', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-demo-repo-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is created from examples/ in one commit, its Applications pointing at itself', async () => {
    const path = join(dir, 'nested', 'demo-repo');
    await expect(ensureDemoRepository({ path })).resolves.toBe('created');

    expect(await files(path)).toEqual(await files(EXAMPLES_DIRECTORY));
    expect(await git(path, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(await git(path, 'branch', '--show-current')).toBe('main');
    expect(await git(path, 'status', '--porcelain')).toBe('');
    const app = await readFile(
      join(path, 'bootstrap', 'shop-api-dev.yaml'),
      'utf8',
    );
    expect(app).toContain(`repoURL: ${pathToFileURL(path).href}\n`);
    // The README still explains where the URL came from; manifests no longer carry it.
    for (const file of (await files(path)).filter(f => /\.ya?ml$/.test(f))) {
      expect(await readFile(join(path, file), 'utf8')).not.toContain(
        EXAMPLES_REPO_URL,
      );
    }
    // What the controller does with it: list HEAD over the file:// URL.
    expect(
      await git(dir, 'ls-remote', pathToFileURL(path).href, 'HEAD'),
    ).toMatch(/^[0-9a-f]{40}\tHEAD$/);
    // No leftovers of the build next to it.
    expect(await readdir(join(dir, 'nested'))).toEqual(['demo-repo']);
  });

  it('keeps an existing repository and the commits made to it', async () => {
    const path = join(dir, 'demo-repo');
    await ensureDemoRepository({ path });
    await writeFile(join(path, 'bootstrap', 'extra.yaml'), 'kind: Nothing\n');
    await git(path, 'add', '--all');
    await git(
      path,
      '-c',
      'user.name=Someone',
      '-c',
      'user.email=someone@localhost',
      'commit',
      '--quiet',
      '-m',
      'my change',
    );
    await expect(ensureDemoRepository({ path })).resolves.toBe('exists');
    expect(await git(path, 'rev-list', '--count', 'HEAD')).toBe('2');
  });

  it('refuses to overwrite a directory that is not a Git repository', async () => {
    const path = join(dir, 'demo-repo');
    await mkdir(path);
    await writeFile(join(path, 'notes.txt'), 'mine');
    await expect(ensureDemoRepository({ path })).rejects.toThrow(
      `Cannot create the demo Git repository at ${path}: the directory exists, is not empty and is not a Git repository; remove it, or set DRIFTLESS_DEMO_REPO to another path`,
    );
    expect(await readFile(join(path, 'notes.txt'), 'utf8')).toBe('mine');
  });

  describe('module', () => {
    const saved = process.env.DRIFTLESS_DEMO_REPO;
    afterEach(() => {
      if (saved === undefined) delete process.env.DRIFTLESS_DEMO_REPO;
      else process.env.DRIFTLESS_DEMO_REPO = saved;
    });

    it('creates the repository at DRIFTLESS_DEMO_REPO when the backend starts, and nothing without it', async () => {
      const path = join(dir, 'demo-repo');
      delete process.env.DRIFTLESS_DEMO_REPO;
      const idle = await startTestBackend({
        features: [
          gitopsModuleLocalDemoRepository,
          mockServices.rootConfig.factory(),
        ],
      });
      await idle.stop();
      expect(await readdir(dir)).toEqual([]);

      process.env.DRIFTLESS_DEMO_REPO = path;
      const backend = await startTestBackend({
        features: [
          gitopsModuleLocalDemoRepository,
          mockServices.rootConfig.factory(),
        ],
      });
      await backend.stop();
      expect(await git(path, 'rev-list', '--count', 'HEAD')).toBe('1');
    });
  });
});
