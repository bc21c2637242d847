/**
 * Listing and matching paths in a checkout the way Argo CD's repo-server
 * does for the Git generator:
 *
 * - directories: every directory under the root, depth first in byte order
 *   (filepath.WalkDir), hidden ones (`.name`) skipped, symbolic links not
 *   followed; matched with Go's `path.Match` (`*` and `?` stay within one
 *   segment, `[a-z]`, `[^…]`, `\` escapes);
 * - files, legacy mode (Argo CD's default): `git ls-files -- <pattern>`
 *   pathspecs, where a pattern without wildcards names a file or a directory
 *   prefix and wildcards match across `/` (so `*\/config.json` also matches
 *   `a/b/config.json`);
 * - files, doublestar mode (`applicationsetcontroller.enable.new.git.file.globbing`):
 *   `*` stays within a segment, `**` spans any number of segments, `{a,b}`
 *   alternatives; only files inside the checkout are returned.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A glob the generator cannot use; names the pattern and the problem. */
export class GitPathPatternError extends Error {
  constructor(pattern: string, problem: string) {
    super(`invalid path pattern '${pattern}': ${problem}`);
    this.name = 'GitPathPatternError';
  }
}

const escapeRegex = (text: string) =>
  text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Parses a `[…]` class at `start` (just after `[`); returns the regex class and the index after `]`. */
function characterClass(
  pattern: string,
  start: number,
  negators: string,
  allowPosix: boolean,
): { regex: string; end: number } {
  let i = start;
  let negated = false;
  if (negators.includes(pattern[i])) {
    negated = true;
    i++;
  }
  let members = '';
  let count = 0;
  for (;;) {
    if (i >= pattern.length) {
      throw new GitPathPatternError(pattern, "a '[' is not closed");
    }
    const c = pattern[i];
    if (c === ']' && count > 0) {
      i++;
      break;
    }
    if (allowPosix && pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      const name = close > 0 ? pattern.slice(i + 2, close) : '';
      const classes: Record<string, string> = {
        alnum: 'A-Za-z0-9',
        alpha: 'A-Za-z',
        digit: '0-9',
        lower: 'a-z',
        upper: 'A-Z',
        space: '\\s',
        xdigit: '0-9A-Fa-f',
        punct: '!-\\/:-@\\[-`{-~',
      };
      if (classes[name]) {
        members += classes[name];
        i = close + 2;
        count++;
        continue;
      }
    }
    let lo = c;
    if (c === '\\') {
      if (i + 1 >= pattern.length)
        throw new GitPathPatternError(pattern, 'it ends with an escape');
      lo = pattern[++i];
    } else if (!allowPosix && (c === '-' || c === ']')) {
      throw new GitPathPatternError(
        pattern,
        `unexpected '${c}' in a character class`,
      );
    }
    i++;
    let hi = lo;
    if (
      pattern[i] === '-' &&
      pattern[i + 1] !== ']' &&
      i + 1 < pattern.length
    ) {
      hi = pattern[i + 1];
      if (hi === '\\') hi = pattern[i + 2] ?? '';
      i += hi === pattern[i + 1] ? 2 : 3;
      if (hi < lo)
        throw new GitPathPatternError(pattern, `range ${lo}-${hi} is reversed`);
    }
    members +=
      lo === hi ? escapeRegex(lo) : `${escapeRegex(lo)}-${escapeRegex(hi)}`;
    count++;
  }
  return { regex: negated ? `[^${members}]` : `[${members}]`, end: i };
}

/** Go's path.Match as a regular expression; throws for a malformed pattern (Go's ErrBadPattern). */
export function compileGoPathMatch(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const { regex, end } = characterClass(pattern, i + 1, '^', false);
      out += regex;
      i = end;
    } else if (c === '\\') {
      if (i + 1 >= pattern.length)
        throw new GitPathPatternError(pattern, 'it ends with an escape');
      out += escapeRegex(pattern[i + 1]);
      i += 2;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return new RegExp(`^${out}$`, 's');
}

/** git's wildmatch without WM_PATHNAME: `*` and `?` match `/` too. */
function compileWildmatch(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
      i++;
    } else if (c === '[') {
      const { regex, end } = characterClass(pattern, i + 1, '!^', true);
      out += regex;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[i + 1]);
      i += 2;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return new RegExp(`^${out}$`);
}

/** Whether a file path matches a `git ls-files` pathspec (legacy globbing). */
export function compileGitPathspec(pattern: string): (path: string) => boolean {
  const normalized = pattern.replace(/^(\.\/)+/, '');
  if (normalized === '' || normalized === '.') {
    return () => true;
  }
  if (!/[*?[\\]/.test(normalized)) {
    const prefix = normalized.endsWith('/') ? normalized : `${normalized}/`;
    return path => path === normalized || path.startsWith(prefix);
  }
  const regex = compileWildmatch(normalized);
  return path => regex.test(path);
}

/** doublestar's glob (new Git file globbing) as a regular expression over a relative path. */
export function compileDoublestar(pattern: string): RegExp {
  const segments = pattern.replace(/^(\.\/)+/, '').split('/');
  let out = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      out += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    out += segmentRegex(segment, pattern) + (last ? '' : '/');
  });
  return new RegExp(`^${out}$`, 's');
}

function segmentRegex(segment: string, pattern: string): string {
  let out = '';
  for (let i = 0; i < segment.length; ) {
    const c = segment[i];
    if (c === '*') {
      while (segment[i] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const { regex, end } = characterClass(segment, i + 1, '!^', false);
      out += regex;
      i = end;
    } else if (c === '{') {
      let depth = 1;
      let j = i + 1;
      while (j < segment.length && depth > 0) {
        if (segment[j] === '{') depth++;
        if (segment[j] === '}') depth--;
        j++;
      }
      if (depth > 0)
        throw new GitPathPatternError(pattern, "a '{' is not closed");
      const body = segment.slice(i + 1, j - 1);
      const alternatives: string[] = [];
      let level = 0;
      let startAlt = 0;
      for (let k = 0; k < body.length; k++) {
        if (body[k] === '{') level++;
        else if (body[k] === '}') level--;
        else if (body[k] === ',' && level === 0) {
          alternatives.push(body.slice(startAlt, k));
          startAlt = k + 1;
        }
      }
      alternatives.push(body.slice(startAlt));
      out += `(?:${alternatives
        .map(alt => segmentRegex(alt, pattern))
        .join('|')})`;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= segment.length)
        throw new GitPathPatternError(pattern, 'it ends with an escape');
      out += escapeRegex(segment[i + 1]);
      i += 2;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

const byteOrder = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Every directory under `root` (relative, `/`-separated), in filepath.WalkDir order. */
export async function listDirectories(
  root: string,
  includeHidden = false,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (relative: string) => {
    const entries = await readdir(join(root, relative), {
      withFileTypes: true,
    });
    entries.sort((a, b) => byteOrder(a.name, b.name));
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (!includeHidden && entry.name.startsWith('.')) continue;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      out.push(path);
      await walk(path);
    }
  };
  await walk('');
  return out;
}

/**
 * Every regular file under `root` (relative, `/`-separated), `.git`
 * excluded; symbolic links are kept only when they resolve to a file inside
 * the checkout, as the repo-server ignores links that leave it.
 */
export async function listFiles(root: string): Promise<string[]> {
  const realRoot = await realpath(root);
  const out: string[] = [];
  const walk = async (relative: string) => {
    const entries = await readdir(join(root, relative), {
      withFileTypes: true,
    });
    entries.sort((a, b) => byteOrder(a.name, b.name));
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(path);
      } else if (entry.isFile()) {
        out.push(path);
      } else if (entry.isSymbolicLink()) {
        try {
          const target = await realpath(join(root, path));
          const stats = await lstat(target);
          if (
            stats.isFile() &&
            (target === realRoot || target.startsWith(realRoot + sep))
          ) {
            out.push(path);
          }
        } catch {
          // A dangling link is not a file.
        }
      }
    }
  };
  await walk('');
  return out;
}

export { byteOrder };
