/**
 * Go's `fmt` formatting for the values templates see: `%v` (what `{{.x}}`,
 * `print` and Argo CD's `fmt.Sprintf("%v", …)` stringification print) and the
 * `printf` verbs people use: %v %+v %#v %s %q %d %x %X %o %b %e %E %f %F %g %G
 * %t %c %U %T %%, flags `+ - # 0` and space, width, precision, `*` and `[n]`
 * argument indexes, and Go's `%!verb(type=value)` error forms.
 */
import {
  GoInt64,
  GoTime,
  type GoValue,
  goIntValue,
  goTypeName,
  isGoInt,
  sortedKeys,
} from './values';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  precision?: number;
}

const NO_FLAGS: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
};

/** Go's strconv 'e' format exponent: at least two digits. */
function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `strconv.FormatFloat(f, 'g', -1, 64)` as fmt's `%v` uses it. */
export function formatFloatShortest(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21) {
    return goExponent(`${mantissa}e${exponentText}`);
  }
  if (exponent >= 6) {
    return goExponent(`${mantissa}e${exponentText}`);
  }
  const digits = mantissa.replace('.', '').replace('-', '');
  const negative = value < 0 ? '-' : '';
  if (exponent < 0) {
    return `${negative}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  if (digits.length <= exponent + 1) {
    return negative + digits + '0'.repeat(exponent + 1 - digits.length);
  }
  return `${negative}${digits.slice(0, exponent + 1)}.${digits.slice(
    exponent + 1,
  )}`;
}

function formatFloatFixed(value: number, precision: number): string {
  if (Math.abs(value) < 1e21) {
    return value.toFixed(precision);
  }
  const integer = BigInt(Math.trunc(value)).toString();
  return precision > 0 ? `${integer}.${'0'.repeat(precision)}` : integer;
}

function formatFloatG(value: number, precision: number | undefined): string {
  if (precision === undefined) {
    return formatFloatShortest(value);
  }
  const p = precision === 0 ? 1 : precision;
  const [mantissa, exponentText] = value.toExponential(p - 1).split('e');
  const exponent = Number(exponentText);
  const trim = (text: string) =>
    text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  if (exponent < -4 || exponent >= p) {
    return goExponent(`${trim(mantissa)}e${exponentText}`);
  }
  return trim(value.toFixed(Math.max(p - 1 - exponent, 0)));
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return undefined;
}

function formatFloatVerb(value: number, verb: string, spec: Spec): string {
  const special = nonFinite(value);
  let text: string;
  if (special) {
    text = special;
  } else {
    switch (verb) {
      case 'e':
      case 'E':
        text = goExponent(value.toExponential(spec.precision ?? 6));
        break;
      case 'f':
      case 'F':
        text = formatFloatFixed(value, spec.precision ?? 6);
        break;
      default:
        text = formatFloatG(value, spec.precision);
    }
    if (verb === 'E' || verb === 'G') {
      text = text.toUpperCase();
    }
  }
  if (spec.plus && !text.startsWith('-') && !text.startsWith('+')) {
    text = `+${text}`;
  } else if (spec.space && !text.startsWith('-') && !text.startsWith('+')) {
    text = ` ${text}`;
  } else if (special === '+Inf' && !spec.plus) {
    text = 'Inf';
  }
  return padNumber(text, spec);
}

function padNumber(text: string, spec: Spec): string {
  if (spec.width === undefined || text.length >= spec.width) {
    return text;
  }
  if (spec.minus) {
    return text.padEnd(spec.width);
  }
  if (spec.zero && !/Inf|NaN/.test(text)) {
    const sign = /^[+\- ]/.test(text) ? text[0] : '';
    const body = sign ? text.slice(1) : text;
    return sign + body.padStart(spec.width - sign.length, '0');
  }
  return text.padStart(spec.width);
}

function padString(text: string, spec: Spec): string {
  const length = [...text].length;
  if (spec.width === undefined || length >= spec.width) {
    return text;
  }
  const padding = ' '.repeat(spec.width - length);
  return spec.minus ? text + padding : padding + text;
}

function formatInteger(value: bigint, verb: string, spec: Spec): string {
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'b':
      digits = magnitude.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = magnitude.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp && digits !== '0') prefix = '0';
      break;
    case 'x':
      digits = magnitude.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = magnitude.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return padString(String.fromCodePoint(Number(magnitude)), spec);
    case 'q':
      return padString(quoteRune(Number(value)), spec);
    case 'U': {
      magnitude = value;
      const hex = magnitude.toString(16).toUpperCase().padStart(4, '0');
      return padString(`U+${hex}`, spec);
    }
    default:
      digits = magnitude.toString(10);
  }
  if (spec.precision !== undefined) {
    digits =
      spec.precision === 0 && magnitude === 0n
        ? ''
        : digits.padStart(spec.precision, '0');
  }
  let sign = '';
  if (negative) sign = '-';
  else if (spec.plus) sign = '+';
  else if (spec.space) sign = ' ';
  const body = prefix + digits;
  if (spec.width !== undefined && sign.length + body.length < spec.width) {
    if (spec.minus) {
      return (sign + body).padEnd(spec.width);
    }
    if (spec.zero && spec.precision === undefined) {
      return (
        sign +
        prefix +
        digits.padStart(spec.width - sign.length - prefix.length, '0')
      );
    }
    return (sign + body).padStart(spec.width);
  }
  return sign + body;
}

/** strconv.Quote: a double-quoted Go string literal. */
export function quoteGoString(text: string, asciiOnly = false): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
      default:
    }
    if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else if (code > 0x7e && (asciiOnly || !isPrintable(code))) {
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

function isPrintable(code: number): boolean {
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(String.fromCodePoint(code));
}

function quoteRune(code: number): string {
  const char = String.fromCodePoint(code);
  if (char === "'") {
    return "'\\''";
  }
  if (char === '"') {
    return `'"'`;
  }
  return `'${quoteGoString(char).slice(1, -1)}'`;
}

function badVerb(verb: string, value: GoValue): string {
  if (value === undefined || value === null) {
    return `%!${verb}(<nil>)`;
  }
  return `%!${verb}(${goTypeName(value)}=${formatValue(value, 'v', NO_FLAGS)})`;
}

function formatTime(time: GoTime): string {
  const date = time.date;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(
    Math.abs(offset) % 60,
  )}`;
  const nanos = date.getMilliseconds()
    ? `.${pad(date.getMilliseconds(), 3)}`.replace(/0+$/, '')
    : '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(
    date.getSeconds(),
  )}${nanos} ${zone} ${offset === 0 ? 'UTC' : zone}`;
}

/** One value under one verb, as fmt prints it. */
export function formatValue(value: GoValue, verb: string, spec: Spec): string {
  if (verb === 'T') {
    return padString(
      value === undefined || value === null ? '<nil>' : goTypeName(value),
      spec,
    );
  }
  if (value === undefined || value === null) {
    return verb === 'v' ? padString('<nil>', spec) : badVerb(verb, value);
  }
  if (Array.isArray(value)) {
    if (verb === 'v' && spec.sharp) {
      return `${goTypeName(value)}{${value
        .map(element => formatValue(element, 'v', spec))
        .join(', ')}}`;
    }
    return `[${value
      .map(element => formatValue(element, verb, spec))
      .join(' ')}]`;
  }
  if (value instanceof GoTime) {
    return verb === 'v' || verb === 's'
      ? padString(formatTime(value), spec)
      : badVerb(verb, value);
  }
  if (typeof value === 'object' && !(value instanceof GoInt64)) {
    const keys = sortedKeys(value);
    if (verb === 'v' && spec.sharp) {
      return `${goTypeName(value)}{${keys
        .map(
          key => `${quoteGoString(key)}:${formatValue(value[key], 'v', spec)}`,
        )
        .join(', ')}}`;
    }
    return `map[${keys
      .map(
        key =>
          `${formatValue(key, verb, spec)}:${formatValue(
            value[key],
            verb,
            spec,
          )}`,
      )
      .join(' ')}]`;
  }
  if (isGoInt(value)) {
    const integer = goIntValue(value);
    switch (verb) {
      case 'v':
      case 'd':
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X':
      case 'c':
      case 'q':
      case 'U':
        return formatInteger(integer, verb === 'v' ? 'd' : verb, spec);
      default:
        return badVerb(verb, value);
    }
  }
  switch (typeof value) {
    case 'boolean':
      return verb === 'v' || verb === 't'
        ? padString(String(value), spec)
        : badVerb(verb, value);
    case 'number':
      switch (verb) {
        case 'v':
          return formatFloatVerb(value, 'g', {
            ...spec,
            precision: spec.precision,
          });
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          return formatFloatVerb(value, verb, spec);
        default:
          return badVerb(verb, value);
      }
    case 'string': {
      switch (verb) {
        case 'v':
        case 's': {
          const text =
            spec.precision !== undefined
              ? [...value].slice(0, spec.precision).join('')
              : value;
          return padString(text, spec);
        }
        case 'q':
          if (spec.sharp && !value.includes('`')) {
            return padString(`\`${value}\``, spec);
          }
          return padString(quoteGoString(value, spec.plus), spec);
        case 'x':
        case 'X': {
          const hex = Buffer.from(value, 'utf8').toString('hex');
          return padString(verb === 'X' ? hex.toUpperCase() : hex, spec);
        }
        default:
          return badVerb(verb, value);
      }
    }
    default:
      return badVerb(verb, value);
  }
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((arg, index) => {
    if (
      index > 0 &&
      typeof arg !== 'string' &&
      typeof args[index - 1] !== 'string'
    ) {
      out += ' ';
    }
    out += formatValue(arg, 'v', NO_FLAGS);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline. */
export function sprintln(args: GoValue[]): string {
  return `${args.map(arg => formatValue(arg, 'v', NO_FLAGS)).join(' ')}\n`;
}

/** `%v` of one value: what Argo CD's `fmt.Sprintf("%v", v)` stringification gives. */
export function sprintValue(value: GoValue): string {
  return formatValue(value, 'v', NO_FLAGS);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argIndex = 0;
  let reordered = false;
  let i = 0;
  const readNumber = (): number | undefined => {
    const start = i;
    while (i < format.length && format[i] >= '0' && format[i] <= '9') {
      i++;
    }
    return i > start ? Number(format.slice(start, i)) : undefined;
  };
  const readArgIndex = (): boolean => {
    if (format[i] !== '[') {
      return true;
    }
    const close = format.indexOf(']', i);
    const index = Number(format.slice(i + 1, close));
    if (close < 0 || !Number.isInteger(index) || index < 1) {
      i = close < 0 ? format.length : close + 1;
      return false;
    }
    argIndex = index - 1;
    reordered = true;
    i = close + 1;
    return true;
  };
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    const spec: Spec = { ...NO_FLAGS };
    for (; i < format.length; i++) {
      const flag = format[i];
      if (flag === '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (flag === '+') spec.plus = true;
      else if (flag === '#') spec.sharp = true;
      else if (flag === ' ') spec.space = true;
      else if (flag === '0') spec.zero = !spec.minus;
      else break;
    }
    let goodIndex = readArgIndex();
    if (format[i] === '*') {
      i++;
      const width = args[argIndex++];
      if (isGoInt(width)) {
        spec.width = Number(goIntValue(width));
        if (spec.width < 0) {
          spec.minus = true;
          spec.zero = false;
          spec.width = -spec.width;
        }
      } else {
        out += '%!(BADWIDTH)';
      }
    } else {
      spec.width = readNumber();
    }
    if (format[i] === '.') {
      i++;
      goodIndex = readArgIndex() && goodIndex;
      if (format[i] === '*') {
        i++;
        const precision = args[argIndex++];
        if (isGoInt(precision)) {
          spec.precision = Number(goIntValue(precision));
        } else {
          out += '%!(BADPREC)';
        }
      } else {
        spec.precision = readNumber() ?? 0;
      }
    }
    goodIndex = readArgIndex() && goodIndex;
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++];
    if (verb === 'v' && spec.plus) {
      spec.plus = false;
    }
    out += formatValue(arg, verb, spec);
  }
  if (!reordered && argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map(arg =>
        arg === undefined || arg === null
          ? '<nil>'
          : `${goTypeName(arg)}=${formatValue(arg, 'v', NO_FLAGS)}`,
      )
      .join(', ')})`;
  }
  return out;
}
