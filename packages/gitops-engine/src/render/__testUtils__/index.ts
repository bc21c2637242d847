import { createHash } from 'node:crypto';
import {
  chmod,
  cp,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { locateExecutable } from '../../tools/externalTools';
import { runTool } from '../../tools/runTool';
import { RenderError } from '../errors';
import type { Renderer, RenderRequest } from '../types';

export const FIXTURES = join(__dirname, '..', '__fixtures__');

/** A scratch directory removed by {@link removeTemporaryDirectories}. */
const temporaryDirectories: string[] = [];

export async function temporaryDirectory(
  prefix = 'render-test-',
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporaryDirectories.push(dir);
  return dir;
}

export async function removeTemporaryDirectories(): Promise<void> {
  while (temporaryDirectories.length > 0) {
    await rm(temporaryDirectories.pop()!, { recursive: true, force: true });
  }
}

/** A writable copy of a fixture folder, standing in for a checkout a test may change. */
export async function copyFixture(name: string): Promise<string> {
  const dir = join(await temporaryDirectory(), 'checkout');
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with a hash of its content (or link target), to prove a render changed nothing. */
export async function snapshotTree(
  dir: string,
): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const visit = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const key = relative(dir, path);
      if (entry.isSymbolicLink()) {
        snapshot[key] = `link:${await readlink(path)}`;
      } else if (entry.isDirectory()) {
        snapshot[key] = 'dir';
        await visit(path);
      } else {
        snapshot[key] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
      }
    }
  };
  await visit(dir);
  return snapshot;
}

export interface RecordedRun {
  executable: string;
  args: string[];
}

/**
 * The real {@link runTool}, recording each run: tests count tool runs to
 * observe cache hits and deduplication, and track how many run at once.
 */
export function recordingRunner() {
  const runs: RecordedRun[] = [];
  let active = 0;
  let maxActive = 0;
  const runner: typeof runTool = async (executable, args, options) => {
    runs.push({ executable, args: [...args] });
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      return await runTool(executable, args, options);
    } finally {
      active--;
    }
  };
  return {
    runTool: runner,
    runs,
    get maxActive() {
      return maxActive;
    },
  };
}

/** Writes an executable shell script. */
export async function writeScript(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * A `kustomize` stand-in that logs each invocation to `log` and builds with
 * the real `kubectl kustomize`: it exercises the `kustomize build` code path
 * on a machine that only has kubectl.
 */
export async function writeLoggingKustomize(
  dir: string,
  log: string,
): Promise<string> {
  const kubectl = await locateExecutable('kubectl');
  return writeScript(
    join(dir, 'kustomize'),
    [
      `echo "$*" >> '${log}'`,
      'if [ "$1" = version ]; then echo v5.5.0; exit 0; fi',
      `if [ "$1" = build ]; then shift; exec '${kubectl}' kustomize "$@"; fi`,
      'echo "unexpected arguments: $*" >&2',
      'exit 2',
    ].join('\n'),
  );
}

export async function readLines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The RenderError a render fails with; fails the test if it succeeds or throws something else. */
export async function renderError(
  renderer: Renderer,
  request: RenderRequest,
): Promise<RenderError> {
  const error = await renderer.render(request).then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
}
