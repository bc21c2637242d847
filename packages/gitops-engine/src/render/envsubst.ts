import type { RenderRequest } from './types';

/** The build environment Argo CD gives config management tools (`newEnv` in the repo-server). */
export type BuildEnv = Record<string, string>;

export function buildEnv(request: RenderRequest): BuildEnv {
  const revision = request.sha;
  return {
    ARGOCD_APP_NAME: request.appName,
    ARGOCD_APP_NAMESPACE: request.destinationNamespace ?? '',
    ARGOCD_APP_PROJECT_NAME: request.project ?? '',
    ARGOCD_APP_REVISION: revision,
    ARGOCD_APP_REVISION_SHORT: revision.slice(0, 7),
    ARGOCD_APP_REVISION_SHORT_8: revision.slice(0, 8),
    ARGOCD_APP_SOURCE_REPO_URL: request.repoURL,
    ARGOCD_APP_SOURCE_PATH: request.source.path ?? '',
    ARGOCD_APP_SOURCE_TARGET_REVISION: request.source.targetRevision ?? '',
  };
}

const SPECIAL_NAMES = '*#$@!?-0123456789';

function isNameChar(char: string): boolean {
  return /[A-Za-z0-9_]/.test(char);
}

/**
 * Expands `$NAME` and `${NAME}` from `env` the way Go's `os.Expand` does
 * (unknown names become empty, `$$` is a literal `$`, malformed `${` is
 * dropped, a `$` followed by nothing nameable stays), which is what Argo CD
 * applies to images, labels, Helm parameters and value file paths.
 */
export function envsubst(text: string, env: BuildEnv): string {
  if (!text.includes('$')) {
    return text;
  }
  const lookup = (name: string): string => {
    if (name === '$') {
      return '$';
    }
    return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : '';
  };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char !== '$' || i + 1 >= text.length) {
      out += char;
      i++;
      continue;
    }
    const rest = text.slice(i + 1);
    if (rest[0] === '{') {
      if (
        rest.length > 2 &&
        SPECIAL_NAMES.includes(rest[1]) &&
        rest[2] === '}'
      ) {
        out += lookup(rest[1]);
        i += 4;
        continue;
      }
      const close = rest.indexOf('}');
      if (close === 1) {
        i += 3; // "${}" is bad syntax: eaten
      } else if (close < 0) {
        i += 2; // unclosed "${": eaten
      } else {
        out += lookup(rest.slice(1, close));
        i += close + 2;
      }
      continue;
    }
    if (SPECIAL_NAMES.includes(rest[0])) {
      out += lookup(rest[0]);
      i += 2;
      continue;
    }
    let length = 0;
    while (length < rest.length && isNameChar(rest[length])) {
      length++;
    }
    if (length === 0) {
      out += '$';
      i++;
      continue;
    }
    out += lookup(rest.slice(0, length));
    i += length + 1;
  }
  return out;
}
