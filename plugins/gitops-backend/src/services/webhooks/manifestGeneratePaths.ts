import { posix } from 'node:path';

/**
 * Argo CD's annotation on an Application listing, separated by `;`, the
 * directories its manifests come from: a push that changes none of them does
 * not refresh the app. Relative entries are relative to each source's path;
 * entries starting with `/` are relative to the repository root.
 */
export const MANIFEST_GENERATE_PATHS_ANNOTATION =
  'argocd.argoproj.io/manifest-generate-paths';

/**
 * The repository paths whose changes concern one source, from the annotation,
 * as absolute paths (`/` is the repository root). Empty when the annotation
 * is absent or lists nothing, meaning every change concerns it.
 */
export function manifestGeneratePaths(
  annotation: string | undefined,
  sourcePath: string | undefined,
): string[] {
  const paths: string[] = [];
  for (const entry of (annotation ?? '').split(';')) {
    const item = entry.trim();
    if (!item) {
      continue;
    }
    const path = item.startsWith('/')
      ? posix.normalize(item)
      : posix.join('/', sourcePath ?? '', item);
    paths.push(path.length > 1 ? path.replace(/\/+$/, '') : path);
  }
  return paths;
}

// Go's path.Match: `*` and `?` stop at '/', `[...]` classes with `^` and ranges, `\` escapes.
function goPathPatternToRegExp(pattern: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '\\') {
      i++;
      if (i >= pattern.length) {
        return undefined;
      }
      source += escapeRegExp(pattern[i]);
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        return undefined;
      }
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) {
        body = body.slice(1);
      }
      if (!body) {
        return undefined;
      }
      const escaped = body.replace(/[\]\\^]/g, c => `\\${c}`);
      source += negated ? `[^${escaped}]` : `[${escaped}]`;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether any changed file is one of the paths, under one of them, or
 * matches one as a glob; always true when either list is empty, since then
 * nothing says the change is irrelevant.
 */
export function changedFilesTouchPaths(
  paths: readonly string[],
  changedFiles: readonly string[] | undefined,
): boolean {
  if (!changedFiles || changedFiles.length === 0 || paths.length === 0) {
    return true;
  }
  return changedFiles.some(changed => {
    const file = posix.join('/', changed);
    return paths.some(path => {
      if (path === '/' || file === path || file.startsWith(`${path}/`)) {
        return true;
      }
      return goPathPatternToRegExp(path)?.test(file) ?? false;
    });
  });
}
