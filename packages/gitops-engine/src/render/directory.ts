import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { compareBytes } from './compare';
import type { RenderContext } from './context';
import { RenderProblem } from './errors';
import { compileGlob, GlobSyntaxError } from './glob';
import { parseManifestFile, type ParsedDocument } from './manifests';
import { checkoutRelative, isWithin, toPosix } from './paths';
import type { ApplicationSourceDirectory } from './types';

/** Argo CD's built-in filter: only these extensions are candidate manifests. */
const MANIFEST_FILE = /^.*\.(yaml|yml|json|jsonnet)$/;

/** A file containing this marker is left out of the render. */
export const SKIP_FILE_RENDERING_MARKER = '+argocd:skip-file-rendering';

export const DEFAULT_MAX_DIRECTORY_MANIFEST_BYTES = 10 * 1024 * 1024;

function compileOption(
  name: 'include' | 'exclude',
  pattern: string | undefined,
): RegExp | undefined {
  if (!pattern) {
    return undefined;
  }
  try {
    return compileGlob(pattern);
  } catch (error) {
    if (error instanceof GlobSyntaxError) {
      // Argo CD would silently match nothing, which for `include` renders an
      // empty app and prunes everything; an error is the safer reading.
      throw new RenderProblem(
        'InvalidSource',
        `source.directory.${name}: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * The manifests of a plain directory source, read as Argo CD's repo-server
 * reads them: files in byte order of their names, depth first; subdirectories
 * only with `recurse`; only `.yaml`, `.yml` and `.json` unless the extension
 * filter is disabled; `include`/`exclude` globs on the path relative to the
 * app directory; files with the skip marker left out; symlinked files
 * followed only when they stay inside the checkout (a symlinked directory is
 * not entered, as in Argo CD).
 */
export async function readDirectorySource(
  context: RenderContext,
  options: {
    checkoutDir: string;
    realCheckoutDir: string;
    appDir: string;
    directory?: ApplicationSourceDirectory;
    maxBytes: number;
  },
): Promise<ParsedDocument[]> {
  const { checkoutDir, realCheckoutDir, appDir, maxBytes } = options;
  const directory = options.directory ?? {};
  const include = compileOption('include', directory.include);
  const exclude = compileOption('exclude', directory.exclude);
  const documents: ParsedDocument[] = [];
  let totalBytes = 0;

  const readCandidate = async (path: string, name: string) => {
    if (!directory.disableExtensionFilter && !MANIFEST_FILE.test(name)) {
      return;
    }
    const file = checkoutRelative(checkoutDir, path);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return; // a dangling symlink: nothing to read
    }
    if (!isWithin(realCheckoutDir, real)) {
      throw new RenderProblem(
        'SymlinkOutsideCheckout',
        `'${file}' is a symlink to a file outside the repository`,
        { file },
      );
    }
    const info = await stat(real);
    if (!info.isFile()) {
      return;
    }
    const relativePath = toPosix(relative(appDir, path));
    if (exclude?.test(relativePath)) {
      return;
    }
    if (include && !include.test(relativePath)) {
      return;
    }
    const text = (await readFile(real, 'utf8')).replace(/^\uFEFF/, '');
    if (text.includes(SKIP_FILE_RENDERING_MARKER)) {
      return;
    }
    if (name.endsWith('.jsonnet')) {
      throw new RenderProblem(
        'Unsupported',
        `'${file}' is Jsonnet, which is not supported; commit its output as YAML or JSON, or leave it out with source.directory.exclude`,
        { file },
      );
    }
    totalBytes += info.size;
    if (maxBytes > 0 && totalBytes > maxBytes) {
      throw new RenderProblem(
        'InvalidSource',
        `the manifests under '${checkoutRelative(
          checkoutDir,
          appDir,
        )}' exceed ${maxBytes} bytes in total; narrow the source with source.directory.include or exclude`,
        { file },
      );
    }
    documents.push(...parseManifestFile(text, file));
  };

  const visit = async (dir: string): Promise<void> => {
    context.checkDeadline(`reading ${checkoutRelative(checkoutDir, dir)}`);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      compareBytes(a.name, b.name),
    );
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (directory.recurse) {
          await visit(path);
        }
      } else {
        await readCandidate(path, entry.name);
      }
    }
  };

  await visit(appDir);
  return documents;
}
