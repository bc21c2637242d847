import type { Params } from '../params';
import { renderString, type TemplateMode } from '../template/render';
import { goStringMap } from '../template/go/values';

/**
 * Argo CD's appendTemplatedValues: each `values` entry is rendered against
 * the generator's own parameters only (so one value cannot refer to
 * another), then added as `values.<key>` (flat) or one `values` map
 * (goTemplate) that replaces any `values` the parameters had.
 */
export function appendValues(
  values: Record<string, string> | undefined,
  params: Params,
  mode: TemplateMode,
): Params {
  if (!values || Object.keys(values).length === 0) {
    return params;
  }
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    rendered[key] = renderString(value, params, mode);
  }
  if (mode.goTemplate) {
    return { ...params, values: goStringMap(rendered) };
  }
  const out: Params = { ...params };
  for (const [key, value] of Object.entries(rendered)) {
    out[`values.${key}`] = value;
  }
  return out;
}
