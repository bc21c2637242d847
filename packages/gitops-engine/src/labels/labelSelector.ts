/**
 * Kubernetes label selectors, in both spellings users write them: the string
 * form (`app=web,tier in (a,b),!beta`, as in `kubectl -l` and the
 * `argocd/app-selector` annotation) and the object form
 * (`matchLabels`/`matchExpressions`, as in ApplicationSet generators). Both
 * become the same list of requirements, all of which must hold.
 */

/** Operators of `matchExpressions`; the string form's `=`/`==`/`!=` map onto In/NotIn with one value. */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One requirement, shaped like a `matchExpressions` entry. */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  /** Empty for Exists and DoesNotExist; at least one value for In and NotIn. */
  values: string[];
}

/** The object form of a selector (`metav1.LabelSelector`). */
export interface KubernetesLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** A selector that cannot be used as written; the message quotes it and says why. */
export class LabelSelectorError extends Error {
  constructor(selector: string, problem: string) {
    super(`Invalid label selector '${selector}': ${problem}`);
    this.name = 'LabelSelectorError';
  }
}

// Kubernetes' qualified-name and label-value rules (apimachinery validation).
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253) {
      return `the prefix of key '${key}' must be 1 to 253 characters`;
    }
    if (!DNS_SUBDOMAIN.test(prefix)) {
      return `the prefix of key '${key}' must be a DNS subdomain (lower-case letters, digits, '-' and '.')`;
    }
  }
  if (name.length === 0 || name.length > 63) {
    return `the name part of key '${key}' must be 1 to 63 characters`;
  }
  if (!NAME_PART.test(name)) {
    return `key '${key}' may contain only letters, digits, '-', '_' and '.', and must start and end with a letter or digit`;
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value === '') {
    return undefined;
  }
  if (value.length > 63) {
    return `value '${value}' is longer than 63 characters`;
  }
  if (!NAME_PART.test(value)) {
    return `value '${value}' may contain only letters, digits, '-', '_' and '.', and must start and end with a letter or digit`;
  }
  return undefined;
}

type Token =
  | { kind: 'identifier'; text: string; position: number }
  | {
      kind: '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '<' | '>' | 'end';
      text: string;
      position: number;
    };

const OPERATOR_TOKENS = ['==', '!=', '=', '!', '(', ')', ',', '<', '>'];

function operatorAt(selector: string, position: number): string | undefined {
  return OPERATOR_TOKENS.find(candidate =>
    selector.startsWith(candidate, position),
  );
}

function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < selector.length) {
    const char = selector[index];
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const operator = operatorAt(selector, index);
    if (operator) {
      tokens.push({
        kind: operator as Exclude<Token['kind'], 'identifier' | 'end'>,
        text: operator,
        position: index,
      });
      index += operator.length;
      continue;
    }
    const start = index;
    while (
      index < selector.length &&
      !/\s/.test(selector[index]) &&
      !'=!(),<>'.includes(selector[index])
    ) {
      index++;
    }
    tokens.push({
      kind: 'identifier',
      text: selector.slice(start, index),
      position: start,
    });
  }
  tokens.push({ kind: 'end', text: '', position: selector.length });
  return tokens;
}

/**
 * Parses the string form of a label selector. An empty or blank string
 * selects everything (no requirements). Throws {@link LabelSelectorError}
 * naming the selector and the offending part.
 */
export function parseLabelSelector(
  selector: string,
): LabelSelectorRequirement[] {
  const tokens = tokenize(selector);
  const requirements: LabelSelectorRequirement[] = [];
  let index = 0;
  const invalid = (problem: string) =>
    new LabelSelectorError(selector, problem);
  const describe = (token: Token) =>
    token.kind === 'end'
      ? 'the end of the selector'
      : `'${token.text}' at position ${token.position + 1}`;
  const expectKey = (): string => {
    const token = tokens[index++];
    if (token.kind !== 'identifier') {
      throw invalid(`expected a label key, found ${describe(token)}`);
    }
    const problem = labelKeyProblem(token.text);
    if (problem) {
      throw invalid(problem);
    }
    return token.text;
  };
  const expectValue = (): string => {
    const token = tokens[index];
    // `key=` and `key in (a,,b)` mean the empty value, as in Kubernetes.
    if (token.kind !== 'identifier') {
      return '';
    }
    index++;
    const problem = labelValueProblem(token.text);
    if (problem) {
      throw invalid(problem);
    }
    return token.text;
  };
  const expectValueList = (): string[] => {
    const open = tokens[index++];
    if (open.kind !== '(') {
      throw invalid(
        `expected '(' to start a value list, found ${describe(open)}`,
      );
    }
    const values = [expectValue()];
    while (tokens[index].kind === ',') {
      index++;
      values.push(expectValue());
    }
    const close = tokens[index++];
    if (close.kind !== ')') {
      throw invalid(
        `expected ',' or ')' in a value list, found ${describe(close)}`,
      );
    }
    return [...new Set(values)];
  };

  if (tokens.length === 1) {
    return requirements;
  }
  for (;;) {
    const first = tokens[index];
    if (first.kind === '!') {
      index++;
      requirements.push({
        key: expectKey(),
        operator: 'DoesNotExist',
        values: [],
      });
    } else {
      const key = expectKey();
      const operator = tokens[index];
      if (operator.kind === ',' || operator.kind === 'end') {
        requirements.push({ key, operator: 'Exists', values: [] });
      } else if (operator.kind === '=' || operator.kind === '==') {
        index++;
        requirements.push({ key, operator: 'In', values: [expectValue()] });
      } else if (operator.kind === '!=') {
        index++;
        requirements.push({ key, operator: 'NotIn', values: [expectValue()] });
      } else if (operator.kind === 'identifier' && operator.text === 'in') {
        index++;
        requirements.push({ key, operator: 'In', values: expectValueList() });
      } else if (operator.kind === 'identifier' && operator.text === 'notin') {
        index++;
        requirements.push({
          key,
          operator: 'NotIn',
          values: expectValueList(),
        });
      } else if (operator.kind === '<' || operator.kind === '>') {
        throw invalid(
          `the numeric comparison '${key} ${operator.text} …' is not supported; use =, ==, !=, in, notin, a bare key or !key`,
        );
      } else {
        throw invalid(
          `expected =, ==, !=, in or notin after key '${key}', found ${describe(
            operator,
          )}`,
        );
      }
    }
    const separator = tokens[index++];
    if (separator.kind === 'end') {
      return requirements;
    }
    if (separator.kind !== ',') {
      throw invalid(
        `expected ',' between requirements, found ${describe(separator)}`,
      );
    }
  }
}

const OBJECT_OPERATORS: Record<string, LabelSelectorOperator> = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
};

/**
 * The requirements of a selector in object form: each `matchLabels` entry is
 * `key In (value)`, then the `matchExpressions`. An empty object selects
 * everything. Throws {@link LabelSelectorError} for unknown operators, value
 * lists that do not fit the operator, or invalid keys and values.
 */
export function labelSelectorRequirements(
  selector: KubernetesLabelSelector,
): LabelSelectorRequirement[] {
  const described = JSON.stringify(selector);
  const invalid = (problem: string) =>
    new LabelSelectorError(described, problem);
  const requirements: LabelSelectorRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(String(value));
    if (problem) {
      throw invalid(`matchLabels: ${problem}`);
    }
    requirements.push({ key, operator: 'In', values: [String(value)] });
  }
  for (const [position, expression] of (
    selector.matchExpressions ?? []
  ).entries()) {
    const where = `matchExpressions[${position}]`;
    const operator = OBJECT_OPERATORS[expression.operator];
    if (!operator) {
      throw invalid(
        `${where}: operator '${expression.operator}' is not one of In, NotIn, Exists, DoesNotExist`,
      );
    }
    const keyProblem = labelKeyProblem(expression.key ?? '');
    if (keyProblem) {
      throw invalid(`${where}: ${keyProblem}`);
    }
    const values = expression.values ?? [];
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      throw invalid(`${where}: operator ${operator} needs at least one value`);
    }
    if (
      (operator === 'Exists' || operator === 'DoesNotExist') &&
      values.length > 0
    ) {
      throw invalid(`${where}: operator ${operator} takes no values`);
    }
    for (const value of values) {
      const problem = labelValueProblem(value);
      if (problem) {
        throw invalid(`${where}: ${problem}`);
      }
    }
    requirements.push({ key: expression.key, operator, values: [...values] });
  }
  return requirements;
}

/** Whether labels satisfy every requirement. NotIn and DoesNotExist hold when the key is absent. */
export function matchesLabelSelector(
  requirements: readonly LabelSelectorRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const present = labels ?? {};
  return requirements.every(({ key, operator, values }) => {
    const has = Object.prototype.hasOwnProperty.call(present, key);
    switch (operator) {
      case 'In':
        return has && values.includes(present[key]);
      case 'NotIn':
        return !has || !values.includes(present[key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** The string form of requirements, as `kubectl` prints it: `app=web,tier in (a,b),!beta`. */
export function formatLabelSelector(
  requirements: readonly LabelSelectorRequirement[],
): string {
  return requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return values.length === 1
            ? `${key}=${values[0]}`
            : `${key} in (${values.join(',')})`;
        case 'NotIn':
          return values.length === 1
            ? `${key}!=${values[0]}`
            : `${key} notin (${values.join(',')})`;
        case 'Exists':
          return key;
        default:
          return `!${key}`;
      }
    })
    .join(',');
}
