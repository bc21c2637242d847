import { InputError } from '@backstage/errors';
import { z } from 'zod';
import type { ApplicationKey } from '../database/types';

/** `a.b[2].c`, how problems name the field they are about. */
function describePath(path: PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

/**
 * Validates one part of a request (`where`: "the request body", "the query")
 * and throws an InputError listing every problem with the field it is about.
 */
export function parseRequestPart<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map(issue => {
    const path = describePath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${where}: ${problems.join('; ')}`);
}

// DNS-1123 label and subdomain: what Kubernetes accepts as a namespace and an object name.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const namespaceSchema = z
  .string()
  .max(63, 'a namespace has at most 63 characters')
  .regex(
    DNS_LABEL,
    'a namespace is a DNS-1123 label (lower-case letters, digits and -)',
  );

export const applicationNameSchema = z
  .string()
  .max(253, 'an Application name has at most 253 characters')
  .regex(
    DNS_SUBDOMAIN,
    'an Application name is a DNS-1123 subdomain (lower-case letters, digits, - and .)',
  );

const applicationParamsSchema = z.object({
  namespace: namespaceSchema,
  name: applicationNameSchema,
});

/** The `:namespace/:name` of an application route. */
export function parseApplicationParams(params: unknown): ApplicationKey {
  return parseRequestPart(applicationParamsSchema, params, 'application path');
}

/** A query flag: `true` or `false`. */
export const booleanQuery = z
  .enum(['true', 'false'], { error: "use 'true' or 'false'" })
  .transform(value => value === 'true');

/** A query parameter given once or repeated, each value possibly comma-separated. */
export const listQuery = z
  .union([z.string(), z.array(z.string())], {
    error: 'give a value, a comma-separated list, or repeat the parameter',
  })
  .transform(value =>
    (Array.isArray(value) ? value : [value])
      .flatMap(item => item.split(','))
      .map(item => item.trim())
      .filter(item => item.length > 0),
  );

/** Like {@link listQuery}, every value one of `values`. */
export function enumListQuery<const Value extends string>(
  values: readonly Value[],
) {
  return listQuery.pipe(
    z.array(
      z.enum(values as [Value, ...Value[]], {
        error: issue =>
          `'${String(issue.input)}' is not one of ${values.join(', ')}`,
      }),
    ),
  );
}

/** An integer in a query string, within [min, max]. */
export function integerQuery(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'give a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `give at least ${min}`)
        .max(max, `give at most ${max}`),
    );
}
