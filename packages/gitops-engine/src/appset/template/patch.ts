/**
 * `spec.templatePatch` (Argo CD's applyTemplatePatch): the patch text is
 * rendered with the same parameters, read as YAML or JSON, and merged onto
 * the rendered Application; `spec.project` is then restored, so a patch
 * cannot move an Application to another project.
 *
 * Argo CD applies a Kubernetes strategic merge patch typed by its
 * Application struct. That struct declares no merge keys for its lists (its
 * only patch strategy is `replace`, on a string), so the patch behaves as a
 * JSON merge patch (RFC 7386): objects merge key by key, `null` deletes a key,
 * lists are replaced whole. The one exception is `metadata.finalizers`, which
 * ObjectMeta merges as a set; that is reproduced too. Strategic-merge
 * directives (`$patch`, `$retainKeys`, `$setElementOrder/…`) are refused
 * rather than silently written into the Application.
 */
import type { Application } from '../../application';
import type { Params } from '../params';
import { parseYamlToJson } from './go/goYaml';
import { renderString, type TemplateMode, TemplateRenderError } from './render';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function findDirective(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) {
      const found = findDirective(element, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, element] of Object.entries(value)) {
      if (key.startsWith('$')) return `${path}.${key}`;
      const found = findDirective(element, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function mergePatch(target: unknown, patch: unknown, path: string): unknown {
  if (!isObject(patch)) {
    return patch;
  }
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    const at = `${path}.${key}`;
    if (value === null) {
      delete out[key];
    } else if (
      at === '.metadata.finalizers' &&
      Array.isArray(value) &&
      Array.isArray(out[key])
    ) {
      const merged = [...(out[key] as unknown[])];
      for (const finalizer of value)
        if (!merged.includes(finalizer)) merged.push(finalizer);
      out[key] = merged;
    } else {
      out[key] = mergePatch(out[key], value, at);
    }
  }
  return out;
}

/** Renders `templatePatch` with `params` and applies it to `application`. */
export function applyTemplatePatch(
  application: Application,
  templatePatch: string,
  params: Params,
  mode: TemplateMode,
): Application {
  const rendered = renderString(templatePatch, params, mode);
  let patch: unknown;
  try {
    patch = parseYamlToJson(rendered);
  } catch (error) {
    throw new TemplateRenderError(
      `error while converting templatePatch to JSON: ${
        (error as Error).message
      }; the rendered patch was ${JSON.stringify(rendered)}`,
    );
  }
  if (patch === null || patch === undefined) {
    return application;
  }
  if (
    !isObject(patch) ||
    (patch.metadata !== undefined && !isObject(patch.metadata)) ||
    (patch.spec !== undefined && !isObject(patch.spec))
  ) {
    throw new TemplateRenderError(
      `invalid templatePatch ${JSON.stringify(
        rendered,
      )}: it must be an Application fragment (an object with metadata and/or spec)`,
    );
  }
  const directive = findDirective(patch, '');
  if (directive) {
    throw new TemplateRenderError(
      `invalid templatePatch: strategic-merge directive '${directive.slice(
        1,
      )}' is not supported; write the fields as they should be (lists are replaced whole)`,
    );
  }
  const patched = mergePatch(application, patch, '') as Application;
  return {
    ...patched,
    spec: { ...patched.spec, project: application.spec.project },
  };
}
