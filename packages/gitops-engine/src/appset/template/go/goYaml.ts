import { parse, parseDocument } from 'yaml';
import {
  fromJsonValue,
  GoInt64,
  GoTime,
  type GoValue,
  isGoMap,
  sortedKeys,
} from './values';

/**
 * YAML as Argo CD reads and writes it through sigs.k8s.io/yaml: YAML 1.1
 * scalars (`yes`/`no`/`on`/`off` are booleans), converted through JSON, so
 * numbers are float64 and keys are strings.
 */
export function parseGoYaml(text: string): GoValue {
  const document = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
  });
  if (document.errors.length > 0) {
    throw new Error(
      `error converting YAML to JSON: yaml: ${document.errors[0].message}`,
    );
  }
  return fromJsonValue(document.toJS({ maxAliasCount: 1000 }));
}

/** YAML 1.1 plain scalars that are not strings, which goyaml quotes. */
const NON_STRING_PLAIN =
  /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|<<)$/;

function needsSingleQuotes(text: string): boolean {
  return (
    /^[\s]|[\s]$/.test(text) ||
    /^[,[\]{}#&*!|>'"%@`]/.test(text) ||
    /^[-?:](\s|$)/.test(text) ||
    /: |:$| #|\p{Cc}/u.test(text)
  );
}

function scalar(value: GoValue): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e21) {
      return BigInt(value).toString();
    }
    return JSON.stringify(value).replace('e+', 'e+');
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof GoInt64) return value.value.toString();
  if (value instanceof GoTime) return value.date.toISOString();
  const text = value as string;
  if (text === '' || NON_STRING_PLAIN.test(text)) {
    return JSON.stringify(text);
  }
  if (needsSingleQuotes(text)) {
    return `'${text.replace(/'/g, "''")}'`;
  }
  return text;
}

function isCollection(value: GoValue): boolean {
  return Array.isArray(value)
    ? value.length > 0
    : isGoMap(value) && Object.keys(value).length > 0;
}

function emit(value: GoValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    const lines: string[] = [];
    for (const element of value) {
      if (isCollection(element)) {
        const inner = emit(element, `${indent}  `);
        lines.push(`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else {
        lines.push(...emitScalarLine(`${indent}- `, element, `${indent}  `));
      }
    }
    return lines;
  }
  if (isGoMap(value)) {
    const keys = sortedKeys(value);
    if (keys.length === 0) return ['{}'];
    const lines: string[] = [];
    for (const key of keys) {
      const element = value[key];
      const prefix = `${indent}${scalar(key)}:`;
      if (Array.isArray(element) && element.length > 0) {
        lines.push(prefix, ...emit(element, indent));
      } else if (isCollection(element)) {
        lines.push(prefix, ...emit(element, `${indent}  `));
      } else {
        lines.push(...emitScalarLine(`${prefix} `, element, `${indent}  `));
      }
    }
    return lines;
  }
  return emitScalarLine(indent, value, indent);
}

function emitScalarLine(
  prefix: string,
  value: GoValue,
  indent: string,
): string[] {
  if (Array.isArray(value) || isGoMap(value)) {
    return [`${prefix}${Array.isArray(value) ? '[]' : '{}'}`];
  }
  if (typeof value === 'string' && value.includes('\n')) {
    let chomp = '-';
    if (value.endsWith('\n\n')) chomp = '+';
    else if (value.endsWith('\n')) chomp = '';
    const body = (value.endsWith('\n') ? value.slice(0, -1) : value).split(
      '\n',
    );
    const indicator = /^\s/.test(value) ? '2' : '';
    return [
      `${prefix}|${indicator}${chomp}`,
      ...body.map(line => (line === '' ? '' : `${indent}${line}`)),
    ];
  }
  return [`${prefix}${scalar(value)}`];
}

/** sigs.k8s.io/yaml's Marshal (goyaml.v2 style: sorted keys, sequences not indented under keys), without the final newline. */
export function marshalGoYaml(value: GoValue): string {
  return emit(value, '').join('\n');
}

/** A YAML string to plain JSON values, for templatePatch and other YAML fields. */
export function parseYamlToJson(text: string): unknown {
  return parse(text, { version: '1.1', merge: true });
}
