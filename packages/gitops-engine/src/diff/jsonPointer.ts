/** A JSON pointer that is not valid RFC 6901 syntax. */
export class JsonPointerSyntaxError extends Error {
  constructor(pointer: string, reason: string) {
    super(`JSON pointer ${JSON.stringify(pointer)}: ${reason}`);
    this.name = 'JsonPointerSyntaxError';
  }
}

/** The reference tokens of an RFC 6901 pointer: `/metadata/annotations/a~1b` → `metadata`, `annotations`, `a/b`. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new JsonPointerSyntaxError(
      pointer,
      "it must start with '/' (for example /spec/replicas)",
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map(token => {
      if (/~[^01]|~$/.test(token)) {
        throw new JsonPointerSyntaxError(
          pointer,
          "'~' must be followed by 0 (for ~) or 1 (for /)",
        );
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/**
 * An RFC 6902 `remove` of the pointed-to value, in place, as Argo CD applies
 * `ignoreDifferences.jsonPointers`: a path that does not exist changes
 * nothing. Returns whether something was removed.
 */
export function removeAtJsonPointer(root: unknown, tokens: string[]): boolean {
  if (tokens.length === 0) return false;
  let parent: unknown = root;
  for (const token of tokens.slice(0, -1)) {
    parent = child(parent, token);
    if (parent === undefined) return false;
  }
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const position = arrayIndex(last);
    if (position === undefined || position >= parent.length) return false;
    parent.splice(position, 1);
    return true;
  }
  if (typeof parent === 'object' && parent !== null && last in parent) {
    delete (parent as Record<string, unknown>)[last];
    return true;
  }
  return false;
}

function arrayIndex(token: string): number | undefined {
  return /^(0|[1-9]\d*)$/.test(token) ? Number(token) : undefined;
}

function child(value: unknown, token: string): unknown {
  if (Array.isArray(value)) {
    const position = arrayIndex(token);
    return position === undefined ? undefined : value[position];
  }
  if (typeof value === 'object' && value !== null)
    return (value as Record<string, unknown>)[token];
  return undefined;
}
