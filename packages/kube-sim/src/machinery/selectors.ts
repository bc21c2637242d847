import { badRequest } from './errors';
import { JsonObject } from './types';

/** One requirement of a label selector (`app=web`, `tier in (a,b)`, `!beta`). */
export interface LabelRequirement {
  key: string;
  operator: 'in' | 'notin' | 'exists' | 'doesnotexist' | '=' | '!=';
  values: string[];
}

export type LabelSelector = LabelRequirement[];

function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of input) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map(part => part.trim()).filter(part => part !== '');
}

/** Parses the `labelSelector` query syntax. Throws 400 BadRequest on bad input. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (!input || input.trim() === '') return [];
  const requirements: LabelSelector = [];
  for (const part of splitTopLevel(input)) {
    let match = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (match) {
      requirements.push({
        key: match[1],
        operator: match[2] as 'in' | 'notin',
        values: match[3]
          .split(',')
          .map(value => value.trim())
          .filter(v => v !== ''),
      });
      continue;
    }
    match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (match) {
      requirements.push({
        key: match[1],
        operator: match[2] === '!=' ? '!=' : '=',
        values: [match[3]],
      });
      continue;
    }
    match = /^!\s*(\S+)$/.exec(part);
    if (match) {
      requirements.push({
        key: match[1],
        operator: 'doesnotexist',
        values: [],
      });
      continue;
    }
    if (/^[^\s=!(),]+$/.test(part)) {
      requirements.push({ key: part, operator: 'exists', values: [] });
      continue;
    }
    throw badRequest(
      `unable to parse requirement: found '${part}', expected: identifier`,
    );
  }
  return requirements;
}

export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const present = labels ?? {};
  for (const requirement of selector) {
    const has = Object.prototype.hasOwnProperty.call(present, requirement.key);
    const value = present[requirement.key];
    switch (requirement.operator) {
      case '=':
      case 'in':
        if (!has || !requirement.values.includes(value)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && requirement.values.includes(value)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'doesnotexist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Converts a metav1.LabelSelector (matchLabels/matchExpressions) to requirements. */
export function fromLabelSelectorObject(
  selector: JsonObject | undefined,
): LabelSelector | undefined {
  if (!selector) return undefined;
  const requirements: LabelSelector = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: '=', values: [String(value)] });
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operators: Record<string, LabelRequirement['operator']> = {
      in: 'in',
      notin: 'notin',
      exists: 'exists',
      doesnotexist: 'doesnotexist',
    };
    const mapped =
      operators[String(expression.operator ?? '').toLowerCase()] ??
      'doesnotexist';
    requirements.push({
      key: expression.key,
      operator: mapped,
      values: expression.values ?? [],
    });
  }
  return requirements;
}

/** Formats a selector as `kubectl` and `status.selector` show it: `app=web,tier in (a,b)`. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map(requirement => {
      switch (requirement.operator) {
        case '=':
          return `${requirement.key}=${requirement.values[0]}`;
        case '!=':
          return `${requirement.key}!=${requirement.values[0]}`;
        case 'in':
          return `${requirement.key} in (${requirement.values.join(',')})`;
        case 'notin':
          return `${requirement.key} notin (${requirement.values.join(',')})`;
        case 'exists':
          return requirement.key;
        default:
          return `!${requirement.key}`;
      }
    })
    .join(',');
}

/** A parsed `fieldSelector`: exact (or negated) matches on dotted field paths. */
export interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
  /**
   * Where the value is read when the field label is not a path in the
   * object: the first non-empty one (an Event's `source` is
   * `source.component`, else `reportingComponent`).
   */
  readPaths?: string[];
}

export function parseFieldSelector(
  input: string | undefined,
): FieldRequirement[] {
  if (!input || input.trim() === '') return [];
  return input.split(',').map(part => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match)
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${part}'`,
      );
    return { path: match[1], negate: match[2] === '!=', value: match[3] };
  });
}

function readPath(object: JsonObject, path: string): unknown {
  let current: any = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[segment];
  }
  return current;
}

/** Field paths a real server accepts in fieldSelector for every kind. */
export const COMMON_FIELD_SELECTORS = ['metadata.name', 'metadata.namespace'];

export function matchesFields(
  requirements: FieldRequirement[],
  object: JsonObject,
): boolean {
  for (const requirement of requirements) {
    const actual =
      (requirement.readPaths ?? [requirement.path])
        .map(path => readPath(object, path))
        .map(raw => (raw === undefined || raw === null ? '' : String(raw)))
        .find(value => value !== '') ?? '';
    if ((actual === requirement.value) === requirement.negate) return false;
  }
  return true;
}
