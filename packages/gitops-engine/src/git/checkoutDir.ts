import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from '../tools/runTool';
import { runGit } from './gitCommand';
import type { GitCommandContext } from './gitCommand';

/** In-progress checkouts start with this; whatever carries it after a crash is garbage. */
export const TEMP_CHECKOUT_PREFIX = '.tmp-';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes write permission off everything below `dir` (symbolic links are left
 * as they are; `dir` itself stays writable until the caller is done). One
 * `chmod -R` in a child process: walking a large checkout entry by entry
 * here cost the event loop about half a second per commit at 5,000 files.
 */
async function makeReadOnlyBelow(dir: string): Promise<void> {
  await runTool('chmod', ['-R', 'a-w', dir]);
  await chmod(dir, 0o755);
}

async function makeWritable(dir: string): Promise<void> {
  let info;
  try {
    info = await lstat(dir);
  } catch {
    return;
  }
  if (!info.isDirectory()) {
    return;
  }
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      await makeWritable(join(dir, entry.name));
    }
  }
}

/** Deletes a checkout, which is read-only by design. */
export async function removeCheckoutDir(path: string): Promise<void> {
  await makeWritable(path);
  await rm(path, { recursive: true, force: true });
}

/** Marks a checkout as used now; {@link pruneCheckoutDirs} removes the ones unused longest. */
export async function touchCheckoutDir(path: string): Promise<void> {
  const now = new Date();
  await utimes(path, now, now);
}

/**
 * The checkout of `sha` under `checkoutsDir`, written on first use: the tree
 * goes into a temp directory beside the final one (index file outside it, so
 * the checkout holds only the commit's files), is made read-only, and is then
 * renamed into place, so a crash never leaves a partial checkout under the
 * final name. The caller holds the repository's lock.
 */
export async function materializeCheckout(
  context: GitCommandContext,
  options: { gitDir: string; checkoutsDir: string; sha: string },
): Promise<string> {
  const finalPath = join(options.checkoutsDir, options.sha);
  if (await exists(finalPath)) {
    await touchCheckoutDir(finalPath);
    return finalPath;
  }
  await mkdir(options.checkoutsDir, { recursive: true });
  const tempPath = await mkdtemp(
    join(options.checkoutsDir, `${TEMP_CHECKOUT_PREFIX}${options.sha}-`),
  );
  const indexFile = `${tempPath}.index`;
  try {
    const gitOptions = {
      gitDir: options.gitDir,
      env: { GIT_INDEX_FILE: indexFile },
    };
    await runGit(context, ['--work-tree', tempPath, 'read-tree', options.sha], {
      ...gitOptions,
      operation: `read-tree ${options.sha}`,
    });
    await runGit(
      context,
      ['--work-tree', tempPath, 'checkout-index', '--all', '--force'],
      { ...gitOptions, operation: `checkout of ${options.sha}` },
    );
    await makeReadOnlyBelow(tempPath);
    try {
      await rename(tempPath, finalPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process sharing the cache root won the race; its checkout is as good as ours.
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') {
        throw error;
      }
    }
    await chmod(finalPath, 0o555);
    return finalPath;
  } finally {
    await rm(indexFile, { force: true });
    if (await exists(tempPath)) {
      await removeCheckoutDir(tempPath);
    }
  }
}

/** A checkout that {@link pruneCheckoutDirs} removed. */
export interface PrunedCheckout {
  sha: string;
  path: string;
}

/**
 * Removes the checkouts under `checkoutsDir` last used before `cutoff`, and any
 * temp directory left by a crash. The caller holds the repository's lock, so
 * nothing here is being written.
 */
export async function pruneCheckoutDirs(
  checkoutsDir: string,
  cutoff: Date,
): Promise<PrunedCheckout[]> {
  let entries;
  try {
    entries = await readdir(checkoutsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: PrunedCheckout[] = [];
  for (const entry of entries) {
    const path = join(checkoutsDir, entry.name);
    if (entry.name.startsWith(TEMP_CHECKOUT_PREFIX)) {
      await removeCheckoutDir(path);
      continue;
    }
    if (!entry.isDirectory()) {
      continue;
    }
    const info = await stat(path);
    if (info.mtime < cutoff) {
      await removeCheckoutDir(path);
      removed.push({ sha: entry.name, path });
    }
  }
  return removed;
}
