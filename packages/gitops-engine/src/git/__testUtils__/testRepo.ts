import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The tests' own git runs see neither the host's nor the user's git config.
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Driftless Test',
  GIT_AUTHOR_EMAIL: 'test@driftless.invalid',
  GIT_COMMITTER_NAME: 'Driftless Test',
  GIT_COMMITTER_EMAIL: 'test@driftless.invalid',
};

/** Runs git for test setup and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * A real repository for tests: a working clone where commits are made and a
 * bare "server" repository they are pushed to, both in a temp directory.
 */
export class TestRepo {
  readonly root: string;
  readonly work: string;
  readonly bare: string;

  constructor(name = 'repo') {
    this.root = mkdtempSync(join(tmpdir(), 'driftless-git-test-'));
    this.work = join(this.root, 'work');
    this.bare = join(this.root, `${name}.git`);
    git(
      this.root,
      'init',
      '--quiet',
      '--bare',
      '--initial-branch=main',
      this.bare,
    );
    git(this.root, 'init', '--quiet', '--initial-branch=main', this.work);
  }

  /** The file:// URL of the bare repository. */
  get fileURL(): string {
    return pathToFileURL(this.bare).href;
  }

  git(...args: string[]): string {
    return git(this.work, ...args);
  }

  /** Writes files (path → content) into the working tree, commits them, and returns the commit SHA. */
  commit(message: string, files: Record<string, string> = {}): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** Pushes refspecs to the bare repository, forcing them (history rewrites are part of what is tested). */
  push(...refspecs: string[]): void {
    this.git('push', '--quiet', '--force', this.bare, ...refspecs);
  }

  remoteSha(ref: string): string {
    return git(this.bare, 'rev-parse', `${ref}^{commit}`);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
