/* eslint-disable consistent-return -- fail() throws (it returns never), which the rule does not follow */
/**
 * Lexer and parser for Go's text/template language, written from the
 * language's documented semantics: text and `{{actions}}`, `{{-`/`-}}` trim
 * markers, comments, pipelines, variables (`$x := …`, `$x = …`), if/else
 * if/else, range (with `$i, $e :=`, else, break, continue), with/else with,
 * define/template/block, constants (bool, nil, Go numbers and characters,
 * interpreted and raw strings) and parenthesised pipelines with field chains.
 * Errors read like Go's: `template: base:1: function "x" not defined`.
 */

import { quoteGoString } from './fmt';

export class GoTemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoTemplateParseError';
  }
}

type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'assign'
  | 'declare'
  | 'EOF'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'comment'
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

interface Token {
  type: TokenType;
  value: string;
  pos: number;
  line: number;
}

const KEYWORDS: Record<string, TokenType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};

const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined) =>
  c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

function describeRune(c: string): string {
  const code = c.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${c}'`;
}

/** Splits a template into tokens; errors become one 'error' token, as in Go. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  let pos = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let insideAction = false;

  const emit = (type: TokenType) => {
    tokens.push({
      type,
      value: input.slice(start, pos),
      pos: start,
      line: startLine,
    });
    start = pos;
    startLine = line;
  };
  const advance = (count: number) => {
    for (let i = 0; i < count; i++) {
      if (input[pos] === '\n') line++;
      pos++;
    }
  };
  const ignore = () => {
    start = pos;
    startLine = line;
  };
  const fail = (message: string) => {
    tokens.push({ type: 'error', value: message, pos: start, line: startLine });
    return false;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (
      isSpace(input[pos]) &&
      input[pos + 1] === '-' &&
      input.startsWith('}}', pos + 2)
    ) {
      return { delim: true, trim: true };
    }
    return { delim: input.startsWith('}}', pos), trim: false };
  };
  const skipLeadingSpace = () => {
    while (pos < input.length && isSpace(input[pos])) advance(1);
    ignore();
  };

  const lexComment = (): boolean => {
    advance(2);
    const end = input.indexOf('*/', pos);
    if (end < 0) return fail('unclosed comment');
    advance(end + 2 - pos);
    const { delim, trim } = atRightDelim();
    if (!delim) return fail('comment ends before closing delimiter');
    emit('comment');
    if (trim) advance(2);
    advance(2);
    ignore();
    if (trim) skipLeadingSpace();
    return true;
  };

  const lexLeftDelim = (trim: boolean): boolean => {
    advance(2);
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      advance(afterMarker);
      ignore();
      return lexComment();
    }
    emit('leftDelim');
    advance(afterMarker);
    ignore();
    parenDepth = 0;
    insideAction = true;
    return true;
  };

  const lexText = (): boolean => {
    const next = input.indexOf('{{', pos);
    if (next < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      tokens.push({ type: 'EOF', value: '', pos, line });
      return false;
    }
    advance(next - pos);
    const trim = input[pos + 2] === '-' && isSpace(input[pos + 3]);
    if (pos > start) {
      if (trim) {
        const text = input.slice(start, pos).replace(/[ \t\r\n]+$/, '');
        if (text)
          tokens.push({
            type: 'text',
            value: text,
            pos: start,
            line: startLine,
          });
        start = pos;
        startLine = line;
      } else {
        emit('text');
      }
    }
    return lexLeftDelim(trim);
  };

  const lexRightDelim = (trim: boolean): boolean => {
    if (trim) {
      advance(2);
      ignore();
    }
    advance(2);
    emit('rightDelim');
    if (trim) skipLeadingSpace();
    insideAction = false;
    return true;
  };

  const scanNumber = (): boolean => {
    if (input[pos] === '+' || input[pos] === '-') advance(1);
    let digits = '0123456789_';
    if (input[pos] === '0' && /[xXoObB]/.test(input[pos + 1] ?? '')) {
      const base = input[pos + 1].toLowerCase();
      advance(2);
      const digitsByBase: Record<string, string> = {
        x: '0123456789abcdefABCDEF_',
        o: '01234567_',
        b: '01_',
      };
      digits = digitsByBase[base];
    }
    while (pos < input.length && digits.includes(input[pos])) advance(1);
    if (input[pos] === '.') {
      advance(1);
      while (pos < input.length && digits.includes(input[pos])) advance(1);
    }
    if (digits.length === 11 && /[eE]/.test(input[pos] ?? '')) {
      advance(1);
      if (input[pos] === '+' || input[pos] === '-') advance(1);
      while (pos < input.length && '0123456789_'.includes(input[pos]))
        advance(1);
    }
    if (digits.length > 11 && /[pP]/.test(input[pos] ?? '')) {
      advance(1);
      if (input[pos] === '+' || input[pos] === '-') advance(1);
      while (pos < input.length && '0123456789_'.includes(input[pos]))
        advance(1);
    }
    if (input[pos] === 'i') {
      advance(1);
      return false;
    }
    return !isAlphaNumeric(input[pos]);
  };

  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
    return input.startsWith('}}', pos);
  };

  const lexInsideAction = (): boolean => {
    const { delim, trim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim(trim);
      return fail('unclosed left paren');
    }
    if (pos >= input.length) return fail('unclosed action');
    const c = input[pos];
    if (isSpace(c)) {
      while (pos < input.length && isSpace(input[pos])) {
        if (input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) break;
        advance(1);
      }
      if (pos === start) advance(1);
      emit('space');
      return true;
    }
    switch (c) {
      case '=':
        advance(1);
        emit('assign');
        return true;
      case ':':
        advance(1);
        if (input[pos] !== '=') return fail('expected :=');
        advance(1);
        emit('declare');
        return true;
      case '|':
        advance(1);
        emit('pipe');
        return true;
      case '"': {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === undefined || ch === '\n')
            return fail('unterminated quoted string');
          advance(1);
          if (ch === '\\') {
            const escaped = input[pos];
            if (escaped === undefined || escaped === '\n') {
              return fail('unterminated quoted string');
            }
            advance(1);
          } else if (ch === '"') {
            break;
          }
        }
        emit('string');
        return true;
      }
      case '`': {
        const end = input.indexOf('`', pos + 1);
        if (end < 0) return fail('unterminated raw quoted string');
        advance(end + 1 - pos);
        emit('rawString');
        return true;
      }
      case "'": {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === '\\') {
            advance(2);
            continue;
          }
          if (ch === undefined || ch === '\n')
            return fail('unterminated character constant');
          advance(1);
          if (ch === "'") break;
        }
        emit('charConstant');
        return true;
      }
      case '$': {
        advance(1);
        while (isAlphaNumeric(input[pos])) advance(1);
        if (!atTerminator())
          return fail(`bad character ${describeRune(input[pos])}`);
        emit('variable');
        return true;
      }
      case '.':
        if (pos + 1 < input.length && /[0-9]/.test(input[pos + 1])) {
          break;
        }
        advance(1);
        if (atTerminator()) {
          emit('dot');
          return true;
        }
        while (isAlphaNumeric(input[pos])) advance(1);
        if (!atTerminator())
          return fail(`bad character ${describeRune(input[pos])}`);
        emit('field');
        return true;
      case '(':
        advance(1);
        emit('leftParen');
        parenDepth++;
        return true;
      case ')':
        advance(1);
        parenDepth--;
        if (parenDepth < 0)
          return fail(`unexpected right paren ${describeRune(')')}`);
        emit('rightParen');
        return true;
      default:
    }
    if (c === '.' || c === '+' || c === '-' || /[0-9]/.test(c)) {
      if (!scanNumber()) {
        return fail(`bad number syntax: "${input.slice(start, pos)}"`);
      }
      emit('number');
      return true;
    }
    if (isAlphaNumeric(c)) {
      while (isAlphaNumeric(input[pos])) advance(1);
      const word = input.slice(start, pos);
      if (!atTerminator())
        return fail(`bad character ${describeRune(input[pos])}`);
      if (Object.prototype.hasOwnProperty.call(KEYWORDS, word) && word !== '.')
        emit(KEYWORDS[word]);
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return true;
    }
    if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20) {
      advance(1);
      emit('char');
      return true;
    }
    return fail(`unrecognized character in action: ${describeRune(c)}`);
  };

  for (;;) {
    const more = insideAction ? lexInsideAction() : lexText();
    if (!more) return tokens;
  }
}

// ---------------------------------------------------------------- nodes

export type ArgNode =
  | { kind: 'field'; pos: number; ident: string[] }
  | { kind: 'variable'; pos: number; ident: string[] }
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'bool'; pos: number; value: boolean }
  | NumberNode
  | { kind: 'string'; pos: number; quoted: string; text: string }
  | { kind: 'identifier'; pos: number; name: string }
  | { kind: 'chain'; pos: number; node: ArgNode; fields: string[] }
  | PipeNode;

export interface NumberNode {
  kind: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}

export interface CommandNode {
  pos: number;
  args: ArgNode[];
}

export interface PipeNode {
  kind: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pos: number; pipe: PipeNode }
  | {
      kind: 'if' | 'with' | 'range';
      pos: number;
      pipe: PipeNode;
      list: Node[];
      elseList?: Node[];
    }
  | { kind: 'template'; pos: number; name: string; pipe?: PipeNode }
  | { kind: 'break'; pos: number }
  | { kind: 'continue'; pos: number };

export interface ParsedTemplate {
  /** The source, for error positions. */
  source: string;
  root: Node[];
  /** Templates named by define and block. */
  defines: Map<string, Node[]>;
}

/** The text of a node as Go prints it in error contexts. */
export function nodeString(node: ArgNode | PipeNode | CommandNode): string {
  if ('args' in node) {
    return node.args
      .map(arg =>
        arg.kind === 'pipe' ? `(${nodeString(arg)})` : nodeString(arg),
      )
      .join(' ');
  }
  switch (node.kind) {
    case 'field':
      return node.ident.map(part => `.${part}`).join('');
    case 'variable':
      return node.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'identifier':
      return node.name;
    case 'chain': {
      const inner =
        node.node.kind === 'pipe'
          ? `(${nodeString(node.node)})`
          : nodeString(node.node);
      return inner + node.fields.map(field => `.${field}`).join('');
    }
    case 'pipe': {
      const decl = node.decl.length
        ? `${node.decl.join(', ')} ${node.isAssign ? '=' : ':='} `
        : '';
      return decl + node.cmds.map(cmd => nodeString(cmd)).join(' | ');
    }
    default:
      return '';
  }
}

/** Go's strconv.Unquote for "…" strings and `…` raw strings. */
function unquote(text: string): string | undefined {
  if (text.startsWith('`')) {
    return text.slice(1, -1).replace(/\r/g, '');
  }
  const body = text.slice(1, -1);
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
    };
    if (Object.prototype.hasOwnProperty.call(simple, e)) {
      flushBytes();
      out += simple[e];
    } else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const length = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) return undefined;
      flushBytes();
      out += String.fromCodePoint(parseInt(hex, 16));
      i += length;
    } else if (/[0-7]/.test(e)) {
      const octal = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(octal)) return undefined;
      bytes.push(parseInt(octal, 8));
      i += 2;
    } else {
      return undefined;
    }
  }
  flushBytes();
  return out;
}

function parseNumber(pos: number, text: string, type: TokenType): NumberNode {
  const node: NumberNode = {
    kind: 'number',
    pos,
    text,
    isInt: false,
    isFloat: false,
    int: 0n,
    float: 0,
  };
  if (type === 'charConstant') {
    const value =
      text === "'\\''"
        ? "'"
        : unquote(`"${text.slice(1, -1).replace(/"/g, '\\"')}"`);
    if (value === undefined || [...value].length !== 1) {
      throw new Error(`malformed character constant: ${text}`);
    }
    const code = value.codePointAt(0)!;
    node.isInt = true;
    node.isFloat = true;
    node.int = BigInt(code);
    node.float = code;
    return node;
  }
  const clean = text.replace(/_/g, '');
  const negative = clean.startsWith('-');
  const unsigned = clean.replace(/^[+-]/, '');
  let integer: bigint | undefined;
  if (
    /^0[xX][0-9a-fA-F]+$|^0[oO][0-7]+$|^0[bB][01]+$|^[1-9][0-9]*$|^0$/.test(
      unsigned,
    )
  ) {
    integer = BigInt(
      unsigned
        .replace(/^0[oO]/, '0o')
        .replace(/^0[bB]/, '0b')
        .replace(/^0[xX]/, '0x'),
    );
  } else if (/^0[0-7]+$/.test(unsigned)) {
    integer = BigInt(`0o${unsigned.slice(1)}`);
  }
  if (integer !== undefined) {
    node.isInt = true;
    node.int = negative ? -integer : integer;
    node.isFloat = true;
    node.float = Number(node.int);
    if (node.int > 9223372036854775807n || node.int < -9223372036854775808n) {
      throw new Error(`integer overflow: ${JSON.stringify(text)}`);
    }
    return node;
  }
  if (/^0[xX]/.test(unsigned)) {
    throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  }
  const float = Number(clean);
  if (
    Number.isNaN(float) ||
    !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)
  ) {
    throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  }
  node.isFloat = true;
  node.float = float;
  if (Number.isInteger(float) && Math.abs(float) < 2 ** 63) {
    node.isInt = true;
    node.int = BigInt(float);
  }
  return node;
}

const NON_EXECUTABLE = new Set(['bool', 'dot', 'nil', 'number', 'string']);

class Parser {
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly defines = new Map<string, Node[]>();

  constructor(
    private readonly name: string,
    private readonly tokens: Token[],
    private readonly hasFunction: (name: string) => boolean,
  ) {}

  private lineOf(token: Token): number {
    return token.line;
  }

  private fail(message: string, token?: Token): never {
    const at = token ?? this.tokens[Math.max(0, this.index - 1)];
    throw new GoTemplateParseError(
      `template: ${this.name}:${this.lineOf(at)}: ${message}`,
    );
  }

  private next(): Token {
    const token =
      this.tokens[this.index++] ?? this.tokens[this.tokens.length - 1];
    if (token.type === 'error') {
      this.fail(token.value, token);
    }
    return token;
  }

  private backup(count = 1) {
    this.index -= count;
  }

  private peek(): Token {
    const token = this.next();
    this.backup();
    return token;
  }

  private nextNonSpace(): Token {
    let token = this.next();
    while (token.type === 'space') token = this.next();
    return token;
  }

  private peekNonSpace(): Token {
    const before = this.index;
    const token = this.nextNonSpace();
    this.index = before;
    return token;
  }

  private describe(token: Token): string {
    switch (token.type) {
      case 'EOF':
        return 'EOF';
      case 'rightDelim':
        return '"}}"';
      case 'leftDelim':
        return '"{{"';
      case 'error':
        return token.value;
      default:
        if (
          Object.prototype.hasOwnProperty.call(KEYWORDS, token.value) &&
          KEYWORDS[token.value] === token.type
        ) {
          return `<${token.value}>`;
        }
        if ([...token.value].length > 10) {
          return `${quoteGoString([...token.value].slice(0, 10).join(''))}...`;
        }
        return quoteGoString(token.value);
    }
  }

  private unexpected(token: Token, context: string): never {
    if (token.type === 'error') {
      this.fail(token.value, token);
    }
    this.fail(`unexpected ${this.describe(token)} in ${context}`, token);
  }

  private expect(type: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== type) {
      this.unexpected(token, context);
    }
    return token;
  }

  parse(): Node[] {
    const root: Node[] = [];
    while (this.peek().type !== 'EOF') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          continue;
        }
        this.index = this.tokens.indexOf(delim);
      }
      const node = this.textOrAction();
      if (node === 'end' || node === 'else') {
        this.fail(`unexpected {{${node}}}`);
      }
      if (node) root.push(node);
    }
    return root;
  }

  private parseDefinition() {
    const token = this.nextNonSpace();
    const name = this.templateName(token, 'define clause');
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end !== 'end') {
      this.fail(`unexpected {{else}} in define clause`);
    }
    this.defines.set(name, list);
  }

  private templateName(token: Token, context: string): string {
    if (token.type === 'string' || token.type === 'rawString') {
      const name = unquote(token.value);
      if (name === undefined)
        this.fail(`invalid syntax: ${token.value}`, token);
      return name;
    }
    this.unexpected(token, context);
  }

  /** Items up to {{end}} or {{else}}; returns which one ended the list. */
  private itemList(): [Node[], 'end' | 'else'] {
    const list: Node[] = [];
    while (this.peekNonSpace().type !== 'EOF') {
      const node = this.textOrAction();
      if (node === 'end' || node === 'else') {
        return [list, node];
      }
      if (node) list.push(node);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | 'end' | 'else' | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { kind: 'text', text: token.value };
      case 'leftDelim':
        return this.action();
      case 'comment':
        return undefined;
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node | 'end' | 'else' {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        if (this.rangeDepth === 0) {
          this.fail(`{{${token.type}}} outside {{range}}`, token);
        }
        this.expect('rightDelim', token.type);
        return { kind: token.type, pos: token.pos };
      case 'else':
        return this.elseControl();
      case 'end':
        this.expect('rightDelim', 'end');
        return 'end';
      case 'if':
      case 'range':
      case 'with':
        return this.control(token.type);
      case 'template':
        return this.templateControl();
      default:
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'action', pos: pipe.pos, pipe };
  }

  private elseControl(): 'else' {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') {
      return 'else';
    }
    this.expect('rightDelim', 'else');
    return 'else';
  }

  private control(context: 'if' | 'range' | 'with'): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    const [list, ending] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (ending === 'else') {
      const peek = this.peekNonSpace();
      if (
        (context === 'if' && peek.type === 'if') ||
        (context === 'with' && peek.type === 'with')
      ) {
        this.nextNonSpace();
        elseList = [this.control(context)];
      } else {
        const [list2, ending2] = this.itemList();
        if (ending2 !== 'end') {
          this.fail('expected end; found {{else}}');
        }
        elseList = list2;
      }
    }
    this.vars.length = mark;
    return { kind: context, pos: pipe.pos, pipe, list, elseList };
  }

  private templateControl(): Node {
    const token = this.nextNonSpace();
    const name = this.templateName(token, 'template clause');
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline('template clause', 'rightDelim');
    }
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private blockControl(): Node {
    const token = this.nextNonSpace();
    const name = this.templateName(token, 'block clause');
    const pipe = this.pipeline('block clause', 'rightDelim');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, ending] = this.itemList();
    this.vars = saved;
    if (ending !== 'end') {
      this.fail('unexpected {{else}} in block clause');
    }
    this.defines.set(name, list);
    return { kind: 'template', pos: token.pos, name, pipe };
  }

  private pipeline(
    context: string,
    end: 'rightDelim' | 'rightParen',
  ): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: 'pipe',
      pos: first.pos,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    // Declarations: `$x :=`, `$x =`, and for range `$i, $e :=`.
    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.type !== 'variable') break;
      this.nextNonSpace();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(variable.value);
        this.vars.push(variable.value);
        break;
      }
      if (next.type === 'char' && next.value === ',') {
        this.nextNonSpace();
        pipe.decl.push(variable.value);
        this.vars.push(variable.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (
            after === 'variable' ||
            after === 'rightDelim' ||
            after === 'rightParen'
          ) {
            continue;
          }
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      if (tokenAfterVariable.type === 'space') {
        this.index = this.tokens.indexOf(variable);
      } else {
        this.index = this.tokens.indexOf(variable);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string) {
    if (pipe.cmds.length === 0) {
      this.fail(`missing value for ${context}`);
    }
    pipe.cmds.slice(1).forEach((cmd, index) => {
      if (NON_EXECUTABLE.has(cmd.args[0].kind)) {
        this.fail(`non executable command in pipeline stage ${index + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') {
        this.backup();
      } else if (token.type !== 'pipe') {
        this.unexpected(token, 'operand');
      }
      break;
    }
    if (cmd.args.length === 0) {
      this.fail('empty command');
    }
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') {
      fields.push(this.next().value.slice(1));
    }
    switch (node.kind) {
      case 'field':
        return {
          kind: 'field',
          pos: chainPos,
          ident: [...node.ident, ...fields],
        };
      case 'variable':
        return {
          kind: 'variable',
          pos: chainPos,
          ident: [...node.ident, ...fields],
        };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(
          `unexpected . after term ${JSON.stringify(nodeString(node))}`,
        );
        break;
      default:
    }
    return { kind: 'chain', pos: chainPos, node, fields };
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.hasFunction(token.value)) {
          this.fail(
            `function ${JSON.stringify(token.value)} not defined`,
            token,
          );
        }
        return { kind: 'identifier', pos: token.pos, name: token.value };
      case 'dot':
        return { kind: 'dot', pos: token.pos };
      case 'nil':
        return { kind: 'nil', pos: token.pos };
      case 'variable': {
        const ident = token.value.split('.');
        if (!this.vars.includes(ident[0])) {
          this.fail(`undefined variable ${JSON.stringify(ident[0])}`, token);
        }
        return { kind: 'variable', pos: token.pos, ident };
      }
      case 'field':
        return { kind: 'field', pos: token.pos, ident: [token.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: token.pos, value: token.value === 'true' };
      case 'charConstant':
      case 'number':
        try {
          return parseNumber(token.pos, token.value, token.type);
        } catch (error) {
          this.fail((error as Error).message, token);
        }
        break;
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': {
        const text = unquote(token.value);
        if (text === undefined) this.fail('invalid syntax', token);
        return { kind: 'string', pos: token.pos, quoted: token.value, text };
      }
      default:
    }
    this.backup();
    return undefined;
  }
}

/** Parses a template; throws {@link GoTemplateParseError} with Go's wording. */
export function parseGoTemplate(
  name: string,
  source: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate {
  const parser = new Parser(name, lex(source), hasFunction);
  const root = parser.parse();
  return { source, root, defines: parser.defines };
}
