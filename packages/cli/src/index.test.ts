import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from './__testUtils__/runCli';

const packageVersion = require('../package.json').version as string;

describe('driftless CLI', () => {
  it('prints help listing its commands', async () => {
    const result = await runCli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: driftless [options] [command]');
    expect(result.stdout).toContain('doctor');
    expect(result.stdout).toContain('-V, --version');
  });

  it('prints the package version', async () => {
    const result = await runCli('--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion);
  });

  it('rejects an unknown command with a hint and exit code 1', async () => {
    const result = await runCli('sink');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown command 'sink'");
    expect(result.stderr).toContain('run driftless --help for usage');
  });

  it('doctor finds the real kubectl and helm', async () => {
    const result = await runCli('doctor');
    expect(result.stdout).toMatch(/^ok {7}kubectl v1\.\d+\.\d+/m);
    expect(result.stdout).toMatch(/^ok {7}helm v3\.\d+\.\d+/m);
    expect(result.code).toBe(0);
  });

  it('doctor fails, saying what for, when helm is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'driftless-cli-'));
    try {
      const fakeHelm = join(dir, 'helm');
      await writeFile(fakeHelm, '#!/bin/sh\nexit 2\n');
      await chmod(fakeHelm, 0o755);
      const result = await runCli('doctor', '--helm', fakeHelm);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`missing  helm: ${fakeHelm} version`);
      expect(result.stderr).toContain(
        'helm is required to render Helm sources.',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs as the bin script a user calls', () => {
    const bin = resolve(__dirname, '../bin/driftless');
    const result = spawnSync(process.execPath, [bin, '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion);
  });
});
