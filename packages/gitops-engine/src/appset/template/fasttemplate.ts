import type { Params } from '../params';

/** A `{{` with no `}}` after it: valyala/fasttemplate refuses the whole string. */
export class FastTemplateError extends Error {}

// Argo CD only hands strings with `{{…}}` on one line to fasttemplate.
const TEMPLATED = /\{\{.*\}\}/;

/**
 * Argo CD's fasttemplate rendering (`{{path.basename}}`): each tag is trimmed
 * and looked up as an exact key; a missing key, an empty tag or a value that
 * is not a string leaves the tag as written. No escaping, no functions.
 */
export function renderFastTemplate(template: string, params: Params): string {
  if (!TEMPLATED.test(template)) {
    return template;
  }
  let out = '';
  let position = 0;
  for (;;) {
    const start = template.indexOf('{{', position);
    if (start < 0) {
      return out + template.slice(position);
    }
    const end = template.indexOf('}}', start + 2);
    if (end < 0) {
      throw new FastTemplateError(
        `invalid template: cannot find end tag="}}" in the template=${JSON.stringify(
          template,
        )} starting from ${JSON.stringify(template.slice(start + 2))}`,
      );
    }
    const tag = template.slice(start + 2, end);
    const key = tag.trim();
    const value = Object.prototype.hasOwnProperty.call(params, key)
      ? params[key]
      : undefined;
    out += template.slice(position, start);
    out += key !== '' && typeof value === 'string' ? value : `{{${tag}}}`;
    position = end + 2;
  }
}
