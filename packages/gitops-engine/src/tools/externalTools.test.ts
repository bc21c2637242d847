import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExternalToolNotFoundError,
  locateExecutable,
  probeExternalTool,
} from './externalTools';

describe('locateExecutable', () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-tools-'));
    first = join(dir, 'first');
    second = join(dir, 'second');
    await mkdir(first);
    await mkdir(second);
    for (const target of [join(first, 'tool'), join(second, 'tool')]) {
      await writeFile(target, '#!/bin/sh\necho hi\n');
      await chmod(target, 0o755);
    }
    await writeFile(join(first, 'not-executable'), 'data');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('searches PATH in order, like a shell', async () => {
    await expect(
      locateExecutable('tool', { envPath: `${first}:${second}` }),
    ).resolves.toBe(join(first, 'tool'));
    await expect(
      locateExecutable('tool', { envPath: `${second}:${first}` }),
    ).resolves.toBe(join(second, 'tool'));
  });

  it('skips files that are not executable, and says where it looked', async () => {
    const error = await locateExecutable('not-executable', {
      envPath: `${first}:${second}`,
    }).catch(e => e);
    expect(error).toBeInstanceOf(ExternalToolNotFoundError);
    expect(error.message).toBe(
      "'not-executable' was not found on PATH (2 directories searched)",
    );
    expect(error.searched).toEqual([first, second]);
  });

  it('takes a path with a slash as given, relative to cwd', async () => {
    await expect(locateExecutable('first/tool', { cwd: dir })).resolves.toBe(
      join(first, 'tool'),
    );
    await expect(locateExecutable('./first', { cwd: dir })).rejects.toThrow(
      ExternalToolNotFoundError,
    );
  });
});

// These run the real binaries that scripts/bootstrap.sh installs into
// tools/bin (scripts/env.sh puts them on PATH), so a machine without them
// fails here instead of silently skipping every renderer test later.
describe('probeExternalTool on the real toolchain', () => {
  it('finds kubectl and reads its client and kustomize versions', async () => {
    const probe = await probeExternalTool('kubectl');
    expect(probe.error).toBeUndefined();
    expect(probe.path).toMatch(/\/kubectl$/);
    expect(probe.version).toMatch(
      /^v1\.\d+\.\d+.* \(kustomize v5\.\d+\.\d+\)$/,
    );
  });

  it('finds helm and reads its version', async () => {
    const probe = await probeExternalTool('helm');
    expect(probe.error).toBeUndefined();
    expect(probe.version).toMatch(/^v3\.\d+\.\d+$/);
  });

  it('reports a tool missing from PATH without throwing', async () => {
    const probe = await probeExternalTool(
      'helm',
      {},
      { envPath: '/nonexistent' },
    );
    expect(probe).toEqual({
      name: 'helm',
      error: "'helm' was not found on PATH (1 directory searched)",
    });
  });

  it('reports a binary that does not answer like the tool', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'driftless-fake-kubectl-'));
    try {
      const fake = join(dir, 'kubectl');
      await writeFile(fake, '#!/bin/sh\necho not json\n');
      await chmod(fake, 0o755);
      const probe = await probeExternalTool('kubectl', { command: fake });
      expect(probe.path).toBe(fake);
      expect(probe.version).toBeUndefined();
      expect(probe.error).toMatch(/JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
