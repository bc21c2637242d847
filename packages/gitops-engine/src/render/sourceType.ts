import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compareBytes } from './compare';
import { RenderProblem } from './errors';
import { checkoutRelative, resolveFileInCheckout } from './paths';
import type { ApplicationSource, RenderSourceType } from './types';

/** The file names Kustomize recognises, in the order it looks for them. */
export const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch, which Argo CD applies for `.argocd-source*.yaml` overrides. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return patch;
  }
  const result: Record<string, unknown> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = jsonMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * Argo CD merges `.argocd-source.yaml` and then `.argocd-source-<app>.yaml`
 * from the app's directory into the source (this is how Argo CD Image Updater
 * writes back); only tool options change, never repo, path or revision.
 */
export async function applySourceOverrides(
  source: ApplicationSource,
  appDir: string,
  appName: string,
  checkoutDir: string,
  realCheckoutDir: string,
): Promise<ApplicationSource> {
  const files = ['.argocd-source.yaml'];
  if (appName) {
    files.push(`.argocd-source-${appName}.yaml`);
  }
  let merged: unknown = JSON.parse(JSON.stringify(source));
  for (const name of files) {
    const { path, exists } = await resolveFileInCheckout(
      checkoutDir,
      realCheckoutDir,
      appDir,
      name,
      'source override file',
    );
    if (!exists || !(await stat(path)).isFile()) {
      continue;
    }
    const file = checkoutRelative(checkoutDir, join(appDir, name));
    let patch: unknown;
    try {
      patch = parseYaml(await readFile(path, 'utf8'));
    } catch (error) {
      throw new RenderProblem(
        'InvalidSource',
        `source override file '${file}' is not valid YAML: ${
          (error as Error).message
        }`,
        { file },
      );
    }
    if (patch !== null && patch !== undefined) {
      merged = jsonMergePatch(merged, patch);
    }
  }
  const result = (isPlainObject(merged) ? merged : {}) as ApplicationSource;
  return {
    ...result,
    repoURL: source.repoURL,
    path: source.path,
    targetRevision: source.targetRevision,
    chart: source.chart,
  };
}

/** Go's zero value test, per field: unset, empty string, false, empty list or map. */
function isZero(value: unknown): boolean {
  if (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false
  ) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  if (isPlainObject(value)) {
    return Object.keys(value).length === 0;
  }
  return false;
}

function allZero(fields: Record<string, unknown>): boolean {
  return Object.values(fields).every(isZero);
}

/** The kustomize fields Argo CD's `IsZero` looks at. */
const KUSTOMIZE_OPTIONS = [
  'namePrefix',
  'nameSuffix',
  'version',
  'namespace',
  'images',
  'replicas',
  'commonLabels',
  'commonAnnotations',
  'patches',
  'components',
  'kubeVersion',
  'apiVersions',
  'ignoreMissingComponents',
] as const;

/**
 * Argo CD's `NormalizeSource`: tool sections whose options are all zero count
 * as absent (so `helm: {}` does not force Helm), except that a directory
 * section keeps its include/exclude.
 */
export function normalizeSource(source: ApplicationSource): ApplicationSource {
  const normalized = { ...source };
  const { kustomize, helm, directory } = normalized;
  if (kustomize && KUSTOMIZE_OPTIONS.every(field => isZero(kustomize[field]))) {
    normalized.kustomize = undefined;
  }
  if (helm) {
    const { valuesObject, values, ...rest } = helm;
    const valuesEmpty =
      (valuesObject === undefined || valuesObject === null) && !values;
    if (valuesEmpty && allZero(rest)) {
      normalized.helm = undefined;
    }
  }
  if (directory) {
    const zero =
      !directory.recurse &&
      allZero(directory.jsonnet ?? {}) &&
      !directory.disableExtensionFilter;
    if (zero) {
      normalized.directory =
        directory.include || directory.exclude
          ? {
              ...(directory.include ? { include: directory.include } : {}),
              ...(directory.exclude ? { exclude: directory.exclude } : {}),
            }
          : undefined;
    }
  }
  if (normalized.plugin === null) {
    normalized.plugin = undefined;
  }
  return normalized;
}

/**
 * The source type, as Argo CD decides it: an explicit `kustomize`, `helm` or
 * `directory` section wins (more than one is an error); otherwise the app
 * directory's files decide — a file ending in `Chart.yaml` means Helm, a
 * kustomization file means Kustomize, the later name in byte order winning
 * when both exist (so Kustomize beats `Chart.yaml`); else a plain directory.
 */
export async function detectSourceType(
  source: ApplicationSource,
  appDir: string,
): Promise<RenderSourceType> {
  const explicit: RenderSourceType[] = [];
  if (source.kustomize) {
    explicit.push('Kustomize');
  }
  if (source.helm) {
    explicit.push('Helm');
  }
  if (source.directory) {
    explicit.push('Directory');
  }
  if (source.plugin) {
    throw new RenderProblem(
      'Unsupported',
      'config management plugins (source.plugin) are not supported; render the manifests into Git, or use Kustomize or Helm',
    );
  }
  if (explicit.length > 1) {
    throw new RenderProblem(
      'InvalidSource',
      `multiple application sources defined: ${explicit.join(
        ',',
      )}; keep only one of source.kustomize, source.helm and source.directory`,
    );
  }
  if (explicit.length === 1) {
    return explicit[0];
  }
  const entries = await readdir(appDir, { withFileTypes: true });
  const names = entries
    .filter(entry => !entry.isDirectory())
    .map(entry => entry.name)
    .sort(compareBytes);
  let detected: RenderSourceType = 'Directory';
  for (const name of names) {
    if (name.endsWith('Chart.yaml')) {
      detected = 'Helm';
    }
    if (KUSTOMIZATION_FILE_NAMES.includes(name)) {
      detected = 'Kustomize';
    }
  }
  return detected;
}
