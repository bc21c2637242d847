import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { toolLabel, type RenderContext, type ResolvedTool } from './context';
import { envsubst } from './envsubst';
import { RenderProblem } from './errors';
import { parseToolOutput, type ParsedDocument } from './manifests';
import { checkoutRelative, isWithin, resolveFileInCheckout } from './paths';
import type { ApplicationSourceHelm, RenderRequest } from './types';

/** Helm's answer when `charts/` lacks a dependency the chart declares. */
const MISSING_DEPENDENCY =
  /found in (Chart|requirements)\.yaml, but missing in charts\/ directory/;

const GLOB_CHARACTERS = /[*?[]/;

/** Argo CD escapes commas in `--set` values unless the value is a Helm list (`{a,b}`). */
export function escapeSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) {
    return value;
  }
  let out = '';
  let previous = '';
  for (const char of value) {
    out += char === ',' && previous !== '\\' ? '\\,' : char;
    previous = char;
  }
  return out;
}

/**
 * Kubernetes' generic version parse, as Argo CD uses for `--kube-version`:
 * `v1.29.3-gke.1` becomes `1.29.3`.
 */
export function parseKubeVersion(version: string): string {
  const match = /^\s*v?(\d+(?:\.\d+)+)/.exec(version);
  if (!match) {
    throw new RenderProblem(
      'InvalidSource',
      `could not parse kubernetes version '${version}'; use a form like 1.32 or v1.32.3`,
    );
  }
  return match[1];
}

/** Argo CD strips an apps-in-any-namespace prefix (`namespace_name`) from the release name. */
function defaultReleaseName(appName: string): string {
  const separator = appName.indexOf('_');
  return separator >= 0 ? appName.slice(separator + 1) : appName;
}

function urlScheme(reference: string): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(reference)?.[1];
}

interface ChartDependency {
  name?: string;
  repository?: string;
}

async function readDependencies(chartDir: string): Promise<ChartDependency[]> {
  const dependencies: ChartDependency[] = [];
  for (const file of ['Chart.yaml', 'requirements.yaml']) {
    try {
      const parsed = parseYaml(await readFile(join(chartDir, file), 'utf8')) as
        | { dependencies?: ChartDependency[] }
        | undefined;
      dependencies.push(...(parsed?.dependencies ?? []));
    } catch {
      // Unreadable or absent: Helm reports what matters when it runs.
    }
  }
  return dependencies;
}

/**
 * Renders a Helm chart from the checkout with `helm template`, building the
 * options as Argo CD's repo-server does (release name, namespace, value
 * files, values, parameters, file parameters, kube and API versions, CRDs
 * included unless skipped). Helm runs with empty scratch homes, so neither
 * the host's repositories nor its registry logins are used.
 */
export async function renderHelm(
  context: RenderContext,
  options: {
    request: RenderRequest;
    checkoutDir: string;
    realCheckoutDir: string;
    appDir: string;
    helm?: ApplicationSourceHelm | null;
    tool: ResolvedTool;
    valueFileSchemes: string[];
  },
): Promise<ParsedDocument[]> {
  const { request, checkoutDir, realCheckoutDir, appDir, tool } = options;
  const helm = options.helm ?? {};
  const env = context.env;

  if (helm.version && !/^v?3$/.test(helm.version)) {
    throw new RenderProblem(
      'Unsupported',
      `source.helm.version '${helm.version}' is not supported; only Helm 3 is`,
    );
  }

  const args = [
    'template',
    '.',
    '--name-template',
    helm.releaseName || defaultReleaseName(request.appName),
  ];
  const namespace = helm.namespace || request.destinationNamespace;
  if (namespace) {
    args.push('--namespace', namespace);
  }
  const kubeVersion = helm.kubeVersion || request.kubeVersion;
  if (kubeVersion) {
    args.push('--kube-version', parseKubeVersion(kubeVersion));
  }

  // Parameters are a map in Argo CD: the last one of a name wins.
  const set = new Map<string, string>();
  const setString = new Map<string, string>();
  for (const parameter of helm.parameters ?? []) {
    (parameter.forceString ? setString : set).set(
      parameter.name,
      parameter.value ?? '',
    );
  }
  for (const [name, value] of set) {
    args.push('--set', `${name}=${escapeSetValue(envsubst(value, env))}`);
  }
  for (const [name, value] of setString) {
    args.push(
      '--set-string',
      `${name}=${escapeSetValue(envsubst(value, env))}`,
    );
  }
  const setFile = new Map<string, string>();
  for (const parameter of helm.fileParameters ?? []) {
    if (parameter.path.startsWith('$')) {
      throw new RenderProblem(
        'Unsupported',
        `source.helm.fileParameters '${parameter.name}' refers to another source ('${parameter.path}'); multi-source references are not supported`,
      );
    }
    const resolved = await resolveFileInCheckout(
      checkoutDir,
      realCheckoutDir,
      appDir,
      envsubst(parameter.path, env),
      `source.helm.fileParameters '${parameter.name}'`,
    );
    if (!resolved.exists) {
      throw new RenderProblem(
        'InvalidSource',
        `source.helm.fileParameters '${parameter.name}': file '${parameter.path}' does not exist in the repository`,
      );
    }
    setFile.set(parameter.name, resolved.path);
  }
  for (const [name, path] of setFile) {
    args.push('--set-file', `${name}=${escapeSetValue(path)}`);
  }

  const valueFiles: string[] = [];
  for (const raw of helm.valueFiles ?? []) {
    if (raw.startsWith('$')) {
      throw new RenderProblem(
        'Unsupported',
        `source.helm.valueFiles '${raw}' refers to another source; multi-source references are not supported`,
      );
    }
    const valueFile = envsubst(raw, env);
    const scheme = urlScheme(valueFile);
    if (scheme) {
      if (
        !options.valueFileSchemes.some(
          s => s.toLowerCase() === scheme.toLowerCase(),
        )
      ) {
        throw new RenderProblem(
          'InvalidSource',
          `source.helm.valueFiles '${raw}': the URL scheme '${scheme}' is not allowed for value files`,
        );
      }
      if (!valueFiles.includes(valueFile)) {
        valueFiles.push(valueFile);
      }
      continue;
    }
    const resolved = await resolveFileInCheckout(
      checkoutDir,
      realCheckoutDir,
      appDir,
      valueFile,
      'source.helm.valueFiles entry',
    );
    if (!resolved.exists) {
      if (helm.ignoreMissingValueFiles) {
        continue;
      }
      throw new RenderProblem(
        GLOB_CHARACTERS.test(valueFile) ? 'Unsupported' : 'InvalidSource',
        GLOB_CHARACTERS.test(valueFile)
          ? `source.helm.valueFiles '${raw}': glob patterns in value files are not supported; list the files`
          : `source.helm.valueFiles '${raw}' does not exist (looked for '${checkoutRelative(
              checkoutDir,
              resolved.path,
            )}'); fix the path or set ignoreMissingValueFiles`,
      );
    }
    if (!valueFiles.includes(resolved.path)) {
      valueFiles.push(resolved.path);
    }
  }
  for (const file of valueFiles) {
    args.push('--values', file);
  }

  let inlineValues: string | undefined;
  if (helm.valuesObject !== undefined && helm.valuesObject !== null) {
    inlineValues = stringifyYaml(helm.valuesObject);
  } else if (helm.values) {
    inlineValues = helm.values;
  }
  const scratch = await context.workspace.directory('helm');
  context.hidePath(scratch, '<scratch>');
  if (inlineValues !== undefined) {
    const valuesPath = join(scratch, 'values-from-application.yaml');
    await writeFile(valuesPath, inlineValues, { mode: 0o600 });
    context.hidePath(valuesPath, '<source.helm.values>');
    args.push('--values', valuesPath);
  }

  for (const apiVersion of helm.apiVersions?.length
    ? helm.apiVersions
    : request.apiVersions ?? []) {
    args.push('--api-versions', apiVersion);
  }
  if (!helm.skipCrds) {
    args.push('--include-crds');
  }
  if (helm.skipSchemaValidation) {
    args.push('--skip-schema-validation');
  }
  if (helm.skipTests) {
    args.push('--skip-tests');
  }

  const helmEnv = {
    ...process.env,
    HELM_CONFIG_HOME: join(scratch, 'config'),
    HELM_CACHE_HOME: join(scratch, 'cache'),
    HELM_DATA_HOME: join(scratch, 'data'),
  };
  let output: string;
  try {
    output = await context.run(tool, args, {
      cwd: appDir,
      env: helmEnv,
      label: toolLabel('helm', 'template'),
    });
  } catch (error) {
    if (
      !(error instanceof RenderProblem) ||
      error.code !== 'ToolFailed' ||
      !MISSING_DEPENDENCY.test(error.message)
    ) {
      throw error;
    }
    const chartDir = await buildDependenciesInCopy(context, {
      checkoutDir,
      appDir,
      tool,
      helmEnv,
    });
    output = await context.run(tool, args, {
      cwd: chartDir,
      env: helmEnv,
      label: toolLabel('helm', 'template'),
    });
  }
  return parseToolOutput(output, toolLabel('helm', 'template'));
}

/**
 * `helm dependency build` for a chart whose `charts/` lacks its
 * dependencies, run in a copy of the checkout (it writes `charts/` and
 * `Chart.lock`). Only `file://` dependencies inside the repository can be
 * built: rendering never downloads charts.
 */
async function buildDependenciesInCopy(
  context: RenderContext,
  options: {
    checkoutDir: string;
    appDir: string;
    tool: ResolvedTool;
    helmEnv: NodeJS.ProcessEnv;
  },
): Promise<string> {
  const { checkoutDir, appDir, tool, helmEnv } = options;
  const chart = checkoutRelative(checkoutDir, appDir);
  const dependencies = await readDependencies(appDir);
  for (const dependency of dependencies) {
    const repository = dependency.repository ?? '';
    if (repository.startsWith('file://')) {
      const target = resolve(appDir, repository.slice('file://'.length));
      if (!isWithin(checkoutDir, target)) {
        throw new RenderProblem(
          'OutsideCheckout',
          `chart '${chart}' dependency '${dependency.name}' (${repository}) is outside the repository`,
        );
      }
    } else if (repository) {
      throw new RenderProblem(
        'MissingDependency',
        `chart '${chart}' needs dependencies that are not in its charts/ directory, and '${dependency.name}' comes from ${repository}; charts are not downloaded while rendering, so vendor the dependencies into charts/ (helm dependency build, then commit) or use file:// dependencies inside the repository`,
      );
    }
  }
  const copy = await context.workspace.copyOfCheckout(checkoutDir);
  context.hidePath(copy, '.');
  const chartDir = join(copy, relative(checkoutDir, appDir));
  await context.run(tool, ['dependency', 'build', '--skip-refresh'], {
    cwd: chartDir,
    env: helmEnv,
    label: toolLabel('helm', 'dependency build'),
  });
  return chartDir;
}
