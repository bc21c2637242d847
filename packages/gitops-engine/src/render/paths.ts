import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import {
  dirname,
  isAbsolute,
  join,
  relative,
  resolve,
  sep,
  posix,
} from 'node:path';
import { RenderProblem } from './errors';

/** Whether `candidate` is `root` or below it (both absolute, normalized). */
export function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return (
    rel === '' ||
    (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
  );
}

/** A path relative to the checkout, with forward slashes, for messages. */
export function checkoutRelative(checkoutDir: string, path: string): string {
  const rel = relative(checkoutDir, path);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/** The application directory inside a checkout, checked as Argo CD's `Path()` does, plus symlinks. */
export interface AppDirectory {
  /** Absolute, lexically under the checkout. */
  dir: string;
  /** `source.path` normalized, `.` for the root. */
  relativePath: string;
  /** The checkout with symlinks resolved. */
  realCheckoutDir: string;
}

export async function resolveAppDirectory(
  checkoutDir: string,
  sourcePath: string | undefined,
): Promise<AppDirectory> {
  const requested = sourcePath ?? '';
  if (isAbsolute(requested)) {
    throw new RenderProblem(
      'InvalidSource',
      `source.path '${requested}' is absolute; give it relative to the repository root`,
    );
  }
  const dir = resolve(checkoutDir, requested || '.');
  if (!isWithin(checkoutDir, dir)) {
    throw new RenderProblem(
      'OutsideCheckout',
      `source.path '${requested}' leads outside the repository`,
    );
  }
  const relativePath = checkoutRelative(checkoutDir, dir);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new RenderProblem(
      'InvalidSource',
      `source.path '${relativePath}' does not exist in the repository at this revision`,
    );
  }
  if (!info.isDirectory()) {
    throw new RenderProblem(
      'InvalidSource',
      `source.path '${relativePath}' is not a directory`,
    );
  }
  const realCheckoutDir = await realpath(checkoutDir);
  const realDir = await realpath(dir);
  if (!isWithin(realCheckoutDir, realDir)) {
    throw new RenderProblem(
      'SymlinkOutsideCheckout',
      `source.path '${relativePath}' is a symlink that resolves outside the repository`,
      { file: relativePath },
    );
  }
  return { dir, relativePath, realCheckoutDir };
}

/**
 * Rejects any symlink in the tree that is absolute or whose target, followed
 * step by step, leaves `root` — Argo CD's `CheckOutOfBoundsSymlinks`. Run on
 * the whole checkout before a tool that can read anywhere in it (Kustomize,
 * Helm), so no link can lead the tool out.
 */
export async function checkOutOfBoundsSymlinks(root: string): Promise<void> {
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await readlink(path);
        const file = checkoutRelative(root, path);
        if (isAbsolute(target)) {
          throw new RenderProblem(
            'SymlinkOutsideCheckout',
            `symlink '${file}' has an absolute target; only relative symlinks inside the repository are allowed`,
            { file },
          );
        }
        let current = dirname(path);
        for (const part of target.split('/')) {
          current = join(current, part);
          if (!isWithin(root, current)) {
            throw new RenderProblem(
              'SymlinkOutsideCheckout',
              `symlink '${file}' points outside the repository (to '${target}')`,
              { file },
            );
          }
        }
      } else if (
        entry.isDirectory() &&
        !(dir === root && entry.name === '.git')
      ) {
        await visit(path);
      }
    }
  };
  await visit(root);
}

/**
 * Resolves a file an option names (a Helm value file, a file parameter):
 * relative to `baseDir`, or to the checkout root when absolute, as Argo CD
 * does; symlinks followed; the result must stay inside the checkout.
 * Returns the real path when the file exists, else the joined path.
 */
export async function resolveFileInCheckout(
  checkoutDir: string,
  realCheckoutDir: string,
  baseDir: string,
  file: string,
  describe: string,
): Promise<{ path: string; exists: boolean }> {
  const joined = isAbsolute(file)
    ? join(checkoutDir, file)
    : resolve(baseDir, file);
  if (!isWithin(checkoutDir, joined)) {
    throw new RenderProblem(
      'OutsideCheckout',
      `${describe} '${file}' resolves outside the repository`,
    );
  }
  if (resolve(joined) === resolve(checkoutDir)) {
    throw new RenderProblem(
      'InvalidSource',
      `${describe} '${file}' resolves to the repository root, not a file`,
    );
  }
  const real = await realpathOrUndefined(joined);
  if (real === undefined) {
    // A dangling symlink is reported as missing, but never followed out.
    const link = await lstat(joined).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const target = await readlink(joined);
      if (
        isAbsolute(target) ||
        !isWithin(checkoutDir, resolve(dirname(joined), target))
      ) {
        throw new RenderProblem(
          'SymlinkOutsideCheckout',
          `${describe} '${file}' is a symlink that points outside the repository`,
          { file: checkoutRelative(checkoutDir, joined) },
        );
      }
    }
    return { path: joined, exists: false };
  }
  if (!isWithin(realCheckoutDir, real)) {
    throw new RenderProblem(
      'SymlinkOutsideCheckout',
      `${describe} '${file}' is a symlink that resolves outside the repository`,
      { file: checkoutRelative(checkoutDir, joined) },
    );
  }
  return { path: real, exists: true };
}

/** Forward-slash relative path, for globbing and messages. */
export function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}
