/**
 * The sprig functions Argo CD's ApplicationSet templates offer (sprig's
 * GenericFuncMap less env, expandenv and getHostByName), written from sprig's
 * documented behaviour with Go's parameter types, so wrong types fail as they
 * do in Argo CD (`{{ trunc (add 1 1) .s }}`: expected int; got int64). The
 * random, crypto-key, semver and URL helpers are not provided: a template
 * that uses them fails to parse with `function "x" not defined`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { compileGoRegexp, goReplaceAll } from '../../goRegexp';
import { type GoFunction, GoFunctionError } from './exec';
import { sprintf, sprintValue, quoteGoString } from './fmt';
import { marshalGoJson } from './goJson';
import { marshalGoYaml, parseGoYaml } from './goYaml';
import {
  fromJsonValue,
  GoInt64,
  GoTime,
  type GoMap,
  type GoValue,
  goIntValue,
  goKind,
  goStringMap,
  goStringSlice,
  goTypeName,
  isGoInt,
  isGoMap,
  isGoStringSlice,
  compareGoStrings,
} from './values';

const fn = (
  params: GoFunction['params'],
  call: (...args: any[]) => GoValue,
  variadic?: GoFunction['variadic'],
): GoFunction => ({ params, call, variadic });

/** sprig's strval: strings as they are, anything else as `%v`. */
export function strval(value: GoValue): string {
  if (typeof value === 'string') return value;
  return sprintValue(value === undefined ? null : value);
}

function strslice(value: GoValue): string[] {
  if (Array.isArray(value)) {
    if (isGoStringSlice(value)) return value as string[];
    return value.filter(v => v !== null && v !== undefined).map(strval);
  }
  if (value === null || value === undefined) return [];
  return [strval(value)];
}

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

function wrapInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** spf13/cast's ToInt64: numbers truncated, numeric strings parsed (base prefixes allowed), else 0. */
export function castToInt64(value: GoValue): bigint {
  if (value === undefined || value === null) return 0n;
  if (isGoInt(value)) return goIntValue(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return MIN_INT64;
    const truncated = BigInt(Math.trunc(value));
    return truncated > MAX_INT64 || truncated < MIN_INT64
      ? MIN_INT64
      : truncated;
  }
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') {
    const text = value.replace(/\.0*$/, '');
    const match =
      /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(
        text,
      );
    if (!match) return 0n;
    let digits = match[2].replace(/_/g, '');
    if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
    const parsed = BigInt(
      digits.replace(/^0O/, '0o').replace(/^0B/, '0b').replace(/^0X/, '0x'),
    );
    const signed = match[1] === '-' ? -parsed : parsed;
    return signed > MAX_INT64 || signed < MIN_INT64 ? 0n : signed;
  }
  return 0n;
}

/** spf13/cast's ToFloat64. */
export function castToFloat64(value: GoValue): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (isGoInt(value)) return Number(goIntValue(value));
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const parsed = Number(value.trim() === value ? value : NaN);
    return value !== '' && Number.isFinite(parsed) ? parsed : 0;
  }
  return 0;
}

function sprigEmpty(value: GoValue): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.length === 0;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value === 0;
  if (isGoInt(value)) return goIntValue(value) === 0n;
  if (value instanceof GoTime) return false;
  if (Array.isArray(value)) return value.length === 0;
  return Object.keys(value).length === 0;
}

function listOf(value: GoValue, name: string): GoValue[] {
  if (Array.isArray(value)) return value;
  throw new GoFunctionError(`Cannot ${name} on type ${goKind(value)}`);
}

function asList(value: GoValue, what: string): GoValue[] {
  if (Array.isArray(value)) return value;
  throw new GoFunctionError(`${what} type ${goKind(value)}`);
}

const hasOwn = (map: GoMap, key: string) =>
  Object.prototype.hasOwnProperty.call(map, key);

function deepCopy(value: GoValue): GoValue {
  if (Array.isArray(value)) {
    const copy = value.map(deepCopy);
    return isGoStringSlice(value) ? goStringSlice(copy as string[]) : copy;
  }
  if (isGoMap(value)) {
    const out: GoMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out;
  }
  return value;
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  if (goTypeName(a ?? null) !== goTypeName(b ?? null)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isGoMap(a) && isGoMap(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every(k => hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  if (isGoInt(a) && isGoInt(b)) return goIntValue(a) === goIntValue(b);
  if (a instanceof GoTime && b instanceof GoTime)
    return a.date.getTime() === b.date.getTime();
  return a === b;
}

/** mergo.Merge for maps: fills keys the destination lacks (or overrides them), recursing into maps. */
export function mergoMerge(dst: GoMap, src: GoMap, override: boolean): GoMap {
  for (const [key, s] of Object.entries(src)) {
    const d = dst[key];
    if (s === null || s === undefined) {
      if (override) dst[key] = null;
      continue;
    }
    if (isGoMap(s) && isGoMap(d) && Object.keys(d).length > 0) {
      mergoMerge(d, s, override);
      continue;
    }
    if (override || !hasOwn(dst, key) || sprigEmpty(d)) {
      dst[key] = s;
    }
  }
  return dst;
}

function splitGo(text: string, separator: string, limit = -1): string[] {
  if (limit === 0) return [];
  if (separator === '') {
    const chars = [...text];
    if (limit > 0 && chars.length > limit) {
      return [...chars.slice(0, limit - 1), chars.slice(limit - 1).join('')];
    }
    return chars;
  }
  const parts = text.split(separator);
  if (limit > 0 && parts.length > limit) {
    return [
      ...parts.slice(0, limit - 1),
      parts.slice(limit - 1).join(separator),
    ];
  }
  return parts;
}

function byteSlice(text: string, start: number, end?: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (
    start < 0 ||
    (end !== undefined && (end > bytes.length || end < start)) ||
    start > bytes.length
  ) {
    throw new GoFunctionError(
      `runtime error: slice bounds out of range [${start}:${
        end ?? bytes.length
      }]`,
    );
  }
  return bytes.subarray(start, end).toString('utf8');
}

function isSeparator(c: string): boolean {
  if (/[A-Za-z0-9_]/.test(c)) return false;
  if (c.charCodeAt(0) < 0x80) return true;
  if (/[\p{L}\p{Nd}]/u.test(c)) return false;
  return /\s/u.test(c);
}

function goTitle(text: string): string {
  let previous = ' ';
  let out = '';
  for (const c of text) {
    out += isSeparator(previous) ? c.toUpperCase() : c;
    previous = c;
  }
  return out;
}

function untitle(text: string): string {
  let previous = ' ';
  let out = '';
  for (const c of text) {
    out += /\s/.test(previous) ? c.toLowerCase() : c;
    previous = c;
  }
  return out;
}

function goTrim(text: string, cutset: string): string {
  const set = new Set([...cutset]);
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start])) start++;
  while (end > start && set.has(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = [];
  if (step === 0n) return out;
  if (step > 0n) {
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

/** Go time layout formatting (the reference time Mon Jan 2 15:04:05 MST 2006). */
export function formatGoDate(layout: string, date: Date, utc: boolean): string {
  const get = {
    year: utc ? date.getUTCFullYear() : date.getFullYear(),
    month: (utc ? date.getUTCMonth() : date.getMonth()) + 1,
    day: utc ? date.getUTCDate() : date.getDate(),
    weekday: utc ? date.getUTCDay() : date.getDay(),
    hour: utc ? date.getUTCHours() : date.getHours(),
    minute: utc ? date.getUTCMinutes() : date.getMinutes(),
    second: utc ? date.getUTCSeconds() : date.getSeconds(),
    ms: utc ? date.getUTCMilliseconds() : date.getMilliseconds(),
    offset: utc ? 0 : -date.getTimezoneOffset(),
  };
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const days = [
    'Sunday',
    'Monday',
    'Tuesday',
    'Wednesday',
    'Thursday',
    'Friday',
    'Saturday',
  ];
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const zone = (colon: boolean, z: boolean) => {
    if (z && get.offset === 0) return 'Z';
    const sign = get.offset < 0 ? '-' : '+';
    const abs = Math.abs(get.offset);
    return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(
      abs % 60,
    )}`;
  };
  const tokens: Array<[string, () => string]> = [
    ['January', () => months[get.month - 1]],
    ['Jan', () => months[get.month - 1].slice(0, 3)],
    ['Monday', () => days[get.weekday]],
    ['Mon', () => days[get.weekday].slice(0, 3)],
    ['MST', () => (get.offset === 0 ? 'UTC' : zone(false, false))],
    ['2006', () => String(get.year)],
    ['Z07:00', () => zone(true, true)],
    ['Z0700', () => zone(false, true)],
    ['-07:00', () => zone(true, false)],
    ['-0700', () => zone(false, false)],
    ['.000', () => `.${pad(get.ms, 3)}`],
    ['.999', () => (get.ms ? `.${pad(get.ms, 3)}`.replace(/0+$/, '') : '')],
    ['01', () => pad(get.month)],
    ['02', () => pad(get.day)],
    ['_2', () => String(get.day).padStart(2, ' ')],
    ['06', () => pad(get.year % 100)],
    ['15', () => pad(get.hour)],
    ['03', () => pad(get.hour % 12 === 0 ? 12 : get.hour % 12)],
    ['04', () => pad(get.minute)],
    ['05', () => pad(get.second)],
    ['PM', () => (get.hour >= 12 ? 'PM' : 'AM')],
    ['pm', () => (get.hour >= 12 ? 'pm' : 'am')],
    ['1', () => String(get.month)],
    ['2', () => String(get.day)],
    ['3', () => String(get.hour % 12 === 0 ? 12 : get.hour % 12)],
    ['4', () => String(get.minute)],
    ['5', () => String(get.second)],
  ];
  let out = '';
  let i = 0;
  const tokenAt = (position: number) =>
    tokens.find(([token]) => layout.startsWith(token, position));
  while (i < layout.length) {
    const match = tokenAt(i);
    if (match) {
      out += match[1]();
      i += match[0].length;
    } else {
      out += layout[i++];
    }
  }
  return out;
}

function toDateValue(value: GoValue): Date {
  if (value instanceof GoTime) return value.date;
  if (isGoInt(value)) return new Date(Number(goIntValue(value)) * 1000);
  return new Date();
}

/** sigs.k8s.io/yaml.Unmarshal into a Go map or slice, with Go's error wording. */
function fromYamlAs(text: string, want: 'map' | 'slice'): GoValue {
  const value = parseGoYaml(text);
  const goTarget =
    want === 'map' ? 'map[string]interface {}' : '[]interface {}';
  if (value === null) return want === 'map' ? {} : [];
  const ok = want === 'map' ? isGoMap(value) : Array.isArray(value);
  if (!ok) {
    let jsonType = 'string';
    if (typeof value === 'number') jsonType = 'number';
    else if (typeof value === 'boolean') jsonType = 'bool';
    else if (Array.isArray(value)) jsonType = 'array';
    else if (isGoMap(value)) jsonType = 'object';
    throw new GoFunctionError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonType} into Go value of type ${goTarget}`,
    );
  }
  return value;
}

function mustJson(value: string): GoValue {
  try {
    return fromJsonValue(JSON.parse(value));
  } catch (error) {
    throw new GoFunctionError((error as Error).message);
  }
}

function regexFind(pattern: string, text: string, n: bigint): string[] {
  const regexp = compileGoRegexp(pattern, true);
  regexp.lastIndex = 0;
  const out: string[] = [];
  for (;;) {
    const match = regexp.exec(text);
    if (match === null || (n >= 0n && BigInt(out.length) >= n)) break;
    out.push(match[0]);
    if (match[0] === '') regexp.lastIndex++;
  }
  return out;
}

function regexSplit(pattern: string, text: string, n: bigint): string[] {
  if (n === 0n) return [];
  const regexp = compileGoRegexp(pattern, true);
  if (pattern.length > 0 && text.length === 0) return [''];
  const out: string[] = [];
  let begin = 0;
  regexp.lastIndex = 0;
  for (;;) {
    const match = regexp.exec(text);
    if (match === null) break;
    if (n > 0n && BigInt(out.length) === n - 1n) break;
    const end = match.index;
    if (match[0] === '') {
      if (end === 0 || end >= text.length) {
        regexp.lastIndex++;
        if (end >= text.length) break;
        continue;
      }
      regexp.lastIndex++;
    }
    out.push(text.slice(begin, end));
    begin = end + match[0].length;
  }
  out.push(text.slice(begin));
  return out;
}

const mustRegexp = (pattern: string) => {
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    throw new GoFunctionError(
      `regexp: Compile(\`${pattern}\`): ${(error as Error).message}`,
    );
  }
};

/** regexp.MustCompile's panic, as text/template reports it. */
function mustCompileFirst(call: (pattern: string, ...rest: any[]) => GoValue) {
  return (pattern: string, ...rest: any[]) => {
    mustRegexp(pattern);
    return call(pattern, ...rest);
  };
}

const int64 = (value: bigint) => new GoInt64(wrapInt64(value));

export const SPRIG_FUNCTIONS: Record<string, GoFunction> = {
  hello: fn([], () => 'Hello!'),
  // dates
  now: fn([], () => new GoTime(new Date())),
  date: fn(['string', 'any'], (layout: string, d: GoValue) =>
    formatGoDate(layout, toDateValue(d), false),
  ),
  dateInZone: fn(
    ['string', 'any', 'string'],
    (layout: string, d: GoValue, zone: string) => {
      if (zone !== 'UTC' && zone !== 'Local' && zone !== '') {
        throw new GoFunctionError(
          `time zone ${JSON.stringify(
            zone,
          )} is not supported; use UTC or Local`,
        );
      }
      return formatGoDate(
        layout,
        toDateValue(d),
        zone === 'UTC' || zone === '',
      );
    },
  ),
  unixEpoch: fn(['time'], (t: GoTime) =>
    String(Math.floor(t.date.getTime() / 1000)),
  ),
  // strings
  abbrev: fn(['int', 'string'], (width: bigint, s: string) => {
    const w = Number(width);
    if (w < 4 || [...s].length <= w) return s;
    return `${[...s].slice(0, w - 3).join('')}...`;
  }),
  trunc: fn(['int', 'string'], (count: bigint, s: string) => {
    const c = Number(count);
    const length = Buffer.byteLength(s, 'utf8');
    if (c < 0 && length + c > 0) return byteSlice(s, length + c);
    if (c >= 0 && length > c) return byteSlice(s, 0, c);
    return s;
  }),
  trim: fn(['string'], (s: string) =>
    s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, ''),
  ),
  upper: fn(['string'], (s: string) => s.toUpperCase()),
  lower: fn(['string'], (s: string) => s.toLowerCase()),
  title: fn(['string'], goTitle),
  untitle: fn(['string'], untitle),
  substr: fn(
    ['int', 'int', 'string'],
    (start: bigint, end: bigint, s: string) => {
      const a = Number(start);
      const b = Number(end);
      if (a < 0) return byteSlice(s, 0, b);
      if (b < 0 || b > Buffer.byteLength(s, 'utf8')) return byteSlice(s, a);
      return byteSlice(s, a, b);
    },
  ),
  repeat: fn(['int', 'string'], (count: bigint, s: string) => {
    if (count < 0n) throw new GoFunctionError('strings: negative Repeat count');
    return s.repeat(Number(count));
  }),
  trimall: fn(['string', 'string'], (cutset: string, s: string) =>
    goTrim(s, cutset),
  ),
  trimAll: fn(['string', 'string'], (cutset: string, s: string) =>
    goTrim(s, cutset),
  ),
  trimSuffix: fn(['string', 'string'], (suffix: string, s: string) =>
    suffix && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s,
  ),
  trimPrefix: fn(['string', 'string'], (prefix: string, s: string) =>
    s.startsWith(prefix) ? s.slice(prefix.length) : s,
  ),
  nospace: fn(['string'], (s: string) => s.replace(/\s/gu, '')),
  initials: fn(['string'], (s: string) =>
    s
      .split(/\s+/)
      .filter(Boolean)
      .map(word => [...word][0])
      .join(''),
  ),
  swapcase: fn(['string'], (s: string) =>
    [...s]
      .map(c => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
      .join(''),
  ),
  snakecase: fn(['string'], (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .replace(/[\s-]+/g, '_')
      .toLowerCase(),
  ),
  kebabcase: fn(['string'], (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
      .replace(/[\s_]+/g, '-')
      .toLowerCase(),
  ),
  camelcase: fn(['string'], (s: string) =>
    s
      .split(/[_\s-]+/)
      .filter(Boolean)
      .map(word => word[0].toUpperCase() + word.slice(1))
      .join(''),
  ),
  contains: fn(['string', 'string'], (sub: string, s: string) =>
    s.includes(sub),
  ),
  hasPrefix: fn(['string', 'string'], (prefix: string, s: string) =>
    s.startsWith(prefix),
  ),
  hasSuffix: fn(['string', 'string'], (suffix: string, s: string) =>
    s.endsWith(suffix),
  ),
  quote: fn(
    [],
    (...args: GoValue[]) =>
      args
        .filter(a => a !== null)
        .map(a => quoteGoString(strval(a)))
        .join(' '),
    'any',
  ),
  squote: fn(
    [],
    (...args: GoValue[]) =>
      args
        .filter(a => a !== null)
        .map(a => `'${strval(a)}'`)
        .join(' '),
    'any',
  ),
  cat: fn(
    [],
    (...args: GoValue[]) => {
      const values = args.filter(a => a !== null);
      return sprintf(Array(values.length).fill('%v').join(' '), values);
    },
    'any',
  ),
  indent: fn(['int', 'string'], (spaces: bigint, s: string) => {
    const pad = ' '.repeat(Number(spaces));
    return pad + s.split('\n').join(`\n${pad}`);
  }),
  nindent: fn(['int', 'string'], (spaces: bigint, s: string) => {
    const pad = ' '.repeat(Number(spaces));
    return `\n${pad}${s.split('\n').join(`\n${pad}`)}`;
  }),
  replace: fn(
    ['string', 'string', 'string'],
    (old: string, replacement: string, s: string) => {
      if (old === '') {
        const chars = [...s];
        return replacement + chars.map(c => c + replacement).join('');
      }
      return s.split(old).join(replacement);
    },
  ),
  plural: fn(
    ['string', 'string', 'int'],
    (one: string, many: string, count: bigint) => (count === 1n ? one : many),
  ),
  sha1sum: fn(['string'], (s: string) =>
    createHash('sha1').update(s, 'utf8').digest('hex'),
  ),
  sha256sum: fn(['string'], (s: string) =>
    createHash('sha256').update(s, 'utf8').digest('hex'),
  ),
  sha512sum: fn(['string'], (s: string) =>
    createHash('sha512').update(s, 'utf8').digest('hex'),
  ),
  adler32sum: fn(['string'], (s: string) => {
    let a = 1;
    let b = 0;
    for (const byte of Buffer.from(s, 'utf8')) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    return String((b * 65536 + a) >>> 0);
  }),
  toString: fn(['any'], strval),
  // conversions and arithmetic
  atoi: fn(['string'], (s: string) => {
    const match = /^[+-]?\d+$/.exec(s);
    return match ? BigInt(s) : 0n;
  }),
  int64: fn(['any'], (v: GoValue) => int64(castToInt64(v))),
  int: fn(['any'], (v: GoValue) => castToInt64(v)),
  float64: fn(['any'], castToFloat64),
  toDecimal: fn(['any'], (v: GoValue) => {
    const text = strval(v);
    return /^[0-7]+$/.test(text) ? int64(BigInt(`0o${text}`)) : int64(0n);
  }),
  seq: fn(
    [],
    (...params: bigint[]) => {
      const [a, b, c] = params.map(Number);
      let start = 1;
      let end = 0;
      let step = 1;
      if (params.length === 1) end = a;
      else if (params.length === 2) {
        start = a;
        end = b;
        step = start <= end ? 1 : -1;
      } else if (params.length === 3) {
        start = a;
        step = b;
        end = c;
      } else {
        return '';
      }
      const out: number[] = [];
      if (step === 0) return '';
      if (step > 0) for (let i = start; i <= end; i += step) out.push(i);
      else for (let i = start; i >= end; i += step) out.push(i);
      return out.join(' ');
    },
    'int',
  ),
  split: fn(['string', 'string'], (sep: string, s: string) => {
    const out: Record<string, string> = {};
    splitGo(s, sep).forEach((part, i) => {
      out[`_${i}`] = part;
    });
    return goStringMap(out);
  }),
  splitn: fn(
    ['string', 'int', 'string'],
    (sep: string, n: bigint, s: string) => {
      const out: Record<string, string> = {};
      splitGo(s, sep, Number(n)).forEach((part, i) => {
        out[`_${i}`] = part;
      });
      return goStringMap(out);
    },
  ),
  splitList: fn(['string', 'string'], (sep: string, s: string) =>
    goStringSlice(splitGo(s, sep)),
  ),
  toStrings: fn(['any'], (v: GoValue) => goStringSlice(strslice(v))),
  until: fn(['int'], (count: bigint) =>
    untilStep(0n, count, count < 0n ? -1n : 1n),
  ),
  untilStep: fn(['int', 'int', 'int'], untilStep),
  add1: fn(['any'], (v: GoValue) => int64(castToInt64(v) + 1n)),
  add: fn(
    [],
    (...values: GoValue[]) =>
      int64(values.reduce<bigint>((sum, v) => sum + castToInt64(v), 0n)),
    'any',
  ),
  sub: fn(['any', 'any'], (a: GoValue, b: GoValue) =>
    int64(castToInt64(a) - castToInt64(b)),
  ),
  div: fn(['any', 'any'], (a: GoValue, b: GoValue) => {
    const divisor = castToInt64(b);
    if (divisor === 0n)
      throw new GoFunctionError('runtime error: integer divide by zero');
    return int64(castToInt64(a) / divisor);
  }),
  mod: fn(['any', 'any'], (a: GoValue, b: GoValue) => {
    const divisor = castToInt64(b);
    if (divisor === 0n)
      throw new GoFunctionError('runtime error: integer divide by zero');
    return int64(castToInt64(a) % divisor);
  }),
  mul: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      int64(
        rest.reduce<bigint>(
          (product, v) => product * castToInt64(v),
          castToInt64(a),
        ),
      ),
    'any',
  ),
  addf: fn(
    [],
    (...values: GoValue[]) =>
      values.reduce<number>((sum, v) => sum + castToFloat64(v), 0),
    'any',
  ),
  add1f: fn(['any'], (v: GoValue) => castToFloat64(v) + 1),
  subf: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      rest.reduce<number>((r, v) => r - castToFloat64(v), castToFloat64(a)),
    'any',
  ),
  mulf: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      rest.reduce<number>((r, v) => r * castToFloat64(v), castToFloat64(a)),
    'any',
  ),
  divf: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      rest.reduce<number>((r, v) => r / castToFloat64(v), castToFloat64(a)),
    'any',
  ),
  max: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      int64(
        rest.reduce<bigint>(
          (m, v) => (castToInt64(v) > m ? castToInt64(v) : m),
          castToInt64(a),
        ),
      ),
    'any',
  ),
  biggest: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      int64(
        rest.reduce<bigint>(
          (m, v) => (castToInt64(v) > m ? castToInt64(v) : m),
          castToInt64(a),
        ),
      ),
    'any',
  ),
  min: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      int64(
        rest.reduce<bigint>(
          (m, v) => (castToInt64(v) < m ? castToInt64(v) : m),
          castToInt64(a),
        ),
      ),
    'any',
  ),
  maxf: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      Math.max(castToFloat64(a), ...rest.map(castToFloat64)),
    'any',
  ),
  minf: fn(
    ['any'],
    (a: GoValue, ...rest: GoValue[]) =>
      Math.min(castToFloat64(a), ...rest.map(castToFloat64)),
    'any',
  ),
  ceil: fn(['any'], (v: GoValue) => Math.ceil(castToFloat64(v))),
  floor: fn(['any'], (v: GoValue) => Math.floor(castToFloat64(v))),
  round: fn(
    ['any', 'int'],
    (v: GoValue, places: bigint, ...opt: GoValue[]) => {
      const half = opt.length ? castToFloat64(opt[0]) : 0.5;
      const pow = 10 ** Number(places);
      const digit = castToFloat64(v) * pow;
      const fraction = digit - Math.trunc(digit);
      const rounded =
        Math.abs(fraction) >= half
          ? Math.trunc(digit) + Math.sign(digit)
          : Math.trunc(digit);
      return rounded / pow;
    },
    'any',
  ),
  // lists and dicts
  join: fn(['string', 'any'], (sep: string, v: GoValue) =>
    strslice(v).join(sep),
  ),
  sortAlpha: fn(['any'], (v: GoValue) =>
    goStringSlice(
      Array.isArray(v) ? [...strslice(v)].sort(compareGoStrings) : [strval(v)],
    ),
  ),
  default: fn(
    ['any'],
    (d: GoValue, ...given: GoValue[]) =>
      given.length === 0 || sprigEmpty(given[0]) ? d : given[0],
    'any',
  ),
  empty: fn(['any'], sprigEmpty),
  coalesce: fn(
    [],
    (...values: GoValue[]) => values.find(v => !sprigEmpty(v)) ?? null,
    'any',
  ),
  all: fn(
    [],
    (...values: GoValue[]) => values.every(v => !sprigEmpty(v)),
    'any',
  ),
  any: fn(
    [],
    (...values: GoValue[]) => values.some(v => !sprigEmpty(v)),
    'any',
  ),
  compact: fn(['any'], (v: GoValue) =>
    asList(v, 'Cannot compact on').filter(e => !sprigEmpty(e)),
  ),
  mustCompact: fn(['any'], (v: GoValue) =>
    asList(v, 'Cannot compact on').filter(e => !sprigEmpty(e)),
  ),
  fromJson: fn(['string'], (s: string) => {
    try {
      return fromJsonValue(JSON.parse(s));
    } catch {
      return null;
    }
  }),
  mustFromJson: fn(['string'], mustJson),
  toJson: fn(['any'], (v: GoValue) => marshalGoJson(v, { escapeHtml: true })),
  mustToJson: fn(['any'], (v: GoValue) =>
    marshalGoJson(v, { escapeHtml: true }),
  ),
  toPrettyJson: fn(['any'], (v: GoValue) =>
    marshalGoJson(v, { escapeHtml: true, indent: '  ' }),
  ),
  mustToPrettyJson: fn(['any'], (v: GoValue) =>
    marshalGoJson(v, { escapeHtml: true, indent: '  ' }),
  ),
  toRawJson: fn(['any'], (v: GoValue) =>
    marshalGoJson(v, { escapeHtml: false }),
  ),
  mustToRawJson: fn(['any'], (v: GoValue) =>
    marshalGoJson(v, { escapeHtml: false }),
  ),
  ternary: fn(['any', 'any', 'bool'], (vt: GoValue, vf: GoValue, v: boolean) =>
    v ? vt : vf,
  ),
  deepCopy: fn(['any'], deepCopy),
  mustDeepCopy: fn(['any'], deepCopy),
  typeOf: fn(['any'], (v: GoValue) => (v === null ? '<nil>' : goTypeName(v))),
  typeIs: fn(
    ['string', 'any'],
    (t: string, v: GoValue) => t === (v === null ? '<nil>' : goTypeName(v)),
  ),
  typeIsLike: fn(['string', 'any'], (t: string, v: GoValue) => {
    const name = v === null ? '<nil>' : goTypeName(v);
    return t === name || t === `*${name}`;
  }),
  kindOf: fn(['any'], goKind),
  kindIs: fn(['string', 'any'], (k: string, v: GoValue) => k === goKind(v)),
  deepEqual: fn(['any', 'any'], deepEqual),
  base: fn(['string'], (p: string) =>
    p === '' ? '.' : posix.basename(p.replace(/\/+$/, '')) || '/',
  ),
  dir: fn(['string'], (p: string) =>
    p === '' ? '.' : posix.dirname(p.replace(/(.)\/+$/, '$1')),
  ),
  clean: fn(['string'], (p: string) =>
    p === '' ? '.' : posix.normalize(p).replace(/(.)\/$/, '$1'),
  ),
  ext: fn(['string'], (p: string) => {
    for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
      if (p[i] === '.') return p.slice(i);
    }
    return '';
  }),
  isAbs: fn(['string'], (p: string) => p.startsWith('/')),
  b64enc: fn(['string'], (s: string) =>
    Buffer.from(s, 'utf8').toString('base64'),
  ),
  b64dec: fn(['string'], (s: string) => {
    if (
      !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(
        s,
      )
    ) {
      const bad = s.search(/[^A-Za-z0-9+/=]|=(?=[^=])/);
      return `illegal base64 data at input byte ${
        bad >= 0 ? bad : s.length - (s.length % 4)
      }`;
    }
    return Buffer.from(s, 'base64').toString('utf8');
  }),
  list: fn([], (...values: GoValue[]) => values, 'any'),
  tuple: fn([], (...values: GoValue[]) => values, 'any'),
  dict: fn(
    [],
    (...values: GoValue[]) => {
      const out: GoMap = {};
      for (let i = 0; i < values.length; i += 2) {
        out[strval(values[i])] = i + 1 < values.length ? values[i + 1] : '';
      }
      return out;
    },
    'any',
  ),
  get: fn(['map', 'string'], (d: GoMap, key: string) =>
    hasOwn(d, key) ? d[key] : '',
  ),
  set: fn(['map', 'string', 'any'], (d: GoMap, key: string, value: GoValue) => {
    d[key] = value;
    return d;
  }),
  unset: fn(['map', 'string'], (d: GoMap, key: string) => {
    delete d[key];
    return d;
  }),
  hasKey: fn(['map', 'string'], (d: GoMap, key: string) => hasOwn(d, key)),
  pluck: fn(
    ['string'],
    (key: string, ...dicts: GoMap[]) =>
      dicts.filter(d => hasOwn(d, key)).map(d => d[key]),
    'map',
  ),
  keys: fn(
    [],
    (...dicts: GoMap[]) =>
      goStringSlice(dicts.flatMap(d => Object.keys(d)).sort(compareGoStrings)),
    'map',
  ),
  pick: fn(
    ['map'],
    (d: GoMap, ...keys: string[]) => {
      const out: GoMap = {};
      for (const key of keys) if (hasOwn(d, key)) out[key] = d[key];
      return out;
    },
    'string',
  ),
  omit: fn(
    ['map'],
    (d: GoMap, ...keys: string[]) => {
      const out: GoMap = {};
      for (const [key, value] of Object.entries(d))
        if (!keys.includes(key)) out[key] = value;
      return out;
    },
    'string',
  ),
  merge: fn(
    ['map'],
    (dst: GoMap, ...srcs: GoMap[]) =>
      srcs.reduce((d, s) => mergoMerge(d, s, false), dst),
    'map',
  ),
  mustMerge: fn(
    ['map'],
    (dst: GoMap, ...srcs: GoMap[]) =>
      srcs.reduce((d, s) => mergoMerge(d, s, false), dst),
    'map',
  ),
  mergeOverwrite: fn(
    ['map'],
    (dst: GoMap, ...srcs: GoMap[]) =>
      srcs.reduce((d, s) => mergoMerge(d, s, true), dst),
    'map',
  ),
  mustMergeOverwrite: fn(
    ['map'],
    (dst: GoMap, ...srcs: GoMap[]) =>
      srcs.reduce((d, s) => mergoMerge(d, s, true), dst),
    'map',
  ),
  values: fn(['map'], (d: GoMap) =>
    Object.keys(d)
      .sort(compareGoStrings)
      .map(k => d[k]),
  ),
  dig: fn(
    [],
    (...args: GoValue[]) => {
      if (args.length < 3)
        throw new GoFunctionError('dig needs at least three arguments');
      const dict = args[args.length - 1];
      const fallback = args[args.length - 2];
      let current: GoValue = dict;
      for (const key of args.slice(0, -2)) {
        if (!isGoMap(current) || !hasOwn(current, strval(key))) return fallback;
        current = current[strval(key)];
      }
      return current;
    },
    'any',
  ),
  append: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    ...asList(list, 'Cannot push on'),
    v,
  ]),
  push: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    ...asList(list, 'Cannot push on'),
    v,
  ]),
  mustAppend: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    ...asList(list, 'Cannot push on'),
    v,
  ]),
  mustPush: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    ...asList(list, 'Cannot push on'),
    v,
  ]),
  prepend: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    v,
    ...asList(list, 'Cannot prepend on'),
  ]),
  mustPrepend: fn(['any', 'any'], (list: GoValue, v: GoValue) => [
    v,
    ...asList(list, 'Cannot prepend on'),
  ]),
  first: fn(['any'], (list: GoValue) => listOf(list, 'find first')[0] ?? null),
  mustFirst: fn(
    ['any'],
    (list: GoValue) => listOf(list, 'find first')[0] ?? null,
  ),
  last: fn(['any'], (list: GoValue) => {
    const l = listOf(list, 'find last');
    return l.length ? l[l.length - 1] : null;
  }),
  mustLast: fn(['any'], (list: GoValue) => {
    const l = listOf(list, 'find last');
    return l.length ? l[l.length - 1] : null;
  }),
  rest: fn(['any'], (list: GoValue) => {
    const l = listOf(list, 'find rest');
    return l.length ? l.slice(1) : null;
  }),
  initial: fn(['any'], (list: GoValue) => {
    const l = listOf(list, 'find initial');
    return l.length ? l.slice(0, -1) : null;
  }),
  reverse: fn(['any'], (list: GoValue) =>
    [...listOf(list, 'find reverse')].reverse(),
  ),
  uniq: fn(['any'], (list: GoValue) => {
    const out: GoValue[] = [];
    for (const v of listOf(list, 'find uniq'))
      if (!out.some(o => deepEqual(o, v))) out.push(v);
    return out;
  }),
  without: fn(
    ['any'],
    (list: GoValue, ...omit: GoValue[]) =>
      listOf(list, 'find without').filter(
        v => !omit.some(o => deepEqual(o, v)),
      ),
    'any',
  ),
  has: fn(['any', 'any'], (needle: GoValue, haystack: GoValue) => {
    if (haystack === null) return false;
    return listOf(haystack, 'find has').some(v => deepEqual(v, needle));
  }),
  slice: fn(
    ['any'],
    (list: GoValue, ...indices: GoValue[]) => {
      if (!Array.isArray(list)) {
        throw new GoFunctionError(
          `list should be type of slice or array but ${goKind(list)}`,
        );
      }
      const start = indices.length > 0 ? Number(castToInt64(indices[0])) : 0;
      const end =
        indices.length > 1 ? Number(castToInt64(indices[1])) : list.length;
      if (start < 0 || end > list.length || start > end) {
        throw new GoFunctionError(
          `runtime error: slice bounds out of range [${start}:${end}] with capacity ${list.length}`,
        );
      }
      return list.slice(start, end);
    },
    'any',
  ),
  concat: fn(
    [],
    (...lists: GoValue[]) =>
      lists.flatMap(l => {
        if (!Array.isArray(l))
          throw new GoFunctionError(`Cannot concat type ${goKind(l)} as list`);
        return l;
      }),
    'any',
  ),
  chunk: fn(['int', 'any'], (size: bigint, list: GoValue) => {
    const l = listOf(list, 'chunk');
    const n = Number(size);
    const out: GoValue[] = [];
    for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n));
    return out;
  }),
  uuidv4: fn([], () => randomUUID()),
  fail: fn(['string'], (message: string) => {
    throw new GoFunctionError(message);
  }),
  regexMatch: fn(['string', 'string'], (pattern: string, s: string) => {
    try {
      return compileGoRegexp(pattern).test(s);
    } catch {
      return false;
    }
  }),
  mustRegexMatch: fn(['string', 'string'], (pattern: string, s: string) =>
    mustRegexp(pattern).test(s),
  ),
  regexFind: fn(
    ['string', 'string'],
    (pattern: string, s: string) => mustRegexp(pattern).exec(s)?.[0] ?? '',
  ),
  mustRegexFind: fn(
    ['string', 'string'],
    (pattern: string, s: string) => mustRegexp(pattern).exec(s)?.[0] ?? '',
  ),
  regexFindAll: fn(
    ['string', 'string', 'int'],
    (pattern: string, s: string, n: bigint) =>
      goStringSlice(regexFind(pattern, s, n)),
  ),
  mustRegexFindAll: fn(
    ['string', 'string', 'int'],
    (pattern: string, s: string, n: bigint) =>
      goStringSlice(regexFind(pattern, s, n)),
  ),
  regexReplaceAll: fn(
    ['string', 'string', 'string'],
    mustCompileFirst((pattern: string, s: string, repl: string) =>
      goReplaceAll(pattern, s, repl),
    ),
  ),
  mustRegexReplaceAll: fn(
    ['string', 'string', 'string'],
    mustCompileFirst((pattern: string, s: string, repl: string) =>
      goReplaceAll(pattern, s, repl),
    ),
  ),
  regexReplaceAllLiteral: fn(
    ['string', 'string', 'string'],
    mustCompileFirst((pattern: string, s: string, repl: string) =>
      goReplaceAll(pattern, s, repl, true),
    ),
  ),
  mustRegexReplaceAllLiteral: fn(
    ['string', 'string', 'string'],
    mustCompileFirst((pattern: string, s: string, repl: string) =>
      goReplaceAll(pattern, s, repl, true),
    ),
  ),
  regexSplit: fn(
    ['string', 'string', 'int'],
    mustCompileFirst((pattern: string, s: string, n: bigint) =>
      goStringSlice(regexSplit(pattern, s, n)),
    ),
  ),
  mustRegexSplit: fn(
    ['string', 'string', 'int'],
    mustCompileFirst((pattern: string, s: string, n: bigint) =>
      goStringSlice(regexSplit(pattern, s, n)),
    ),
  ),
  regexQuoteMeta: fn(['string'], (s: string) =>
    s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
  ),
  // Argo CD's own additions
  toYaml: fn(['any'], (v: GoValue) => marshalGoYaml(v)),
  fromYaml: fn(['string'], (s: string) => fromYamlAs(s, 'map')),
  fromYamlArray: fn(['string'], (s: string) => fromYamlAs(s, 'slice')),
};
