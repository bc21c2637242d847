/**
 * Glob patterns as Argo CD matches `directory.include` and `exclude`: the
 * gobwas/glob syntax compiled without separators, so `*` also matches `/`.
 * `*`, `**`, `?`, `[abc]`, `[a-z]`, `[!abc]`, `{a,b}` (nestable, may contain
 * wildcards) and `\` escapes; the whole text must match.
 */
export class GlobSyntaxError extends Error {
  constructor(pattern: string, reason: string) {
    super(`invalid glob pattern '${pattern}': ${reason}`);
    this.name = 'GlobSyntaxError';
  }
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/** A recursive-descent translation of one pattern into a regular expression. */
class GlobCompiler {
  private position = 0;

  constructor(private readonly pattern: string) {}

  compile(): RegExp {
    return new RegExp(`^${this.sequence(false)}$`);
  }

  private fail(reason: string): never {
    throw new GlobSyntaxError(this.pattern, reason);
  }

  private sequence(insideBraces: boolean): string {
    const pattern = this.pattern;
    let out = '';
    while (this.position < pattern.length) {
      const char = pattern[this.position];
      if (insideBraces && (char === ',' || char === '}')) {
        return out;
      }
      this.position++;
      switch (char) {
        case '\\':
          if (this.position >= pattern.length) {
            this.fail('it ends with an escape');
          }
          out += escapeRegex(pattern[this.position++]);
          break;
        case '*':
          while (pattern[this.position] === '*') {
            this.position++;
          }
          out += '[\\s\\S]*';
          break;
        case '?':
          out += '[\\s\\S]';
          break;
        case '[':
          out += this.characterClass();
          break;
        case '{':
          out += this.alternatives();
          break;
        default:
          out += escapeRegex(char);
      }
    }
    if (insideBraces) {
      this.fail("a '{' is not closed");
    }
    return out;
  }

  private alternatives(): string {
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      // sequence() stopped on ',' (another alternative follows) or '}'.
      if (this.pattern[this.position++] === '}') {
        return `(?:${alternatives.join('|')})`;
      }
    }
  }

  private characterClass(): string {
    const end = this.pattern.indexOf(']', this.position);
    if (end < 0) {
      this.fail("a '[' is not closed");
    }
    let body = this.pattern.slice(this.position, end);
    this.position = end + 1;
    let negated = false;
    if (body.startsWith('!')) {
      negated = true;
      body = body.slice(1);
    }
    if (body.length === 0) {
      this.fail('a character class is empty');
    }
    let members = '';
    for (let i = 0; i < body.length; i++) {
      if (body[i + 1] === '-' && i + 2 < body.length) {
        const from = body[i];
        const to = body[i + 2];
        if (from > to) {
          this.fail(`range ${from}-${to} is reversed`);
        }
        members += `${escapeRegex(from)}-${escapeRegex(to)}`;
        i += 2;
      } else {
        members += escapeRegex(body[i]);
      }
    }
    return negated ? `[^${members}]` : `[${members}]`;
  }
}

export function compileGlob(pattern: string): RegExp {
  return new GlobCompiler(pattern).compile();
}

/** Whether `text` matches `pattern`; throws {@link GlobSyntaxError} for a malformed pattern. */
export function matchGlob(pattern: string, text: string): boolean {
  return compileGlob(pattern).test(text);
}
