/**
 * Rendering an ApplicationSet's template with one parameter set, as Argo
 * CD's RenderTemplateParams does: every string of the template (map keys
 * included) goes through fasttemplate or Go templates, nulls in maps are
 * dropped, other values are kept; the resources finalizer is added unless the
 * template has finalizers or the set preserves resources on deletion; with no
 * parameters the template is returned unrendered.
 */
import type { Application } from '../../application';
import type { Params } from '../params';
import {
  type ApplicationSetSyncPolicy,
  type ApplicationSetTemplate,
  RESOURCES_FINALIZER,
} from '../types';
import { FastTemplateError, renderFastTemplate } from './fasttemplate';
import {
  executeGoTemplate,
  GoTemplateExecError,
  type GoTemplateOptions,
  GoTemplateParseError,
  isMissingKeyError,
} from './go';

/** How an ApplicationSet's strings are templated (`spec.goTemplate`, `spec.goTemplateOptions`). */
export interface TemplateMode {
  goTemplate: boolean;
  options: GoTemplateOptions;
}

/** A string of the template failed to render; the message says which and why. */
export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/** Renders one string (Argo CD's Render.Replace). */
export function renderString(
  text: string,
  params: Params,
  mode: TemplateMode,
): string {
  if (!mode.goTemplate) {
    try {
      return renderFastTemplate(text, params);
    } catch (error) {
      if (error instanceof FastTemplateError) {
        throw new TemplateRenderError(error.message);
      }
      throw error;
    }
  }
  try {
    return executeGoTemplate(text, params, mode.options);
  } catch (error) {
    if (error instanceof GoTemplateParseError) {
      throw new TemplateRenderError(
        `failed to parse template ${text}: ${error.message}`,
      );
    }
    if (error instanceof GoTemplateExecError) {
      const wrapped = new TemplateRenderError(
        `failed to execute go template ${text}: ${error.message}`,
      );
      (wrapped as { missingKey?: boolean }).missingKey =
        isMissingKeyError(error);
      throw wrapped;
    }
    throw error;
  }
}

/** Whether a render error is a missing-key failure under missingkey=error. */
export function isMissingKeyRenderError(error: unknown): boolean {
  return (
    error instanceof TemplateRenderError &&
    Boolean((error as { missingKey?: boolean }).missingKey)
  );
}

/** Renders every string in a JSON value, map keys included; nulls inside maps are dropped. */
export function renderValue<T>(
  value: T,
  params: Params,
  mode: TemplateMode,
): T {
  if (typeof value === 'string') {
    return renderString(value, params, mode) as T;
  }
  if (Array.isArray(value)) {
    return value.map(element => renderValue(element, params, mode)) as T;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      if (element === null || element === undefined) {
        continue;
      }
      out[renderString(key, params, mode)] = renderValue(element, params, mode);
    }
    return out as T;
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    value === 0
  ) {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function deepCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * A generator's own `template` merged over `spec.template` (mergo.Merge
 * without override): the generator's non-empty fields win, empty ones
 * (missing, "", false, 0, empty lists and maps) are filled from the set's.
 */
export function mergeGeneratorTemplate(
  generatorTemplate: ApplicationSetTemplate | undefined,
  setTemplate: ApplicationSetTemplate,
): ApplicationSetTemplate {
  const fill = (dst: Record<string, unknown>, src: Record<string, unknown>) => {
    for (const [key, s] of Object.entries(src)) {
      const d = dst[key];
      if (isEmpty(d)) {
        if (!isEmpty(s) || d === undefined) dst[key] = deepCopy(s);
      } else if (
        typeof d === 'object' &&
        !Array.isArray(d) &&
        typeof s === 'object' &&
        s !== null &&
        !Array.isArray(s)
      ) {
        fill(d as Record<string, unknown>, s as Record<string, unknown>);
      }
    }
    return dst;
  };
  return fill(
    deepCopy(generatorTemplate ?? {}) as Record<string, unknown>,
    setTemplate as Record<string, unknown>,
  ) as ApplicationSetTemplate;
}

/** The Application a template describes before rendering (Argo CD's GetTempApplication). */
function applicationFromTemplate(
  template: ApplicationSetTemplate,
): Application {
  const meta = template.metadata ?? {};
  const metadata: Record<string, unknown> = { name: meta.name ?? '' };
  if (meta.namespace) metadata.namespace = meta.namespace;
  if (meta.labels && Object.keys(meta.labels).length)
    metadata.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length)
    metadata.annotations = meta.annotations;
  if (meta.finalizers && meta.finalizers.length)
    metadata.finalizers = meta.finalizers;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata,
    spec: (template.spec ?? {}) as Application['spec'],
  } as Application;
}

/** RenderTemplateParams: one Application from the template and one parameter set. */
export function renderApplication(
  template: ApplicationSetTemplate,
  params: Params,
  mode: TemplateMode,
  syncPolicy: ApplicationSetSyncPolicy | undefined,
): Application {
  const unrendered = applicationFromTemplate(template);
  if (Object.keys(params).length === 0) {
    return deepCopy(unrendered);
  }
  const rendered = {
    apiVersion: unrendered.apiVersion,
    kind: unrendered.kind,
    metadata: renderValue(unrendered.metadata, params, mode),
    spec: renderValue(unrendered.spec, params, mode),
  } as Application;
  if (
    !syncPolicy?.preserveResourcesOnDeletion &&
    !(rendered.metadata.finalizers as string[] | undefined)?.length
  ) {
    rendered.metadata.finalizers = [RESOURCES_FINALIZER];
  }
  return rendered;
}
