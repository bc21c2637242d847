import { StatusCause } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The rule an object name follows; which one depends on the kind. */
export type NameRule =
  | 'dns1123-subdomain'
  | 'dns1123-label'
  | 'dns1035-label'
  | 'path-segment';

function quote(value: string): string {
  return JSON.stringify(value);
}

/** Returns the problems with `name` under `rule`, worded as the API server words them. */
export function validateName(name: string, rule: NameRule): string[] {
  const problems: string[] = [];
  switch (rule) {
    case 'dns1123-subdomain':
      if (name.length > 253)
        problems.push('must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN.test(name)) {
        problems.push(
          `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        );
      }
      break;
    case 'dns1123-label':
      if (name.length > 63) problems.push('must be no more than 63 characters');
      if (!DNS1123_LABEL.test(name)) {
        problems.push(
          `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        );
      }
      break;
    case 'dns1035-label':
      if (name.length > 63) problems.push('must be no more than 63 characters');
      if (!DNS1035_LABEL.test(name)) {
        problems.push(
          `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        );
      }
      break;
    case 'path-segment':
      if (name === '.' || name === '..') problems.push(`may not be '${name}'`);
      if (name.includes('/')) problems.push(`may not contain '/'`);
      if (name.includes('%')) problems.push(`may not contain '%'`);
      break;
    default:
      break;
  }
  return problems;
}

export function nameCauses(
  field: string,
  name: string,
  rule: NameRule,
): StatusCause[] {
  return validateName(name, rule).map(problem => ({
    type: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${quote(name)}: ${problem}`,
  }));
}

/** Label and annotation keys: an optional DNS subdomain prefix and a name part. */
export function validateQualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name must have at most one /';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (
    prefix !== undefined &&
    (prefix.length === 0 || !DNS1123_SUBDOMAIN.test(prefix))
  ) {
    return 'prefix part must be a lowercase RFC 1123 subdomain';
  }
  if (!name || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;
  }
  return undefined;
}

export function validateLabelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`;
  }
  return undefined;
}

/** Checks metadata.labels and metadata.annotations keys and label values. */
export function metadataCauses(
  metadata: {
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  },
  prefix = 'metadata',
): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    const keyProblem = validateQualifiedName(key);
    if (keyProblem) {
      causes.push({
        field: `${prefix}.labels`,
        message: `Invalid value: ${quote(key)}: ${keyProblem}`,
      });
    }
    if (typeof value !== 'string') {
      causes.push({
        field: `${prefix}.labels`,
        message: `Invalid value: ${JSON.stringify(
          value,
        )}: label values must be strings`,
      });
      continue;
    }
    const valueProblem = validateLabelValue(value);
    if (valueProblem) {
      causes.push({
        field: `${prefix}.labels`,
        message: `Invalid value: ${quote(value)}: ${valueProblem}`,
      });
    }
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    const keyProblem = validateQualifiedName(key.toLowerCase());
    if (keyProblem) {
      causes.push({
        field: `${prefix}.annotations`,
        message: `Invalid value: ${quote(key)}: ${keyProblem}`,
      });
    }
    if (typeof value !== 'string') {
      causes.push({
        field: `${prefix}.annotations`,
        message: `Invalid value: ${JSON.stringify(
          value,
        )}: annotation values must be strings`,
      });
      continue;
    }
    annotationBytes += key.length + value.length;
  }
  if (annotationBytes > 256 * 1024) {
    causes.push({
      field: `${prefix}.annotations`,
      type: 'FieldValueTooLong',
      message: 'Too long: must have at most 262144 bytes',
    });
  }
  return causes;
}
