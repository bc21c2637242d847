/* eslint-disable consistent-return -- fail() throws (it returns never), which the rule does not follow */
/**
 * Executes parsed Go templates with text/template's semantics: field and map
 * access with the `missingkey` option, pipelines whose previous result is the
 * next command's last argument, Go's argument type checks (`wrong type for
 * value; expected string; got float64`), variables and their scopes,
 * if/with/range (maps in key order, break, continue, range over an integer),
 * template/block calls, the builtin functions (and, or, not, len, index,
 * slice, eq, ne, lt, le, gt, ge, print, printf, println, html, js, urlquery)
 * and errors worded as Go words them.
 */
import { formatValue, sprint, sprintf, sprintln } from './fmt';
import {
  type ArgNode,
  type CommandNode,
  type Node,
  nodeString,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
} from './parse';
import {
  GoInt64,
  GoTime,
  type GoValue,
  goIntValue,
  goTruth,
  goTypeName,
  isGoInt,
  isGoMap,
  isGoStringMap,
  sortedKeys,
  zeroElementOf,
  compareGoStrings,
} from './values';

/** A Go parameter type of a template function. */
export type ParamType =
  | 'any'
  | 'string'
  | 'int'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'map'
  | 'time'
  /** reflect.Value, as the builtins take: no conversion, missing values allowed. */
  | 'value';

export interface GoFunction {
  params: ParamType[];
  /** The element type of a trailing variadic parameter. */
  variadic?: ParamType;
  call(...args: any[]): GoValue;
}

/** An error a template function returns; shown as `error calling <name>: <message>`. */
export class GoFunctionError extends Error {}

export type MissingKey = 'invalid' | 'zero' | 'error';

export class GoTemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoTemplateExecError';
  }
}

const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  any: 'interface {}',
  string: 'string',
  int: 'int',
  int64: 'int64',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  time: 'time.Time',
  value: 'reflect.Value',
};

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const MAX_DEPTH = 1000;

/**
 * A value with the static type it was read as: a map element of
 * map[string]interface{} is an `interface {}` until a pipeline ends, which
 * changes how Go treats nil and words its errors.
 */
interface Typed {
  value: GoValue;
  viaInterface: boolean;
}

type Located = ArgNode | CommandNode | PipeNode | Node;
type RangeNode = Extract<Node, { pipe: PipeNode; list: Node[] }>;
type TemplateNode = Extract<Node, { kind: 'template' }>;

interface Variable {
  name: string;
  value: GoValue;
}

function positionOf(node: Located): number {
  return 'pos' in node ? node.pos : 0;
}

function contextOf(node: Located): string {
  if ('kind' in node) {
    switch (node.kind) {
      case 'template':
        return node.pipe
          ? `{{template ${JSON.stringify(node.name)} ${nodeString(node.pipe)}}}`
          : `{{template ${JSON.stringify(node.name)}}}`;
      case 'if':
      case 'with':
      case 'range':
        return `{{${node.kind} ${nodeString(node.pipe)}}}`;
      case 'action':
        return `{{${nodeString(node.pipe)}}}`;
      case 'text':
        return node.text;
      case 'break':
      case 'continue':
        return `{{${node.kind}}}`;
      default:
        return nodeString(node as ArgNode);
    }
  }
  return nodeString(node);
}

/** Go's eq on two values; throws GoFunctionError like Go's. */
function basicKind(
  value: GoValue,
): 'bool' | 'int' | 'float' | 'string' | 'invalid' {
  if (typeof value === 'boolean') return 'bool';
  if (isGoInt(value)) return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'string';
  return 'invalid';
}

function nonComparable(value: GoValue): string {
  return `${formatValue(value, 's', {
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
  })}: ${goTypeName(value)}`;
}

export function goEquals(first: GoValue, ...others: GoValue[]): boolean {
  const a = first === null ? undefined : first;
  if (others.length === 0) {
    throw new GoFunctionError('missing argument for comparison');
  }
  const k1 = basicKind(a);
  for (const raw of others) {
    const b = raw === null ? undefined : raw;
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) {
        throw new GoFunctionError('incompatible types for comparison');
      }
    } else {
      switch (k1) {
        case 'int':
          truth = goIntValue(a as bigint) === goIntValue(b as bigint);
          break;
        case 'bool':
        case 'float':
        case 'string':
          truth = a === b;
          break;
        default:
          if (a === undefined || b === undefined) {
            truth = a === b;
          } else if (
            typeof a === 'object' &&
            !(a instanceof GoInt64) &&
            !(a instanceof GoTime)
          ) {
            throw new GoFunctionError(
              `non-comparable type ${nonComparable(a)}`,
            );
          } else if (
            typeof b === 'object' &&
            !(b instanceof GoInt64) &&
            !(b instanceof GoTime)
          ) {
            throw new GoFunctionError(
              `non-comparable type ${nonComparable(b)}`,
            );
          } else {
            truth =
              a instanceof GoTime && b instanceof GoTime
                ? a.date.getTime() === b.date.getTime()
                : a === b;
          }
      }
    }
    if (truth) {
      return true;
    }
  }
  return false;
}

function goLess(a0: GoValue, b0: GoValue): boolean {
  const a = a0 === null ? undefined : a0;
  const b = b0 === null ? undefined : b0;
  const k1 = basicKind(a);
  if (k1 === 'invalid')
    throw new GoFunctionError('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === 'invalid')
    throw new GoFunctionError('invalid type for comparison');
  if (k1 !== k2) throw new GoFunctionError('incompatible types for comparison');
  switch (k1) {
    case 'bool':
      throw new GoFunctionError('invalid type for comparison');
    case 'int':
      return goIntValue(a as bigint) < goIntValue(b as bigint);
    case 'string':
      return compareGoStrings(a as string, b as string) < 0;
    default:
      return (a as number) < (b as number);
  }
}

function goLength(item: GoValue): bigint {
  if (item === null) throw new GoFunctionError('len of nil pointer');
  if (item === undefined) {
    throw new GoFunctionError(
      'reflect: call of reflect.Value.Type on zero Value',
    );
  }
  if (typeof item === 'string') return BigInt(Buffer.byteLength(item, 'utf8'));
  if (Array.isArray(item)) return BigInt(item.length);
  if (isGoMap(item)) return BigInt(Object.keys(item).length);
  throw new GoFunctionError(`len of type ${goTypeName(item)}`);
}

function indexArg(index: GoValue, length: number): number {
  if (!isGoInt(index)) {
    throw new GoFunctionError(
      `cannot index slice/array with type ${
        index === undefined || index === null ? 'nil' : goTypeName(index)
      }`,
    );
  }
  const x = goIntValue(index);
  if (x < 0n || x >= BigInt(length)) {
    throw new GoFunctionError(`index out of range: ${x}`);
  }
  return Number(x);
}

function goIndex(item0: GoValue, ...indexes: GoValue[]): GoValue {
  let item = item0;
  if (item === undefined || item === null) {
    throw new GoFunctionError('index of untyped nil');
  }
  for (const index of indexes) {
    if (item === null || item === undefined) {
      throw new GoFunctionError('index of nil pointer');
    }
    if (typeof item === 'string') {
      const bytes: Buffer = Buffer.from(item, 'utf8');
      item = BigInt(bytes[indexArg(index, bytes.length)]);
    } else if (Array.isArray(item)) {
      item = item[indexArg(index, item.length)];
    } else if (isGoMap(item)) {
      if (index === undefined || index === null) {
        throw new GoFunctionError('value is nil; should be of type string');
      }
      if (typeof index !== 'string') {
        throw new GoFunctionError(
          `value has type ${goTypeName(index)}; should be string`,
        );
      }
      item = Object.prototype.hasOwnProperty.call(item, index)
        ? item[index]
        : zeroElementOf(item);
    } else {
      throw new GoFunctionError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function goSlice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) {
    throw new GoFunctionError('slice of untyped nil');
  }
  if (indexes.length > 3) {
    throw new GoFunctionError(`too many slice indexes: ${indexes.length}`);
  }
  const isString = typeof item === 'string';
  if (!isString && !Array.isArray(item)) {
    throw new GoFunctionError(`can't slice item of type ${goTypeName(item)}`);
  }
  if (isString && indexes.length === 3) {
    throw new GoFunctionError('cannot 3-index slice a string');
  }
  const length = isString
    ? Buffer.byteLength(item, 'utf8')
    : (item as GoValue[]).length;
  const bounds = [0, length];
  indexes.forEach((index, i) => {
    bounds[i] = indexArg(index, length + 1);
  });
  if (bounds[0] > bounds[1]) {
    throw new GoFunctionError(
      `invalid slice index: ${bounds[0]} > ${bounds[1]}`,
    );
  }
  if (isString) {
    return Buffer.from(item, 'utf8')
      .subarray(bounds[0], bounds[1])
      .toString('utf8');
  }
  return (item as GoValue[]).slice(bounds[0], bounds[1]);
}

function evalArgsText(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') {
    return args[0];
  }
  return sprint(args.map(arg => (arg === undefined ? null : arg)));
}

function htmlEscape(text: string): string {
  return text.replace(/[\0"'&<>]/g, c =>
    c === '\0'
      ? '\uFFFD'
      : (
          {
            '"': '&#34;',
            "'": '&#39;',
            '&': '&amp;',
            '<': '&lt;',
            '>': '&gt;',
          } as Record<string, string>
        )[c],
  );
}

function jsEscape(text: string): string {
  let out = '';
  for (const c of text) {
    switch (c) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '<':
        out += '\\u003C';
        break;
      case '>':
        out += '\\u003E';
        break;
      case '&':
        out += '\\u0026';
        break;
      case '=':
        out += '\\u003D';
        break;
      default: {
        const code = c.codePointAt(0)!;
        out +=
          code < 0x20
            ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
            : c;
      }
    }
  }
  return out;
}

function queryEscape(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map(byte => {
      const c = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** text/template's builtins; sprig's may replace some (its `slice`). */
export const BUILTIN_FUNCTIONS: Record<string, GoFunction> = {
  and: { params: ['value'], variadic: 'value', call: () => undefined },
  or: { params: ['value'], variadic: 'value', call: () => undefined },
  not: { params: ['value'], call: (v: GoValue) => !goTruth(v) },
  len: { params: ['value'], call: goLength },
  index: { params: ['value'], variadic: 'value', call: goIndex },
  slice: { params: ['value'], variadic: 'value', call: goSlice },
  eq: { params: ['value'], variadic: 'value', call: goEquals },
  ne: {
    params: ['value', 'value'],
    call: (a: GoValue, b: GoValue) => !goEquals(a, b),
  },
  lt: { params: ['value', 'value'], call: goLess },
  le: {
    params: ['value', 'value'],
    call: (a: GoValue, b: GoValue) => goLess(a, b) || goEquals(a, b),
  },
  gt: {
    params: ['value', 'value'],
    call: (a: GoValue, b: GoValue) => !(goLess(a, b) || goEquals(a, b)),
  },
  ge: {
    params: ['value', 'value'],
    call: (a: GoValue, b: GoValue) => !goLess(a, b),
  },
  print: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => sprint(args),
  },
  println: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => sprintln(args),
  },
  printf: {
    params: ['string'],
    variadic: 'any',
    call: (format: string, ...args: GoValue[]) => sprintf(format, args),
  },
  html: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => htmlEscape(evalArgsText(args)),
  },
  js: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => jsEscape(evalArgsText(args)),
  },
  urlquery: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => queryEscape(evalArgsText(args)),
  },
};

export interface ExecOptions {
  name: string;
  missingKey: MissingKey;
  functions: Map<string, GoFunction>;
}

/** One execution of a parsed template against data. */
export class GoTemplateExecution {
  private readonly out: string[] = [];
  private vars: Variable[];
  private current: Located | undefined;
  private depth = 0;
  private templateName: string;

  constructor(
    private readonly template: ParsedTemplate,
    private readonly options: ExecOptions,
    data: GoValue,
  ) {
    this.vars = [{ name: '$', value: data }];
    this.templateName = options.name;
  }

  run(data: GoValue): string {
    this.walkList(data, this.template.root);
    return this.out.join('');
  }

  private fail(message: string): never {
    const name = this.templateName;
    if (!this.current) {
      throw new GoTemplateExecError(`template: ${name}: ${message}`);
    }
    const source = this.template.source;
    const pos = positionOf(this.current);
    const before = source.slice(0, pos);
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const column = Buffer.byteLength(source.slice(lineStart, pos), 'utf8');
    const byteColumn =
      lineStart === 0 ? Buffer.byteLength(before, 'utf8') : column;
    throw new GoTemplateExecError(
      `template: ${
        this.options.name
      }:${line}:${byteColumn}: executing ${JSON.stringify(
        name,
      )} at <${contextOf(this.current)}>: ${message}`,
    );
  }

  private at(node: Located) {
    this.current = node;
  }

  private walkList(dot: GoValue, list: Node[]) {
    for (const node of list) {
      this.walk(dot, node);
    }
  }

  private walk(dot: GoValue, node: Node) {
    this.at(node);
    switch (node.kind) {
      case 'text':
        this.out.push(node.text);
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.out.push(this.printable(value));
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const value = this.evalPipeline(dot, node.pipe);
        if (goTruth(value)) {
          this.walkList(node.kind === 'with' ? value : dot, node.list);
        } else if (node.elseList) {
          this.walkList(dot, node.elseList);
        }
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      default:
    }
  }

  private printable(value: GoValue): string {
    if (value === undefined || value === null) {
      return '<no value>';
    }
    if (typeof value === 'string') {
      return value;
    }
    return sprint([value]);
  }

  private walkRange(dot: GoValue, node: RangeNode) {
    this.at(node);
    const mark = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    const bodyMark = this.vars.length;
    const { pipe } = node;
    const iterate = (index: GoValue, element: GoValue) => {
      if (pipe.decl.length > 0) {
        if (pipe.isAssign) {
          this.setVar(pipe.decl[0], pipe.decl.length > 1 ? index : element);
        } else {
          this.vars[this.vars.length - 1].value = element;
        }
      }
      if (pipe.decl.length > 1) {
        if (pipe.isAssign) {
          this.setVar(pipe.decl[1], element);
        } else {
          this.vars[this.vars.length - 2].value = index;
        }
      }
      try {
        this.walkList(element, node.list);
      } catch (signal) {
        if (signal !== CONTINUE) throw signal;
      } finally {
        this.vars.length = bodyMark;
      }
    };
    let iterated = false;
    try {
      if (Array.isArray(value)) {
        value.forEach((element, i) => {
          iterated = true;
          iterate(BigInt(i), element);
        });
      } else if (isGoMap(value)) {
        for (const key of sortedKeys(value)) {
          iterated = true;
          iterate(key, value[key]);
        }
      } else if (isGoInt(value)) {
        const count = goIntValue(value);
        for (let i = 0n; i < count; i++) {
          iterated = true;
          iterate(
            value instanceof GoInt64 ? new GoInt64(i) : i,
            value instanceof GoInt64 ? new GoInt64(i) : i,
          );
        }
      } else if (value !== undefined && value !== null) {
        this.fail(`range can't iterate over ${this.printable(value)}`);
      }
    } catch (signal) {
      if (signal !== BREAK) throw signal;
    }
    if (!iterated && node.elseList) {
      this.walkList(dot, node.elseList);
    }
    this.vars.length = mark;
  }

  private walkTemplate(dot: GoValue, node: TemplateNode) {
    this.at(node);
    const body = this.template.defines.get(node.name);
    if (!body) {
      this.fail(`template ${JSON.stringify(node.name)} not defined`);
    }
    if (this.depth >= MAX_DEPTH) {
      this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
    }
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const savedVars = this.vars;
    const savedName = this.templateName;
    this.vars = [{ name: '$', value: newDot }];
    this.templateName = node.name;
    this.depth++;
    try {
      this.walkList(newDot, body);
    } finally {
      this.depth--;
      this.vars = savedVars;
      this.templateName = savedName;
    }
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        return this.vars[i].value;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: GoValue) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: GoValue = undefined;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value, hasFinal).value;
      hasFinal = true;
      // A nil interface{} result is no value at all, as in Go.
      if (value === null) {
        value = undefined;
      }
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        this.setVar(name, value);
      } else {
        this.vars.push({ name, value });
      }
    }
    return value;
  }

  private notAFunction(args: ArgNode[], hasFinal: boolean) {
    if (args.length > 1 || hasFinal) {
      this.fail(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(
    dot: GoValue,
    cmd: CommandNode,
    final: GoValue,
    hasFinal: boolean,
  ): Typed {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(
          dot,
          { value: dot, viaInterface: false },
          first.ident,
          cmd.args,
          final,
          hasFinal,
        );
      case 'chain': {
        this.at(first);
        if (first.node.kind === 'nil') {
          this.fail(`indirection through explicit nil in ${nodeString(first)}`);
        }
        const receiver = this.evalArg(dot, 'value', first.node);
        this.at(first);
        return this.evalFieldChain(
          dot,
          { value: receiver, viaInterface: false },
          first.fields,
          cmd.args,
          final,
          hasFinal,
        );
      }
      case 'identifier':
        return {
          value: this.evalFunction(dot, first, cmd, cmd.args, final, hasFinal),
          viaInterface: false,
        };
      case 'pipe':
        this.notAFunction(cmd.args, hasFinal);
        return { value: this.evalPipeline(dot, first), viaInterface: false };
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final, hasFinal);
      default:
    }
    this.at(first);
    this.notAFunction(cmd.args, hasFinal);
    switch (first.kind) {
      case 'bool':
        return { value: first.value, viaInterface: false };
      case 'dot':
        return { value: dot, viaInterface: false };
      case 'nil':
        this.fail('nil is not a command');
        break;
      case 'number':
        return { value: this.idealConstant(first), viaInterface: false };
      case 'string':
        return { value: first.text, viaInterface: false };
      default:
    }
    this.fail(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private evalVariable(
    dot: GoValue,
    node: Extract<ArgNode, { kind: 'variable' }>,
    args: ArgNode[] | undefined,
    final: GoValue,
    hasFinal: boolean,
  ): Typed {
    this.at(node);
    const value = this.varValue(node.ident[0]);
    if (node.ident.length === 1) {
      if (args) this.notAFunction(args, hasFinal);
      return { value, viaInterface: false };
    }
    return this.evalFieldChain(
      dot,
      { value, viaInterface: false },
      node.ident.slice(1),
      args,
      final,
      hasFinal,
    );
  }

  private evalFieldChain(
    _dot: GoValue,
    receiver: Typed,
    ident: string[],
    args: ArgNode[] | undefined,
    final: GoValue,
    hasFinal: boolean,
  ): Typed {
    let current = receiver;
    for (let i = 0; i < ident.length - 1; i++) {
      current = this.evalField(ident[i], undefined, undefined, false, current);
    }
    return this.evalField(
      ident[ident.length - 1],
      args,
      final,
      hasFinal,
      current,
    );
  }

  private evalField(
    fieldName: string,
    args: ArgNode[] | undefined,
    _final: GoValue,
    hasFinal: boolean,
    receiver: Typed,
  ): Typed {
    const { value } = receiver;
    if (value === undefined) {
      if (this.options.missingKey === 'error') {
        this.fail(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      }
      return { value: undefined, viaInterface: false };
    }
    const staticType = receiver.viaInterface
      ? 'interface {}'
      : goTypeName(value);
    if (value === null) {
      this.fail(`nil pointer evaluating ${staticType}.${fieldName}`);
    }
    if (isGoMap(value)) {
      if ((args && args.length > 1) || hasFinal) {
        this.fail(`${fieldName} is not a method but has arguments`);
      }
      const stringMap = isGoStringMap(value);
      if (Object.prototype.hasOwnProperty.call(value, fieldName)) {
        return { value: value[fieldName], viaInterface: !stringMap };
      }
      switch (this.options.missingKey) {
        case 'zero':
          return { value: zeroElementOf(value), viaInterface: !stringMap };
        case 'error':
          this.fail(`map has no entry for key ${JSON.stringify(fieldName)}`);
          break;
        default:
          return { value: undefined, viaInterface: false };
      }
    }
    this.fail(`can't evaluate field ${fieldName} in type ${staticType}`);
  }

  private evalFunction(
    dot: GoValue,
    identifier: Extract<ArgNode, { kind: 'identifier' }>,
    cmd: CommandNode | ArgNode,
    args: ArgNode[] | undefined,
    final: GoValue,
    hasFinal: boolean,
  ): GoValue {
    this.at(identifier);
    const name = identifier.name;
    const fn = this.options.functions.get(name);
    if (!fn) {
      this.fail(`${JSON.stringify(name)} is not a defined function`);
    }
    const actual = args ? args.slice(1) : [];
    const numIn = actual.length + (hasFinal ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic) {
      if (numIn < fixed) {
        this.fail(
          `wrong number of args for ${name}: want at least ${fixed} got ${actual.length}`,
        );
      }
    } else if (numIn !== fixed) {
      this.fail(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    const isBuiltinLogic =
      (name === 'and' || name === 'or') && fn === BUILTIN_FUNCTIONS[name];
    if (isBuiltinLogic) {
      let value: GoValue = undefined;
      for (const arg of actual) {
        value = this.evalArg(dot, 'value', arg);
        if (goTruth(value) === (name === 'or')) {
          return value;
        }
      }
      if (hasFinal) {
        value = final;
      }
      return value;
    }
    const argv: GoValue[] = [];
    actual.forEach((arg, i) => {
      argv.push(
        this.evalArg(dot, i < fixed ? fn.params[i] : fn.variadic!, arg),
      );
    });
    if (hasFinal) {
      const type =
        actual.length < fixed ? fn.params[actual.length] : fn.variadic!;
      argv.push(this.validateType({ value: final, viaInterface: false }, type));
    }
    try {
      return fn.call(...argv);
    } catch (error) {
      if (error instanceof GoTemplateExecError) {
        throw error;
      }
      this.at(cmd);
      const message = error instanceof Error ? error.message : String(error);
      this.fail(`error calling ${name}: ${message}`);
    }
  }

  private idealConstant(node: NumberNode): GoValue {
    this.at(node);
    const text = node.text;
    const isHexInt = /^[+-]?0[xX][0-9a-fA-F_]+$/.test(text);
    const isRune = text.startsWith("'");
    if (node.isFloat && !isHexInt && !isRune && /[.eEpP]/.test(text)) {
      return node.float;
    }
    if (node.isInt) {
      return node.int;
    }
    return node.float;
  }

  private validateType(typed: Typed, type: ParamType): GoValue {
    const { value } = typed;
    if (type === 'value') {
      return value;
    }
    if (value === undefined) {
      if (type === 'any') return null;
      if (type === 'map') return {};
      this.fail(`invalid value; expected ${PARAM_TYPE_NAMES[type]}`);
    }
    if (type === 'any') {
      return value;
    }
    const wrong = () =>
      this.fail(
        `wrong type for value; expected ${PARAM_TYPE_NAMES[type]}; got ${
          value === null ? 'interface {}' : goTypeName(value)
        }`,
      );
    switch (type) {
      case 'string':
        if (typeof value !== 'string') wrong();
        return value;
      case 'bool':
        if (typeof value !== 'boolean') wrong();
        return value;
      case 'float64':
        if (typeof value !== 'number') wrong();
        return value;
      case 'int':
        if (typeof value !== 'bigint') wrong();
        return value;
      case 'int64':
        if (!(value instanceof GoInt64)) wrong();
        return value;
      case 'time':
        if (!(value instanceof GoTime)) wrong();
        return value;
      case 'map':
        if (!isGoMap(value) || isGoStringMap(value)) wrong();
        return value;
      default:
        return value;
    }
  }

  private evalArg(dot: GoValue, type: ParamType, node: ArgNode): GoValue {
    this.at(node);
    switch (node.kind) {
      case 'dot':
        return this.validateType({ value: dot, viaInterface: false }, type);
      case 'nil':
        if (type === 'any' || type === 'map') return null;
        if (type === 'value') return undefined;
        this.fail(`cannot assign nil to ${PARAM_TYPE_NAMES[type]}`);
        break;
      case 'field': {
        const result = this.evalFieldChain(
          dot,
          { value: dot, viaInterface: false },
          node.ident,
          [node],
          undefined,
          false,
        );
        this.at(node);
        return this.validateType(result, type);
      }
      case 'variable': {
        const result = this.evalVariable(
          dot,
          node,
          undefined,
          undefined,
          false,
        );
        this.at(node);
        return this.validateType(result, type);
      }
      case 'pipe': {
        const result = this.evalPipeline(dot, node);
        return this.validateType({ value: result, viaInterface: false }, type);
      }
      case 'identifier': {
        const result = this.evalFunction(
          dot,
          node,
          node,
          undefined,
          undefined,
          false,
        );
        this.at(node);
        return this.validateType({ value: result, viaInterface: false }, type);
      }
      case 'chain': {
        const result = this.evalCommand(
          dot,
          { pos: node.pos, args: [node] },
          undefined,
          false,
        );
        return this.validateType(result, type);
      }
      default:
    }
    switch (type) {
      case 'bool':
        if (node.kind === 'bool') return node.value;
        this.fail(`expected bool; found ${nodeString(node)}`);
        break;
      case 'float64':
        if (node.kind === 'number' && node.isFloat) return node.float;
        this.fail(`expected float; found ${nodeString(node)}`);
        break;
      case 'int':
      case 'int64':
        if (node.kind === 'number' && node.isInt) {
          return type === 'int' ? node.int : new GoInt64(node.int);
        }
        this.fail(`expected integer; found ${nodeString(node)}`);
        break;
      case 'string':
        if (node.kind === 'string') return node.text;
        this.fail(`expected string; found ${nodeString(node)}`);
        break;
      case 'any':
      case 'value':
        if (node.kind === 'bool') return node.value;
        if (node.kind === 'number') return this.idealConstant(node);
        if (node.kind === 'string') return node.text;
        break;
      default:
    }
    this.fail(
      `can't handle ${nodeString(node)} for arg of type ${
        PARAM_TYPE_NAMES[type]
      }`,
    );
  }
}
