/**
 * Go regular expressions (RE2 syntax) on JavaScript's engine, for the
 * ApplicationSet filters (`repositoryMatch`, `branchMatch`, …) and sprig's
 * regex functions. RE2 is a subset of what JavaScript accepts once a few
 * spellings are translated: leading flag groups `(?i)`, `(?s)`, `(?m)`,
 * `(?U)` is refused, `(?P<name>…)`, `\A`, `\z`, and POSIX classes such as
 * `[[:alpha:]]`. Back-references and look-around, which RE2 refuses, are
 * refused here too, so a pattern means the same thing as in Argo CD.
 */

export class GoRegexpError extends Error {
  constructor(pattern: string, reason: string) {
    super(`error parsing regexp: ${reason}: \`${pattern}\``);
    this.name = 'GoRegexpError';
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/** Compiles a Go regexp (unanchored, like regexp.MatchString); cached. */
export function compileGoRegexp(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}:${pattern}`;
  const cached = cache.get(key);
  if (cached) {
    return cached;
  }
  let flags = 'u';
  let body = pattern;
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (leading) {
    for (const flag of leading[1]) {
      if (flag === 'i' || flag === 's' || flag === 'm') {
        if (!flags.includes(flag)) flags += flag;
      } else {
        throw new GoRegexpError(
          pattern,
          `invalid or unsupported Perl syntax: \`(?${flag}\``,
        );
      }
    }
    body = body.slice(leading[0].length);
  }
  if (/\\[1-9]/.test(body.replace(/\\\\/g, ''))) {
    throw new GoRegexpError(
      pattern,
      'invalid escape sequence: back-references are not supported',
    );
  }
  if (/\(\?[=!<][^P]/.test(body) || /\(\?<[=!]/.test(body)) {
    throw new GoRegexpError(
      pattern,
      'invalid or unsupported Perl syntax: look-around is not supported',
    );
  }
  const translated = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, negate: string, name: string) => {
      const members = POSIX_CLASSES[name];
      if (!members) {
        throw new GoRegexpError(
          pattern,
          `invalid character class range: \`${whole}\``,
        );
      }
      if (negate) {
        throw new GoRegexpError(
          pattern,
          `negated POSIX class ${whole} is not supported here`,
        );
      }
      return members;
    });
  let compiled: RegExp;
  try {
    compiled = new RegExp(translated, global ? `${flags}g` : flags);
  } catch (error) {
    throw new GoRegexpError(
      pattern,
      (error as Error).message.replace(
        /^Invalid regular expression: \/.*\/[a-z]*: /,
        '',
      ),
    );
  }
  cache.set(key, compiled);
  return compiled;
}

/**
 * Go's Regexp.Expand template syntax for ReplaceAllString: `$1`, `${1}`,
 * `$name`, `${name}` (the longest name wins, so `$1x` is the group named
 * `1x`), `$$` for a dollar; unknown groups expand to nothing.
 */
export function expandGoTemplate(
  template: string,
  match: RegExpExecArray,
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i + 1;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const candidate = close > 0 ? template.slice(i + 2, close) : '';
      if (close > 0 && /^\w+$/.test(candidate)) {
        name = candidate;
        end = close + 1;
      }
    } else {
      const word = /^\w+/.exec(template.slice(i + 1));
      if (word) {
        name = word[0];
        end = i + 1 + word[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) {
      out += match[Number(name)] ?? '';
    } else {
      out += match.groups?.[name] ?? '';
    }
    i = end - 1;
  }
  return out;
}

/** regexp.ReplaceAllString with Go's expansion of `repl`. */
export function goReplaceAll(
  pattern: string,
  text: string,
  replacement: string,
  literal = false,
): string {
  const regexp = compileGoRegexp(pattern, true);
  regexp.lastIndex = 0;
  let out = '';
  let last = 0;
  let lastMatchEnd = -1;
  for (;;) {
    const match = regexp.exec(text);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    if (match[0].length === 0) {
      regexp.lastIndex = end + (text.codePointAt(end)! > 0xffff ? 2 : 1);
      // Go does not allow an empty match right after a previous match.
      if (start === lastMatchEnd) {
        if (regexp.lastIndex > text.length + 1) break;
        continue;
      }
    }
    out +=
      text.slice(last, start) +
      (literal ? replacement : expandGoTemplate(replacement, match));
    last = end;
    lastMatchEnd = end;
    if (end > text.length) break;
  }
  return out + text.slice(last);
}
