/**
 * The jq path expressions `ignoreDifferences.jqPathExpressions` use. Argo CD
 * runs `del(<expression>)` with gojq; no maintained pure-JavaScript jq gets
 * `del` over missing paths right, so this is the part of jq that such
 * expressions are written in, evaluated with jq's semantics:
 *
 * - paths: `.`, `..`, `.name`, `."quoted key"`, `.["key"]`, `.[0]`, `.[-1]`,
 *   `.[]` (array items or object values), and `?` after any of them;
 * - `a | b`, `a, b`, parentheses;
 * - `select(condition)`, `empty`, and in conditions: `==`, `!=`, `<`, `<=`,
 *   `>`, `>=`, `and`, `or`, `not`, string/number/`true`/`false`/`null`
 *   literals, `startswith(s)`, `endswith(s)`, `test(regex[; flags])`,
 *   `has(key)`, `contains(x)`, `length`, `type`.
 *
 * Anything else is refused when the expression is compiled, with a message
 * that names the unsupported part. As in jq, `.a.b` on a missing `.a` is a
 * path to nothing (deleting it changes nothing), while `.[]` over null is an
 * error, which `?` suppresses.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathElement = string | number;

/** An expression that cannot be compiled: a syntax error or a jq feature outside the supported subset. */
export class JqSyntaxError extends Error {
  constructor(expression: string, reason: string) {
    super(`jq path expression ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'JqSyntaxError';
  }
}

/** An error while evaluating (jq's runtime errors, such as iterating over null). */
export class JqRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqRuntimeError';
  }
}

const SUPPORTED_FUNCTIONS =
  'select, empty, not, startswith, endswith, test, has, contains, length, type';

// ------------------------------------------------------------------ tokens

type Token =
  | { kind: 'dot' }
  | { kind: 'recurse' }
  | { kind: 'field'; name: string }
  | {
      kind: 'punct';
      value: '[' | ']' | '(' | ')' | '|' | ',' | '?' | ';' | ':';
    }
  | { kind: 'op'; value: '==' | '!=' | '<' | '<=' | '>' | '>=' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'ident'; value: string }
  | { kind: 'end' };

function readString(
  source: string,
  start: number,
  fail: (reason: string) => never,
): { value: string; end: number } {
  let i = start + 1;
  while (i < source.length && source[i] !== '"') {
    if (source[i] === '\\') {
      if (source[i + 1] === '(')
        fail('string interpolation \\( ) is not supported');
      i += 2;
    } else i++;
  }
  if (i >= source.length) fail('a string is not closed');
  try {
    return { value: JSON.parse(source.slice(start, i + 1)), end: i + 1 };
  } catch {
    return fail(`invalid string ${source.slice(start, i + 1)}`);
  }
}

function tokenize(source: string, fail: (reason: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') fail('comments are not supported');
    if (c === '.') {
      if (source[i + 1] === '.') {
        tokens.push({ kind: 'recurse' });
        i += 2;
        continue;
      }
      const rest = source.slice(i + 1);
      const identifier = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (identifier) {
        tokens.push({ kind: 'field', name: identifier[0] });
        i += 1 + identifier[0].length;
        continue;
      }
      if (rest.startsWith('"')) {
        const { value, end } = readString(source, i + 1, fail);
        tokens.push({ kind: 'field', name: value });
        i = end;
        continue;
      }
      tokens.push({ kind: 'dot' });
      i++;
      continue;
    }
    if (c === '"') {
      const { value, end } = readString(source, i, fail);
      tokens.push({ kind: 'string', value });
      i = end;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '<=', '>='].includes(two)) {
      tokens.push({ kind: 'op', value: two as '==' });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>') {
      tokens.push({ kind: 'op', value: c });
      i++;
      continue;
    }
    if ('[]()|,?;:'.includes(c)) {
      tokens.push({ kind: 'punct', value: c as '[' });
      i++;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number && (c !== '-' || /\d/.test(source[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const identifier =
      /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*/.exec(
        source.slice(i),
      );
    if (identifier) {
      tokens.push({ kind: 'ident', value: identifier[0] });
      i += identifier[0].length;
      continue;
    }
    if (c === '$') fail('variables ($name) are not supported');
    if ('+-*/%'.includes(c)) fail(`arithmetic (${c}) is not supported`);
    if (c === '{') fail('object construction { } is not supported');
    if (c === '=') fail('assignment (=, |=) is not supported');
    fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

// ------------------------------------------------------------------ syntax tree

type Node =
  | { type: 'identity' }
  | { type: 'recurse' }
  | { type: 'field'; target: Node; name: string }
  | { type: 'index'; target: Node; index: Node }
  | { type: 'iterate'; target: Node }
  | { type: 'optional'; target: Node }
  | { type: 'pipe'; left: Node; right: Node }
  | { type: 'comma'; left: Node; right: Node }
  | { type: 'literal'; value: Json }
  | { type: 'and' | 'or'; left: Node; right: Node }
  | { type: 'compare'; op: string; left: Node; right: Node }
  | { type: 'call'; name: string; args: Node[] };

const FUNCTION_ARITY: Record<string, number[]> = {
  select: [1],
  empty: [0],
  not: [0],
  startswith: [1],
  endswith: [1],
  test: [1, 2],
  has: [1],
  contains: [1],
  length: [0],
  type: [0],
};

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fail: (reason: string) => never,
  ) {}

  parse(): Node {
    const node = this.pipe();
    const next = this.peek();
    if (next.kind !== 'end') this.fail(`unexpected ${describe(next)}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private next(): Token {
    return this.tokens[this.position++];
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private isIdent(value: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.value === value;
  }

  private expectPunct(value: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value)
      this.fail(`expected '${value}' but found ${describe(token)}`);
  }

  private pipe(): Node {
    let left = this.comma();
    while (this.isPunct('|')) {
      this.next();
      left = { type: 'pipe', left, right: this.comma() };
    }
    return left;
  }

  private comma(): Node {
    let left = this.or();
    while (this.isPunct(',')) {
      this.next();
      left = { type: 'comma', left, right: this.or() };
    }
    return left;
  }

  private or(): Node {
    let left = this.and();
    while (this.isIdent('or')) {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.compare();
    while (this.isIdent('and')) {
      this.next();
      left = { type: 'and', left, right: this.compare() };
    }
    return left;
  }

  private compare(): Node {
    const left = this.postfix();
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      return { type: 'compare', op: token.value, left, right: this.postfix() };
    }
    return left;
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'field') {
        this.next();
        node = { type: 'field', target: node, name: token.name };
      } else if (token.kind === 'dot' && this.isBracketAfterDot()) {
        this.next();
      } else if (this.isPunct('[')) {
        this.next();
        if (this.isPunct(']')) {
          this.next();
          node = { type: 'iterate', target: node };
        } else {
          const indexNode = this.pipe();
          if (this.isPunct(':')) this.fail('slices are not supported');
          this.expectPunct(']');
          node = { type: 'index', target: node, index: indexNode };
        }
      } else if (this.isPunct('?')) {
        this.next();
        node = { type: 'optional', target: node };
      } else {
        return node;
      }
    }
  }

  /** `.a.[0]` (jq 1.7) reads as `.a[0]`. */
  private isBracketAfterDot(): boolean {
    const after = this.tokens[this.position + 1];
    return after?.kind === 'punct' && after.value === '[';
  }

  private primary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'dot':
        return { type: 'identity' };
      case 'recurse':
        return { type: 'recurse' };
      case 'field':
        return {
          type: 'field',
          target: { type: 'identity' },
          name: token.name,
        };
      case 'string':
        return { type: 'literal', value: token.value };
      case 'number':
        return { type: 'literal', value: token.value };
      case 'punct':
        if (token.value === '(') {
          const inner = this.pipe();
          this.expectPunct(')');
          return inner;
        }
        if (token.value === '[')
          this.fail('array construction [ ... ] is not supported');
        return this.fail(`unexpected ${describe(token)}`);
      case 'ident':
        return this.identifier(token.value);
      default:
        return this.fail(`unexpected ${describe(token)}`);
    }
  }

  private identifier(name: string): Node {
    if (name === 'true') return { type: 'literal', value: true };
    if (name === 'false') return { type: 'literal', value: false };
    if (name === 'null') return { type: 'literal', value: null };
    if (
      [
        'if',
        'then',
        'else',
        'elif',
        'end',
        'reduce',
        'foreach',
        'try',
        'catch',
        'def',
        'as',
        'label',
        'import',
        'include',
      ].includes(name)
    ) {
      this.fail(
        `'${name}' is not supported; supported are paths, |, ',', and ${SUPPORTED_FUNCTIONS}`,
      );
    }
    const args: Node[] = [];
    if (this.isPunct('(')) {
      this.next();
      args.push(this.pipe());
      while (this.isPunct(';')) {
        this.next();
        args.push(this.pipe());
      }
      this.expectPunct(')');
    }
    const arities = FUNCTION_ARITY[name];
    if (!arities) {
      this.fail(
        `function '${name}' is not supported; supported are ${SUPPORTED_FUNCTIONS}`,
      );
    }
    if (!arities.includes(args.length)) {
      this.fail(
        `${name} takes ${arities.join(' or ')} argument(s), not ${args.length}`,
      );
    }
    return { type: 'call', name, args };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'field':
      return `.${token.name}`;
    case 'dot':
      return "'.'";
    case 'recurse':
      return "'..'";
    case 'punct':
    case 'op':
      return `'${token.value}'`;
    case 'string':
      return JSON.stringify(token.value);
    case 'number':
      return String(token.value);
    case 'ident':
      return `'${token.value}'`;
    default:
      return 'a token';
  }
}

// ------------------------------------------------------------------ evaluation

function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: Json): boolean {
  return value !== null && value !== false;
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object'];

/** jq's total order: null < false < true < numbers < strings < arrays < objects. */
function compareJson(a: Json, b: Json): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return TYPE_ORDER.indexOf(ta) - TYPE_ORDER.indexOf(tb);
  if (a === null) return 0;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') {
    if (a === b) return 0;
    return a < (b as string) ? -1 : 1;
  }
  if (Array.isArray(a)) {
    const other = b as Json[];
    for (let i = 0; i < Math.min(a.length, other.length); i++) {
      const order = compareJson(a[i], other[i]);
      if (order !== 0) return order;
    }
    return a.length - other.length;
  }
  const ao = a as { [key: string]: Json };
  const bo = b as { [key: string]: Json };
  const keysA = Object.keys(ao).sort();
  const keysB = Object.keys(bo).sort();
  const keyOrder = compareJson(keysA, keysB);
  if (keyOrder !== 0) return keyOrder;
  for (const key of keysA) {
    const order = compareJson(ao[key], bo[key]);
    if (order !== 0) return order;
  }
  return 0;
}

function index(value: Json, key: Json): Json {
  if (typeof key === 'string') {
    if (value === null) return null;
    if (isObject(value)) return key in value ? value[key] : null;
    throw new JqRuntimeError(
      `Cannot index ${typeName(value)} with ${JSON.stringify(key)}`,
    );
  }
  if (typeof key === 'number') {
    if (value === null) return null;
    if (Array.isArray(value)) {
      const position = Math.floor(key < 0 ? value.length + key : key);
      return position >= 0 && position < value.length ? value[position] : null;
    }
    throw new JqRuntimeError(`Cannot index ${typeName(value)} with number`);
  }
  throw new JqRuntimeError(
    `Cannot index ${typeName(value)} with ${typeName(key)}`,
  );
}

function* iterate(value: Json): Generator<[PathElement, Json]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [i, value[i]];
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) yield [key, value[key]];
  } else {
    throw new JqRuntimeError(
      `Cannot iterate over ${typeName(value)}${
        value === null ? ' (null)' : ''
      }`,
    );
  }
}

function* recurse(
  value: Json,
  path: PathElement[],
): Generator<[PathElement[], Json]> {
  yield [path, value];
  if (Array.isArray(value) || isObject(value)) {
    for (const [key, child] of iterate(value))
      yield* recurse(child, [...path, key]);
  }
}

function contains(a: Json, b: Json): boolean {
  if (typeName(a) !== typeName(b)) {
    throw new JqRuntimeError(
      `${typeName(a)} and ${typeName(b)} cannot have their containment checked`,
    );
  }
  if (typeof a === 'string') return a.includes(b as string);
  if (Array.isArray(a))
    return (b as Json[]).every(item =>
      a.some(
        candidate =>
          typeName(candidate) === typeName(item) && contains(candidate, item),
      ),
    );
  if (isObject(a)) {
    const other = b as { [key: string]: Json };
    return Object.keys(other).every(
      key =>
        key in a &&
        typeName(a[key]) === typeName(other[key]) &&
        contains(a[key], other[key]),
    );
  }
  return compareJson(a, b) === 0;
}

function regexOf(pattern: Json, flags: Json): RegExp {
  if (typeof pattern !== 'string')
    throw new JqRuntimeError(
      `${typeName(pattern)} cannot be matched, as it is not a string`,
    );
  let jsFlags = '';
  let source = pattern;
  for (const flag of typeof flags === 'string' ? flags : '') {
    if (flag === 'i') jsFlags += 'i';
    else if (flag === 's') jsFlags += 's';
    else if (flag === 'x') source = source.replace(/\s+|#.*$/gm, '');
    else if (flag !== 'g' && flag !== 'n')
      throw new JqRuntimeError(`${flag} is not a valid modifier string`);
  }
  try {
    return new RegExp(source, jsFlags);
  } catch (error) {
    throw new JqRuntimeError(`invalid regex: ${(error as Error).message}`);
  }
}

function* evaluate(node: Node, input: Json): Generator<Json> {
  switch (node.type) {
    case 'identity':
      yield input;
      return;
    case 'literal':
      yield node.value;
      return;
    case 'recurse':
      for (const [, value] of recurse(input, [])) yield value;
      return;
    case 'field':
      for (const value of evaluate(node.target, input))
        yield index(value, node.name);
      return;
    case 'index':
      for (const key of evaluate(node.index, input))
        for (const value of evaluate(node.target, input))
          yield index(value, key);
      return;
    case 'iterate':
      for (const value of evaluate(node.target, input))
        for (const [, item] of iterate(value)) yield item;
      return;
    case 'optional':
      try {
        for (const value of evaluate(node.target, input)) yield value;
      } catch (error) {
        if (!(error instanceof JqRuntimeError)) throw error;
      }
      return;
    case 'pipe':
      for (const value of evaluate(node.left, input))
        yield* evaluate(node.right, value);
      return;
    case 'comma':
      yield* evaluate(node.left, input);
      yield* evaluate(node.right, input);
      return;
    case 'and':
    case 'or':
      for (const left of evaluate(node.left, input)) {
        const decided = node.type === 'and' ? !truthy(left) : truthy(left);
        if (decided) {
          yield node.type === 'or';
          continue;
        }
        for (const right of evaluate(node.right, input)) yield truthy(right);
      }
      return;
    case 'compare':
      for (const right of evaluate(node.right, input)) {
        for (const left of evaluate(node.left, input)) {
          const order = compareJson(left, right);
          switch (node.op) {
            case '==':
              yield order === 0;
              break;
            case '!=':
              yield order !== 0;
              break;
            case '<':
              yield order < 0;
              break;
            case '<=':
              yield order <= 0;
              break;
            case '>':
              yield order > 0;
              break;
            default:
              yield order >= 0;
          }
        }
      }
      return;
    case 'call':
      yield* evaluateCall(node, input);
      return;
    default:
      throw new JqRuntimeError('unknown expression');
  }
}

function* evaluateCall(
  node: Extract<Node, { type: 'call' }>,
  input: Json,
): Generator<Json> {
  const [first, second] = node.args;
  switch (node.name) {
    case 'select':
      for (const condition of evaluate(first, input))
        if (truthy(condition)) yield input;
      return;
    case 'empty':
      return;
    case 'not':
      yield !truthy(input);
      return;
    case 'length':
      if (input === null) yield 0;
      else if (typeof input === 'string' || Array.isArray(input))
        yield input.length;
      else if (isObject(input)) yield Object.keys(input).length;
      else if (typeof input === 'number') yield Math.abs(input);
      else throw new JqRuntimeError('boolean has no length');
      return;
    case 'type':
      yield typeName(input);
      return;
    case 'startswith':
    case 'endswith':
      for (const affix of evaluate(first, input)) {
        if (typeof input !== 'string' || typeof affix !== 'string')
          throw new JqRuntimeError(`${node.name}() requires string inputs`);
        yield node.name === 'startswith'
          ? input.startsWith(affix)
          : input.endsWith(affix);
      }
      return;
    case 'test': {
      const flagValues: Json[] = second ? [...evaluate(second, input)] : [null];
      for (const pattern of evaluate(first, input))
        for (const flags of flagValues) {
          if (typeof input !== 'string')
            throw new JqRuntimeError(
              `${typeName(input)} cannot be matched, as it is not a string`,
            );
          yield regexOf(pattern, flags).test(input);
        }
      return;
    }
    case 'has':
      for (const key of evaluate(first, input)) {
        if (isObject(input) && typeof key === 'string') yield key in input;
        else if (Array.isArray(input) && typeof key === 'number')
          yield key >= 0 && key < input.length;
        else
          throw new JqRuntimeError(
            `Cannot check whether ${typeName(input)} has a ${typeName(
              key,
            )} key`,
          );
      }
      return;
    case 'contains':
      for (const other of evaluate(first, input)) yield contains(input, other);
      return;
    default:
      throw new JqRuntimeError(`function ${node.name} is not supported`);
  }
}

/** jq's `path(f)`: the paths `f` selects in the input, with the values there. */
function* paths(node: Node, input: Json): Generator<[PathElement[], Json]> {
  switch (node.type) {
    case 'identity':
      yield [[], input];
      return;
    case 'recurse':
      yield* recurse(input, []);
      return;
    case 'field':
      for (const [path, value] of paths(node.target, input))
        yield [[...path, node.name], index(value, node.name)];
      return;
    case 'index':
      for (const key of evaluate(node.index, input)) {
        if (typeof key !== 'string' && typeof key !== 'number')
          throw new JqRuntimeError(`Cannot index with ${typeName(key)}`);
        for (const [path, value] of paths(node.target, input))
          yield [[...path, key], index(value, key)];
      }
      return;
    case 'iterate':
      for (const [path, value] of paths(node.target, input)) {
        // Iterating null is an error in jq, also inside path().
        for (const [key, item] of iterate(value)) yield [[...path, key], item];
      }
      return;
    case 'optional':
      try {
        for (const entry of paths(node.target, input)) yield entry;
      } catch (error) {
        if (!(error instanceof JqRuntimeError)) throw error;
      }
      return;
    case 'pipe':
      for (const [leftPath, leftValue] of paths(node.left, input))
        for (const [rightPath, value] of paths(node.right, leftValue))
          yield [[...leftPath, ...rightPath], value];
      return;
    case 'comma':
      yield* paths(node.left, input);
      yield* paths(node.right, input);
      return;
    case 'call':
      if (node.name === 'select') {
        for (const condition of evaluate(node.args[0], input))
          if (truthy(condition)) yield [[], input];
        return;
      }
      if (node.name === 'empty') return;
      break;
    default:
      break;
  }
  const [value] = evaluate(node, input);
  throw new JqRuntimeError(
    `Invalid path expression with result ${JSON.stringify(value ?? null)}`,
  );
}

function deletePath(root: Json, path: PathElement[]): void {
  let parent: Json = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (parent === null) return;
    parent = index(parent, path[i]);
  }
  const last = path[path.length - 1];
  if (parent === null) return;
  if (typeof last === 'string') {
    if (!isObject(parent))
      throw new JqRuntimeError(
        `Cannot delete field at object index of ${typeName(parent)}`,
      );
    delete parent[last];
  } else {
    if (!Array.isArray(parent))
      throw new JqRuntimeError(
        `Cannot delete field at index ${last} of ${typeName(parent)}`,
      );
    const position = last < 0 ? parent.length + last : last;
    if (position >= 0 && position < parent.length) parent.splice(position, 1);
  }
}

/** A compiled path expression. */
export class JqPathExpression {
  private constructor(readonly source: string, private readonly node: Node) {}

  /** Compiles an expression; throws {@link JqSyntaxError} naming what is wrong or unsupported. */
  static compile(source: string): JqPathExpression {
    const fail = (reason: string): never => {
      throw new JqSyntaxError(source, reason);
    };
    if (source.trim() === '') fail('it is empty');
    const node = new Parser(tokenize(source, fail), fail).parse();
    return new JqPathExpression(source, node);
  }

  /** The paths the expression selects in a value (jq's `[path(expr)]`). */
  paths(value: unknown): PathElement[][] {
    return [...paths(this.node, value as Json)].map(([path]) => path);
  }

  /**
   * jq's `del(expr)` in place: deletes every selected path, deepest and
   * highest index first. Throws {@link JqRuntimeError} where jq would fail.
   */
  deleteFrom(value: Record<string, unknown>): void {
    const selected = this.paths(value);
    if (selected.some(path => path.length === 0)) {
      throw new JqRuntimeError(
        'the expression selects the whole object; it must select fields inside it',
      );
    }
    selected.sort((a, b) => compareJson(a, b));
    for (let i = selected.length - 1; i >= 0; i--)
      deletePath(value as Json, selected[i]);
  }
}
