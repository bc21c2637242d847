import { GoInt64, GoTime, type GoValue, isGoMap, sortedKeys } from './values';

/** Options of Go's json.Marshal/MarshalIndent as sprig uses them. */
interface MarshalOptions {
  escapeHtml: boolean;
  indent?: string;
}

function encodeString(text: string, escapeHtml: boolean): string {
  let out = JSON.stringify(text).replace(/[\u2028\u2029]/g, c =>
    c === '\u2028' ? '\\u2028' : '\\u2029',
  );
  if (escapeHtml) {
    const escapes: Record<string, string> = {
      '<': '\\u003c',
      '>': '\\u003e',
      '&': '\\u0026',
    };
    out = out.replace(/[<>&]/g, c => escapes[c]);
  }
  return out;
}

function encodeNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`json: unsupported value: ${value}`);
  }
  return JSON.stringify(value);
}

/**
 * Go's encoding/json for template values: keys sorted byte-wise (JavaScript
 * would put integer-like keys first), `<`, `>` and `&` escaped unless
 * `escapeHtml` is false, floats as Go prints them.
 */
export function marshalGoJson(value: GoValue, options: MarshalOptions): string {
  const { escapeHtml, indent } = options;
  const encode = (v: GoValue, depth: number): string => {
    if (v === undefined || v === null) return 'null';
    if (typeof v === 'string') return encodeString(v, escapeHtml);
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof GoInt64) return v.value.toString();
    if (v instanceof GoTime)
      return encodeString(v.date.toISOString(), escapeHtml);
    const newline = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    const close = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
    const colon = indent === undefined ? ':' : ': ';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v
        .map(e => newline + encode(e, depth + 1))
        .join(',')}${close}]`;
    }
    if (isGoMap(v)) {
      const keys = sortedKeys(v);
      if (keys.length === 0) return '{}';
      return `{${keys
        .map(
          k =>
            `${newline}${encodeString(k, escapeHtml)}${colon}${encode(
              v[k],
              depth + 1,
            )}`,
        )
        .join(',')}${close}}`;
    }
    throw new Error(`json: unsupported type: ${typeof v}`);
  };
  return encode(value, 0);
}
