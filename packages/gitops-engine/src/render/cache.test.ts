import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationSourceRenderer } from './ApplicationSourceRenderer';
import {
  canonicalJson,
  DiskRenderCache,
  MemoryRenderCache,
  type StoredRender,
} from './cache';
import type { RenderRequest } from './types';
import {
  copyFixture,
  FIXTURES,
  readLines,
  recordingRunner,
  removeTemporaryDirectories,
  temporaryDirectory,
  writeLoggingKustomize,
  writeScript,
} from './__testUtils__';

jest.setTimeout(60_000);

const SHA = 'c0ffee0000000000000000000000000000000001';
const KUSTOMIZE_FIXTURE = join(FIXTURES, 'kustomize');

function overlay(extra: Partial<RenderRequest> = {}): RenderRequest {
  return {
    checkoutDir: KUSTOMIZE_FIXTURE,
    repoURL: 'https://git.example.com/web/deploy.git',
    sha: SHA,
    source: { path: 'overlays/staging' },
    appName: 'web-staging',
    destinationNamespace: 'web-staging',
    ...extra,
  };
}

async function cacheFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const shard of await readdir(dir).catch(() => [] as string[])) {
    for (const file of await readdir(join(dir, shard))) {
      files.push(join(dir, shard, file));
    }
  }
  return files;
}

afterAll(removeTemporaryDirectories);

describe('the in-memory render cache', () => {
  it('serves a repeated render without running the tool, as fresh objects', async () => {
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    const first = await renderer.render(overlay());
    expect(first.cache).toBe('miss');
    first.objects[0].metadata.name = 'mutated-by-caller';

    const second = await renderer.render(overlay());
    expect(second.cache).toBe('memory');
    expect(recorder.runs).toHaveLength(1);
    expect(second.objects[0].metadata.name).toMatch(/^staging-web-config-/);
  });

  it('keys on commit, path and options, and re-renders on a hard refresh', async () => {
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    await renderer.render(overlay());
    await renderer.render(overlay({ sha: SHA.replace(/1$/, '2') }));
    await renderer.render(overlay({ source: { path: 'overlays/prod' } }));
    await renderer.render(
      overlay({
        source: { path: 'overlays/staging', kustomize: { namePrefix: 'b-' } },
      }),
    );
    expect(recorder.runs).toHaveLength(4);

    await renderer.render(overlay({ source: { path: 'overlays/prod' } }));
    expect(recorder.runs).toHaveLength(4);

    const refreshed = await renderer.render(overlay({ bypassCache: true }));
    expect(refreshed.cache).toBe('miss');
    expect(recorder.runs).toHaveLength(5);
  });

  it('runs identical renders that arrive together once', async () => {
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    const results = await Promise.all([
      renderer.render(overlay()),
      renderer.render(overlay()),
      renderer.render(overlay()),
      renderer.render(overlay()),
    ]);
    expect(recorder.runs).toHaveLength(1);
    for (const result of results) {
      expect(result.objects).toEqual(results[0].objects);
    }
  });

  it('evicts the least recently used results beyond its bounds', () => {
    const entry = (size: number): StoredRender => ({
      objectsJson: JSON.stringify('x'.repeat(size)),
      sourceType: 'Directory',
      renderedBy: { tool: 'directory' },
      containsSecret: false,
    });
    const byCount = new MemoryRenderCache(2, 1_000_000);
    byCount.set('a', entry(1));
    byCount.set('b', entry(1));
    byCount.get('a');
    byCount.set('c', entry(1));
    expect(byCount.get('b')).toBeUndefined();
    expect(byCount.get('a')).toBeDefined();
    expect(byCount.get('c')).toBeDefined();

    const bySize = new MemoryRenderCache(100, 250);
    bySize.set('a', entry(100));
    bySize.set('b', entry(100));
    bySize.set('c', entry(100));
    expect(bySize.get('a')).toBeUndefined();
    expect(bySize.size).toBe(2);
    bySize.set('huge', entry(1000));
    expect(bySize.get('huge')).toBeUndefined();
  });
});

describe('the on-disk render cache', () => {
  it('serves another renderer (a restart) from disk, without running the tool', async () => {
    const dir = await temporaryDirectory();
    const first = recordingRunner();
    await new ApplicationSourceRenderer({
      runTool: first.runTool,
      diskCache: { dir },
    }).render(overlay());
    expect(first.runs).toHaveLength(1);
    const files = await cacheFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/[0-9a-f]{64}\.json$/);
    expect(((await stat(files[0])).mode & 0o777).toString(8)).toBe('600');

    const second = recordingRunner();
    const restarted = new ApplicationSourceRenderer({
      runTool: second.runTool,
      diskCache: { dir },
    });
    const fromDisk = await restarted.render(overlay());
    expect(fromDisk.cache).toBe('disk');
    expect(fromDisk.renderedBy.tool).toBe('kubectl-kustomize');
    expect(fromDisk.objects.map(o => o.kind)).toEqual([
      'ConfigMap',
      'Service',
      'Deployment',
    ]);
    expect((await restarted.render(overlay())).cache).toBe('memory');
    expect(second.runs).toHaveLength(0);
  });

  it('ignores a corrupted entry, renders again and replaces it', async () => {
    const dir = await temporaryDirectory();
    await new ApplicationSourceRenderer({ diskCache: { dir } }).render(
      overlay(),
    );
    const [file] = await cacheFiles(dir);
    const valid = await readFile(file, 'utf8');
    await writeFile(file, valid.slice(0, valid.length / 2));

    const recorder = recordingRunner();
    const result = await new ApplicationSourceRenderer({
      runTool: recorder.runTool,
      diskCache: { dir },
    }).render(overlay());
    expect(result.cache).toBe('miss');
    expect(recorder.runs).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(valid));

    // An entry under the wrong name (copied, or a hash collision) is not trusted either.
    const cache = new DiskRenderCache(dir, 60_000);
    const other = file.replace(/[0-9a-f]{64}\.json$/, `${'f'.repeat(64)}.json`);
    await writeFile(other, valid);
    expect(await cache.get('f'.repeat(64))).toBeUndefined();
  });

  it('misses when the tool changes version', async () => {
    const dir = await temporaryDirectory();
    const tools = await temporaryDirectory();
    const log = join(tools, 'log');
    const kustomize = await writeLoggingKustomize(tools, log);
    await new ApplicationSourceRenderer({
      tools: { kustomize: { command: kustomize } },
      diskCache: { dir },
    }).render(overlay());

    const upgraded = await writeScript(
      join(tools, 'kustomize-next'),
      `if [ "$1" = version ]; then echo v5.6.0; exit 0; fi\nexec '${kustomize}' "$@"`,
    );
    const result = await new ApplicationSourceRenderer({
      tools: { kustomize: { command: upgraded } },
      diskCache: { dir },
    }).render(overlay());
    expect(result.cache).toBe('miss');
    expect(result.renderedBy.version).toBe('v5.6.0');
    expect(
      (await readLines(log)).filter(l => l.startsWith('build')),
    ).toHaveLength(2);
  });

  it('keeps Secrets off the disk unless entries are encrypted', async () => {
    const checkout = await copyFixture('directory');
    await writeFile(
      join(checkout, 'app', 'credentials.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t-value\n',
    );
    const withSecret = overlay({
      checkoutDir: checkout,
      source: { path: 'app', directory: { include: 'credentials.yaml' } },
    });

    const plainDir = await temporaryDirectory();
    const plain = new ApplicationSourceRenderer({
      diskCache: { dir: plainDir },
    });
    await plain.render(withSecret);
    expect(await cacheFiles(plainDir)).toEqual([]);
    expect((await plain.render(withSecret)).cache).toBe('memory');

    const encryptedDir = await temporaryDirectory();
    const key = 'a key the backend keeps in its secret store';
    await new ApplicationSourceRenderer({
      diskCache: { dir: encryptedDir, encryptionKey: key },
    }).render(withSecret);
    const [file] = await cacheFiles(encryptedDir);
    const stored = await readFile(file, 'utf8');
    expect(stored).not.toContain('s3cr3t-value');
    expect(stored).not.toContain(
      Buffer.from('s3cr3t-value').toString('base64'),
    );

    const sameKey = await new ApplicationSourceRenderer({
      diskCache: { dir: encryptedDir, encryptionKey: key },
    }).render(withSecret);
    expect(sameKey.cache).toBe('disk');
    expect(sameKey.objects[0].stringData).toEqual({ password: 's3cr3t-value' });

    const otherKey = await new ApplicationSourceRenderer({
      diskCache: { dir: encryptedDir, encryptionKey: 'another key' },
    }).render(withSecret);
    expect(otherKey.cache).toBe('miss');
  });

  it('writes atomically and sweeps entries past their age and orphaned temporary files', async () => {
    const dir = await temporaryDirectory();
    const cache = new DiskRenderCache(dir, 60_000);
    const render: StoredRender = {
      objectsJson: '[]',
      sourceType: 'Directory',
      renderedBy: { tool: 'directory' },
      containsSecret: false,
    };
    const keep = 'a'.repeat(64);
    const expire = 'b'.repeat(64);
    expect(await cache.set(keep, render)).toBe(true);
    expect(await cache.set(expire, render)).toBe(true);
    const orphan = join(dir, 'aa', `${keep}.json.123.abc.tmp`);
    await writeFile(orphan, '{');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(dir, 'bb', `${expire}.json`), old, old);
    await utimes(orphan, old, old);

    expect(await cache.get(expire)).toBeUndefined();
    await cache.sweep();
    expect((await cacheFiles(dir)).map(f => f.slice(dir.length + 1))).toEqual([
      `aa/${keep}.json`,
    ]);
    expect(await cache.get(keep)).toEqual(render);
  });
});

describe('render scheduling', () => {
  it('runs at most `concurrency` renders at once', async () => {
    const tools = await temporaryDirectory();
    const kustomize = await writeLoggingKustomize(tools, join(tools, 'log'));
    const slow = await writeScript(
      join(tools, 'slow-kustomize'),
      `if [ "$1" = build ]; then sleep 0.4; fi\nexec '${kustomize}' "$@"`,
    );
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      tools: { kustomize: { command: slow } },
      runTool: recorder.runTool,
      concurrency: 2,
    });
    await Promise.all(
      ['a-', 'b-', 'c-', 'd-', 'e-'].map(namePrefix =>
        renderer.render(
          overlay({
            source: { path: 'overlays/staging', kustomize: { namePrefix } },
          }),
        ),
      ),
    );
    expect(recorder.runs).toHaveLength(5);
    expect(recorder.maxActive).toBe(2);
  });
});

describe('canonicalJson', () => {
  it('orders keys so equal options hash alike', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }),
    ).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
