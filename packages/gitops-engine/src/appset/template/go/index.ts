/**
 * Go text/template for ApplicationSets, with Argo CD's function set: sprig's
 * generic functions without env, expandenv and getHostByName, plus
 * normalize, slugify, toYaml, fromYaml and fromYamlArray. Templates are parsed
 * once per source text and cached; executing a cached template is a walk of
 * its tree.
 */
import { slugifyName, sanitizeName } from '../../names';
import {
  BUILTIN_FUNCTIONS,
  type GoFunction,
  GoFunctionError,
  GoTemplateExecError,
  GoTemplateExecution,
  type MissingKey,
} from './exec';
import {
  GoTemplateParseError,
  parseGoTemplate,
  type ParsedTemplate,
} from './parse';
import { SPRIG_FUNCTIONS } from './sprig';
import type { GoValue } from './values';

export { GoTemplateExecError } from './exec';
export { GoTemplateParseError } from './parse';

/** The name Argo CD's templates carry in error messages (`template: base:1:3: …`). */
const TEMPLATE_NAME = 'base';

const ARGO_FUNCTIONS: Record<string, GoFunction> = {
  normalize: { params: ['string'], call: sanitizeName },
  slugify: {
    params: [],
    variadic: 'any',
    call: (...args: GoValue[]) => {
      let maxSize = 50;
      let smartTruncate = true;
      if (args.length === 0) {
        return slugifyName('', maxSize, smartTruncate);
      }
      const name = args[args.length - 1];
      if (typeof name !== 'string') {
        throw new GoFunctionError(
          'interface conversion: interface {} is not string: the last argument of slugify must be the name',
        );
      }
      if (args.length > 1) {
        if (typeof args[0] !== 'bigint') {
          throw new GoFunctionError(
            'interface conversion: the first argument of slugify (maximum length) must be an int',
          );
        }
        maxSize = Number(args[0]);
      }
      if (args.length > 2) {
        if (typeof args[1] !== 'boolean') {
          throw new GoFunctionError(
            'interface conversion: the second argument of slugify (smart truncation) must be a bool',
          );
        }
        smartTruncate = args[1];
      }
      return slugifyName(name, maxSize, smartTruncate);
    },
  },
};

const FUNCTIONS = new Map<string, GoFunction>([
  ...Object.entries(BUILTIN_FUNCTIONS),
  ...Object.entries(SPRIG_FUNCTIONS),
  ...Object.entries(ARGO_FUNCTIONS),
]);

/** The template options Argo CD passes to template.Option (`goTemplateOptions`). */
export interface GoTemplateOptions {
  missingKey: MissingKey;
}

/** An entry of `goTemplateOptions` that text/template does not know. */
export class GoTemplateOptionError extends Error {
  constructor(option: string) {
    super(
      `goTemplateOptions entry '${option}' is not a text/template option; use missingkey=default, missingkey=zero or missingkey=error`,
    );
    this.name = 'GoTemplateOptionError';
  }
}

/** Reads `goTemplateOptions`; the last missingkey entry wins, as with repeated template.Option calls. */
export function parseGoTemplateOptions(
  options: readonly string[] = [],
): GoTemplateOptions {
  let missingKey: MissingKey = 'invalid';
  for (const option of options) {
    const match = /^missingkey=(default|invalid|zero|error)$/.exec(option);
    if (!match) {
      throw new GoTemplateOptionError(option);
    }
    missingKey = match[1] === 'default' ? 'invalid' : (match[1] as MissingKey);
  }
  return { missingKey };
}

const MAX_CACHED_TEMPLATES = 20_000;
const parsedTemplates = new Map<
  string,
  ParsedTemplate | GoTemplateParseError
>();

function parseCached(source: string): ParsedTemplate {
  let parsed = parsedTemplates.get(source);
  if (!parsed) {
    try {
      parsed = parseGoTemplate(TEMPLATE_NAME, source, name =>
        FUNCTIONS.has(name),
      );
    } catch (error) {
      if (!(error instanceof GoTemplateParseError)) throw error;
      parsed = error;
    }
    if (parsedTemplates.size >= MAX_CACHED_TEMPLATES) {
      parsedTemplates.clear();
    }
    parsedTemplates.set(source, parsed);
  }
  if (parsed instanceof GoTemplateParseError) {
    throw parsed;
  }
  return parsed;
}

/**
 * Executes `source` as a Go template against `data`. Throws
 * {@link GoTemplateParseError} or {@link GoTemplateExecError} with Go's
 * wording (`template: base:1:7: executing "base" at <.a.b>: …`).
 */
export function executeGoTemplate(
  source: string,
  data: GoValue,
  options: GoTemplateOptions = { missingKey: 'invalid' },
): string {
  const parsed = parseCached(source);
  // A template without actions prints its text: skip the walk.
  if (
    parsed.root.length === 1 &&
    parsed.root[0].kind === 'text' &&
    parsed.defines.size === 0
  ) {
    return parsed.root[0].text;
  }
  if (parsed.root.length === 0) {
    return '';
  }
  return new GoTemplateExecution(
    parsed,
    {
      name: TEMPLATE_NAME,
      missingKey: options.missingKey,
      functions: FUNCTIONS,
    },
    data,
  ).run(data);
}

/** Whether an error is text/template's "missing key" failure (Argo CD keeps the raw value then). */
export function isMissingKeyError(error: unknown): boolean {
  return (
    error instanceof GoTemplateExecError &&
    (error.message.includes('map has no entry for key') ||
      error.message.includes("can't evaluate field"))
  );
}
