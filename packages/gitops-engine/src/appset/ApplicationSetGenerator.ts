/**
 * Generation of an ApplicationSet's Applications with Argo CD's semantics
 * (applicationset/generators, controllers/template): each generator entry
 * gives parameter sets (a matrix's second child interpolated with each of
 * the first child's sets, a merge joined on its mergeKeys, a post-generation
 * selector applied), each set renders the template (a generator's own
 * template merged over spec.template, then spec.templatePatch), and the
 * result is checked (names present and unique). Any failure is one error
 * and no Applications, so the controller keeps the ones it has.
 */
import type { Application } from '../application';
import { marshalGoJson } from './template/go/goJson';
import {
  ConflictingParamsError,
  combineStringMaps,
  flattenForSelector,
  mergeParamsOverride,
  type Params,
} from './params';
import {
  generatorKindsOf,
  type GeneratorKind,
  parseApplicationSet,
} from './parseApplicationSet';
import { clustersParams } from './generators/clusters';
import type {
  ApplicationSetGeneratorContext,
  GeneratorRun,
  ParamsGenerator,
} from './generators/context';
import { GeneratorError } from './generators/errors';
import { gitParams } from './generators/git';
import { listParams } from './generators/list';
import { pullRequestParams } from './generators/scm/pullRequest';
import { scmProviderParams } from './generators/scm/scmProvider';
import { filterBySelector } from './generators/selector';
import { parseGoTemplateOptions } from './template/go';
import { applyTemplatePatch } from './template/patch';
import {
  isMissingKeyRenderError,
  mergeGeneratorTemplate,
  renderApplication,
  renderString,
  renderValue,
  type TemplateMode,
  TemplateRenderError,
} from './template/render';
import type {
  ApplicationSet,
  ApplicationSetGenerator as GeneratorEntry,
  ApplicationSetTemplate,
  MatrixGenerator,
  MergeGenerator,
} from './types';

/** Default requeue of Git generators (ARGOCD_APPLICATIONSET_CONTROLLER_REQUEUE_AFTER). */
export const DEFAULT_GIT_REQUEUE_AFTER_MS = 3 * 60_000;
/** Default requeue of SCM provider and pull-request generators. */
export const DEFAULT_SCM_REQUEUE_AFTER_MS = 30 * 60_000;

/** Generation failed; `generator` says where, the message says what and which source. Nothing was generated. */
export class ApplicationSetGenerationError extends Error {
  readonly applicationSet: string;
  readonly generator?: string;

  constructor(
    applicationSet: string,
    message: string,
    generator?: string,
    options?: { cause?: unknown },
  ) {
    super(`ApplicationSet ${applicationSet}: ${message}`, options);
    this.name = 'ApplicationSetGenerationError';
    this.applicationSet = applicationSet;
    this.generator = generator;
  }
}

/** The outcome of a successful generation. */
export interface ApplicationSetGenerationResult {
  /** The Applications, in generation order (generators in order, parameter sets in order). */
  applications: Application[];
  /**
   * When to generate again without an event: the smallest interval of the
   * set's generators (Git 3 min, SCM and pull requests 30 min by default,
   * `requeueAfterSeconds` when set); undefined when no generator asks (list,
   * clusters).
   */
  requeueAfterMs: number | undefined;
  /** For each Application, which generator and parameter set produced it (same order). */
  sources: Array<{ generator: string; paramSet: number }>;
}

const GENERATORS: Record<
  Exclude<GeneratorKind, 'matrix' | 'merge'>,
  ParamsGenerator<any>
> = {
  list: listParams,
  clusters: clustersParams,
  git: gitParams,
  scmProvider: scmProviderParams,
  pullRequest: pullRequestParams,
};

interface TransformResult {
  params: Params[];
  template: ApplicationSetTemplate;
  path: string;
}

/**
 * RenderGeneratorParams: a child generator's strings rendered with the
 * first matrix child's parameters. With goTemplate its `values` are resolved
 * with missingkey=error and a value naming a key the parameters lack is kept
 * as written, to be rendered later against the generator's own parameters.
 */
function interpolateGenerator(
  entry: GeneratorEntry,
  params: Params,
  mode: TemplateMode,
): GeneratorEntry {
  const out: GeneratorEntry = {};
  for (const [kind, spec] of Object.entries(entry)) {
    if (
      kind === 'selector' ||
      typeof spec !== 'object' ||
      spec === null ||
      Array.isArray(spec)
    ) {
      out[kind] = spec;
      continue;
    }
    const { values, ...rest } = spec as Record<string, unknown>;
    const rendered = renderValue(rest, params, mode) as Record<string, unknown>;
    if (values && typeof values === 'object') {
      const resolveMode: TemplateMode = mode.goTemplate
        ? {
            goTemplate: true,
            options: { ...mode.options, missingKey: 'error' },
          }
        : mode;
      const resolved: Record<string, string> = {};
      for (const [key, value] of Object.entries(
        values as Record<string, string>,
      )) {
        try {
          resolved[key] = renderString(value, params, resolveMode);
        } catch (error) {
          if (mode.goTemplate && isMissingKeyRenderError(error)) {
            resolved[key] = value;
          } else if (error instanceof TemplateRenderError) {
            throw new TemplateRenderError(
              `failed to pre-resolve Values key ${JSON.stringify(key)}: ${
                error.message
              }`,
            );
          } else {
            throw error;
          }
        }
      }
      rendered.values = resolved;
    }
    out[kind] = rendered;
  }
  return out;
}

class Generation {
  readonly mode: TemplateMode;

  constructor(
    readonly appSet: ApplicationSet,
    readonly context: ApplicationSetGeneratorContext,
  ) {
    this.mode = {
      goTemplate: Boolean(appSet.spec.goTemplate),
      options: parseGoTemplateOptions(appSet.spec.goTemplateOptions),
    };
  }

  private run(path: string): GeneratorRun {
    return {
      appSet: this.appSet,
      mode: this.mode,
      context: this.context,
      path,
    };
  }

  /** Argo CD's Transform: one result per generator kind the entry sets. */
  async transform(
    entry: GeneratorEntry,
    path: string,
    baseTemplate: ApplicationSetTemplate,
    interpolation: Params | undefined,
  ): Promise<TransformResult[]> {
    const results: TransformResult[] = [];
    for (const kind of generatorKindsOf(entry)) {
      const at = `${path}.${kind}`;
      const template = mergeGeneratorTemplate(
        (entry[kind] as { template?: ApplicationSetTemplate }).template,
        baseTemplate,
      );
      let spec = entry[kind];
      if (interpolation && Object.keys(interpolation).length > 0) {
        try {
          spec = interpolateGenerator(entry, interpolation, this.mode)[kind];
        } catch (error) {
          if (error instanceof TemplateRenderError) {
            throw new GeneratorError(
              at,
              `error interpolating the generator with the first matrix generator's parameters: ${error.message}`,
            );
          }
          throw error;
        }
      }
      let params: Params[];
      if (kind === 'matrix') {
        params = await this.matrix(spec as MatrixGenerator, at);
      } else if (kind === 'merge') {
        params = await this.merge(spec as MergeGenerator, at);
      } else {
        try {
          params = await GENERATORS[kind](spec, this.run(at));
        } catch (error) {
          if (error instanceof GeneratorError) throw error;
          if (error instanceof TemplateRenderError) {
            throw new GeneratorError(
              at,
              `failed to append templated values: ${error.message}`,
            );
          }
          throw new GeneratorError(at, (error as Error).message, {
            cause: error,
          });
        }
      }
      results.push({
        params: filterBySelector(params, entry.selector, path),
        template,
        path: at,
      });
    }
    return results;
  }

  private async childParams(
    child: GeneratorEntry,
    path: string,
    interpolation: Params | undefined,
  ): Promise<Params[]> {
    const results = await this.transform(child, path, {}, interpolation);
    if (results.length === 0) {
      throw new GeneratorError(path, 'child generator generated no parameters');
    }
    if (results.length > 1) {
      throw new GeneratorError(
        path,
        'found more than one generator in matrix.Generators',
      );
    }
    return results[0].params;
  }

  private async matrix(spec: MatrixGenerator, path: string): Promise<Params[]> {
    const children = spec.generators ?? [];
    if (children.length < 2)
      throw new GeneratorError(
        path,
        'found less than two generators, Matrix support only two',
      );
    if (children.length > 2)
      throw new GeneratorError(
        path,
        'found more than two generators, Matrix support only two',
      );
    const result: Params[] = [];
    const first = await this.childParams(
      children[0],
      `${path}.generators[0]`,
      undefined,
    );
    for (const a of first) {
      const second = await this.childParams(
        children[1],
        `${path}.generators[1]`,
        a,
      );
      for (const b of second) {
        if (this.mode.goTemplate) {
          // mergo into an empty map: b, then a with override, so the first generator wins.
          result.push(mergeParamsOverride(mergeParamsOverride({}, b), a));
        } else {
          try {
            result.push(combineStringMaps(a, b));
          } catch (error) {
            if (error instanceof ConflictingParamsError) {
              throw new GeneratorError(
                path,
                `failed to combine string maps with merging params for the matrix generator: ${error.message}`,
              );
            }
            throw error;
          }
        }
      }
    }
    return result;
  }

  private mergeKeyOf(params: Params, keys: string[]): string {
    const key: Params = {};
    for (const name of keys)
      key[name] = Object.prototype.hasOwnProperty.call(params, name)
        ? params[name]
        : null;
    return marshalGoJson(key, { escapeHtml: true });
  }

  private async merge(spec: MergeGenerator, path: string): Promise<Params[]> {
    const children = spec.generators ?? [];
    if (children.length < 2)
      throw new GeneratorError(
        path,
        'found less than two generators, Merge requires two or more',
      );
    const keys = [...new Set(spec.mergeKeys ?? [])];
    if (keys.length === 0)
      throw new GeneratorError(
        path,
        'no merge keys were specified, Merge requires at least one',
      );
    const sets: Params[][] = [];
    for (const [index, child] of children.entries()) {
      sets.push(
        await this.childParams(
          child,
          `${path}.generators[${index}]`,
          undefined,
        ),
      );
    }
    const byKey = (params: Params[], index: number) => {
      const map = new Map<string, Params>();
      for (const set of params) {
        const key = this.mergeKeyOf(set, keys);
        if (map.has(key)) {
          throw new GeneratorError(
            `${path}.generators[${index}]`,
            `the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${key}`,
          );
        }
        map.set(key, set);
      }
      return map;
    };
    const base = byKey(sets[0], 0);
    sets.slice(1).forEach((override, offset) => {
      const overrides = byKey(override, offset + 1);
      for (const [key, set] of base) {
        const other = overrides.get(key);
        if (other) {
          base.set(
            key,
            this.mode.goTemplate
              ? mergeParamsOverride(set, other)
              : { ...set, ...other },
          );
        }
      }
    });
    return [...base.values()];
  }

  requeueAfter(entry: GeneratorEntry): number | undefined {
    let result: number | undefined;
    const consider = (value: number | undefined) => {
      if (
        value !== undefined &&
        value !== 0 &&
        (result === undefined || value < result)
      )
        result = value;
    };
    const seconds = (
      spec: { requeueAfterSeconds?: number },
      fallback: number,
    ) =>
      typeof spec.requeueAfterSeconds === 'number'
        ? spec.requeueAfterSeconds * 1000
        : fallback;
    for (const kind of generatorKindsOf(entry)) {
      const spec = entry[kind] as Record<string, any>;
      switch (kind) {
        case 'git':
          consider(
            seconds(
              spec,
              this.context.defaultGitRequeueAfterMs ??
                DEFAULT_GIT_REQUEUE_AFTER_MS,
            ),
          );
          break;
        case 'scmProvider':
        case 'pullRequest':
          consider(seconds(spec, DEFAULT_SCM_REQUEUE_AFTER_MS));
          break;
        case 'matrix':
        case 'merge':
          for (const child of (spec.generators ?? []) as GeneratorEntry[])
            consider(this.requeueAfter(child));
          break;
        default:
      }
    }
    return result;
  }
}

function describeParams(params: Params): string {
  const flat = Object.entries(flattenForSelector(params))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/**
 * Generates the Applications of an ApplicationSet. The set is validated
 * first ({@link parseApplicationSet}); any generator, template or validation
 * failure throws {@link ApplicationSetGenerationError} (or
 * ApplicationSetValidationError) and nothing is generated, so a controller
 * never deletes Applications because of a transient failure.
 */
export async function generateApplications(
  appSetDocument: ApplicationSet | unknown,
  context: ApplicationSetGeneratorContext = {},
): Promise<ApplicationSetGenerationResult> {
  const appSet = parseApplicationSet(
    appSetDocument,
    `ApplicationSet ${
      (appSetDocument as ApplicationSet)?.metadata?.name ?? ''
    }`.trim(),
  );
  const name = appSet.metadata.name;
  let generation: Generation;
  try {
    generation = new Generation(appSet, context);
  } catch (error) {
    throw new ApplicationSetGenerationError(name, (error as Error).message);
  }
  const applications: Application[] = [];
  const sources: Array<{
    generator: string;
    paramSet: number;
    params: Params;
  }> = [];
  let requeueAfterMs: number | undefined;
  for (const [index, entry] of appSet.spec.generators.entries()) {
    const path = `spec.generators[${index}]`;
    let results: TransformResult[];
    try {
      results = await generation.transform(
        entry,
        path,
        appSet.spec.template,
        undefined,
      );
    } catch (error) {
      if (error instanceof GeneratorError) {
        throw new ApplicationSetGenerationError(
          name,
          error.message,
          error.generator,
          { cause: error },
        );
      }
      throw error;
    }
    const requeue = generation.requeueAfter(entry);
    if (
      requeue !== undefined &&
      (requeueAfterMs === undefined || requeue < requeueAfterMs)
    ) {
      requeueAfterMs = requeue;
    }
    for (const result of results) {
      result.params.forEach((params, paramSet) => {
        let application: Application;
        try {
          application = renderApplication(
            result.template,
            params,
            generation.mode,
            appSet.spec.syncPolicy,
          );
          if (appSet.spec.templatePatch) {
            application = applyTemplatePatch(
              application,
              appSet.spec.templatePatch,
              params,
              generation.mode,
            );
          }
        } catch (error) {
          if (error instanceof TemplateRenderError) {
            throw new ApplicationSetGenerationError(
              name,
              `${
                result.path
              }: error rendering the template with parameter set ${
                paramSet + 1
              } (${describeParams(params)}): ${error.message}`,
              result.path,
              { cause: error },
            );
          }
          throw error;
        }
        // Applications live in the set's namespace (the appsets-in-any-namespace boundary).
        const {
          name: appName,
          namespace: _templateNamespace,
          ...metadata
        } = application.metadata;
        application.metadata = {
          name: appName,
          ...(appSet.metadata.namespace
            ? { namespace: appSet.metadata.namespace }
            : {}),
          ...metadata,
        } as Application['metadata'];
        applications.push(application);
        sources.push({
          generator: result.path,
          paramSet: paramSet + 1,
          params,
        });
      });
    }
  }
  const seen = new Map<string, number>();
  applications.forEach((application, index) => {
    const source = sources[index];
    const where = `${source.generator} parameter set ${
      source.paramSet
    } (${describeParams(source.params)})`;
    if (!application.metadata.name) {
      throw new ApplicationSetGenerationError(
        name,
        `contains an application with no name, from ${where}; a name must be set in the template's metadata.name or via a templatePatch (generateName is not supported)`,
        source.generator,
      );
    }
    const first = seen.get(application.metadata.name);
    if (first !== undefined) {
      const other = sources[first];
      throw new ApplicationSetGenerationError(
        name,
        `contains applications with duplicate name: ${
          application.metadata.name
        }, generated from ${other.generator} parameter set ${
          other.paramSet
        } (${describeParams(other.params)}) and from ${where}`,
        source.generator,
      );
    }
    seen.set(application.metadata.name, index);
  });
  return {
    applications,
    requeueAfterMs,
    sources: sources.map(({ generator, paramSet }) => ({
      generator,
      paramSet,
    })),
  };
}

/**
 * The generation port the backend's ApplicationSet controller holds: one
 * context (Git, clusters, SCM credentials) for every set it reconciles.
 */
export class ApplicationSetGenerator {
  constructor(private readonly context: ApplicationSetGeneratorContext = {}) {}

  /** See {@link generateApplications}; `overrides` replace context entries for this call. */
  generate(
    appSet: ApplicationSet | unknown,
    overrides: Partial<ApplicationSetGeneratorContext> = {},
  ): Promise<ApplicationSetGenerationResult> {
    return generateApplications(appSet, { ...this.context, ...overrides });
  }
}

/**
 * The parameter sets each top-level generator produces (after its
 * selector), without rendering: what a dry run shows next to the
 * Applications, and what the generator tests check.
 */
export async function generateParameterSets(
  appSetDocument: ApplicationSet | unknown,
  context: ApplicationSetGeneratorContext = {},
): Promise<Array<{ generator: string; params: Params[] }>> {
  const appSet = parseApplicationSet(appSetDocument);
  const generation = new Generation(appSet, context);
  const out: Array<{ generator: string; params: Params[] }> = [];
  for (const [index, entry] of appSet.spec.generators.entries()) {
    try {
      const results = await generation.transform(
        entry,
        `spec.generators[${index}]`,
        appSet.spec.template,
        undefined,
      );
      out.push(
        ...results.map(result => ({
          generator: result.path,
          params: result.params,
        })),
      );
    } catch (error) {
      if (error instanceof GeneratorError) {
        throw new ApplicationSetGenerationError(
          appSet.metadata.name,
          error.message,
          error.generator,
          { cause: error },
        );
      }
      throw error;
    }
  }
  return out;
}
