import { labelSelectorRequirements, LabelSelectorError } from '../labels';
import { GoTemplateOptionError, parseGoTemplateOptions } from './template/go';
import type { ApplicationSet } from './types';

/**
 * An ApplicationSet that cannot be used as written. `problems` lists each
 * wrong field (`spec.generators[0].matrix: needs exactly two generators`),
 * which is what the controller shows in the set's ErrorOccurred condition.
 */
export class ApplicationSetValidationError extends Error {
  readonly problems: string[];

  constructor(where: string, problems: string[]) {
    super(`${where} is not a valid ApplicationSet: ${problems.join('; ')}`);
    this.name = 'ApplicationSetValidationError';
    this.problems = problems;
  }
}

/** Generator kinds in the order Argo CD visits them when one entry sets several. */
export const GENERATOR_KINDS = [
  'list',
  'clusters',
  'git',
  'scmProvider',
  'pullRequest',
  'matrix',
  'merge',
] as const;

export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

const UNSUPPORTED_GENERATORS: Record<string, string> = {
  clusterDecisionResource:
    'the clusterDecisionResource generator is not supported by Driftless (it reads duck-typed resources from the Argo CD cluster)',
  plugin:
    'the plugin generator is not supported by Driftless (it calls an Argo CD plugin service)',
};

const SCM_PROVIDERS = [
  'github',
  'gitlab',
  'gitea',
  'bitbucket',
  'bitbucketServer',
];
const UNSUPPORTED_SCM_PROVIDERS: Record<string, string> = {
  azureDevOps: 'Azure DevOps',
  azuredevops: 'Azure DevOps',
  awsCodeCommit: 'AWS CodeCommit',
};
const APPLICATIONS_SYNC = [
  'create-only',
  'create-update',
  'create-delete',
  'sync',
];
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The generator kinds an entry sets, in Argo CD's order. */
export function generatorKindsOf(
  entry: Record<string, unknown>,
): GeneratorKind[] {
  return GENERATOR_KINDS.filter(
    kind => entry[kind] !== undefined && entry[kind] !== null,
  );
}

function checkStringMap(value: unknown, path: string, problems: string[]) {
  if (value === undefined) return;
  if (
    !isObject(value) ||
    Object.values(value).some(v => typeof v !== 'string')
  ) {
    problems.push(`${path}: must be a map of strings`);
  }
}

function checkSelector(value: unknown, path: string, problems: string[]) {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    problems.push(
      `${path}: must be a label selector (matchLabels, matchExpressions)`,
    );
    return;
  }
  try {
    labelSelectorRequirements(value as never);
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    // Post-generation selectors match parameter values such as URLs, which
    // Kubernetes label values cannot hold; only the structure is checked.
    if (!/value '/.test(error.message)) {
      problems.push(`${path}: ${error.message}`);
    }
  }
}

function checkTemplate(
  value: unknown,
  path: string,
  problems: string[],
  required: boolean,
) {
  if (value === undefined || value === null) {
    if (required) problems.push(`${path}: is required`);
    return;
  }
  if (!isObject(value)) {
    problems.push(`${path}: must be an object with metadata and spec`);
    return;
  }
  if (value.metadata !== undefined && !isObject(value.metadata)) {
    problems.push(`${path}.metadata: must be an object`);
  }
  if (value.spec !== undefined && !isObject(value.spec)) {
    problems.push(`${path}.spec: must be an object`);
  }
  const metadata = isObject(value.metadata) ? value.metadata : {};
  if (metadata.generateName !== undefined) {
    problems.push(
      `${path}.metadata.generateName: is not supported; ApplicationSets track their Applications by name, so set metadata.name`,
    );
  }
  checkStringMap(metadata.labels, `${path}.metadata.labels`, problems);
  checkStringMap(
    metadata.annotations,
    `${path}.metadata.annotations`,
    problems,
  );
}

function checkPaths(value: unknown, path: string, problems: string[]) {
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list of {path, exclude}`);
    return;
  }
  value.forEach((item, index) => {
    if (!isObject(item) || typeof item.path !== 'string' || item.path === '') {
      problems.push(`${path}[${index}].path: is required`);
    } else if (
      item.exclude !== undefined &&
      typeof item.exclude !== 'boolean'
    ) {
      problems.push(`${path}[${index}].exclude: must be true or false`);
    }
  });
}

function checkProvider(
  value: Record<string, unknown>,
  path: string,
  problems: string[],
  kind: 'scmProvider' | 'pullRequest',
) {
  for (const [key, name] of Object.entries(UNSUPPORTED_SCM_PROVIDERS)) {
    if (value[key] !== undefined) {
      problems.push(
        `${path}.${key}: ${name} is not supported by Driftless; use github, gitlab, gitea, bitbucket or bitbucketServer`,
      );
      return;
    }
  }
  const providers = SCM_PROVIDERS.filter(
    p => value[p] !== undefined && value[p] !== null,
  );
  if (providers.length !== 1) {
    problems.push(
      `${path}: set exactly one provider (${SCM_PROVIDERS.join(', ')})${
        providers.length > 1 ? `, not ${providers.join(' and ')}` : ''
      }`,
    );
    return;
  }
  const provider = value[providers[0]];
  if (!isObject(provider)) {
    problems.push(`${path}.${providers[0]}: must be an object`);
    return;
  }
  const required: Record<string, Record<string, string[]>> = {
    scmProvider: {
      github: ['organization'],
      gitlab: ['group'],
      gitea: ['owner', 'api'],
      bitbucket: ['owner', 'user'],
      bitbucketServer: ['project', 'api'],
    },
    pullRequest: {
      github: ['owner', 'repo'],
      gitlab: ['project'],
      gitea: ['owner', 'repo', 'api'],
      bitbucket: ['owner', 'repo'],
      bitbucketServer: ['project', 'repo', 'api'],
    },
  };
  for (const field of required[kind][providers[0]]) {
    if (typeof provider[field] !== 'string' || provider[field] === '') {
      problems.push(`${path}.${providers[0]}.${field}: is required`);
    }
  }
  if (provider.appSecretName) {
    problems.push(
      `${path}.${providers[0]}.appSecretName: GitHub App credentials are not supported; use tokenRef (the backend maps it to a Backstage integration)`,
    );
  }
  if (value.filters !== undefined && !Array.isArray(value.filters)) {
    problems.push(`${path}.filters: must be a list`);
  }
  checkStringMap(value.values, `${path}.values`, problems);
}

function checkGenerator(
  entry: unknown,
  path: string,
  problems: string[],
  depth: 'top' | 'nested' | 'terminal',
) {
  if (!isObject(entry)) {
    problems.push(`${path}: must be an object naming one generator`);
    return;
  }
  for (const [key, reason] of Object.entries(UNSUPPORTED_GENERATORS)) {
    if (entry[key] !== undefined) problems.push(`${path}.${key}: ${reason}`);
  }
  const kinds = generatorKindsOf(entry);
  const known = new Set<string>([
    ...GENERATOR_KINDS,
    'selector',
    ...Object.keys(UNSUPPORTED_GENERATORS),
  ]);
  const unknown = Object.keys(entry).filter(key => !known.has(key));
  if (unknown.length > 0) {
    problems.push(
      `${path}: unrecognized generator ${unknown
        .map(u => `'${u}'`)
        .join(', ')}`,
    );
  }
  if (
    kinds.length === 0 &&
    unknown.length === 0 &&
    !Object.keys(UNSUPPORTED_GENERATORS).some(k => entry[k])
  ) {
    problems.push(
      `${path}: names no generator (list, clusters, git, scmProvider, pullRequest, matrix or merge)`,
    );
  }
  if (depth !== 'top' && kinds.length > 1) {
    problems.push(
      `${path}: a matrix or merge child must hold exactly one generator, found ${kinds.join(
        ' and ',
      )}`,
    );
  }
  checkSelector(entry.selector, `${path}.selector`, problems);
  for (const kind of kinds) {
    const at = `${path}.${kind}`;
    const spec = entry[kind];
    if (!isObject(spec)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    if (depth === 'top' || kind === 'matrix' || kind === 'merge') {
      checkTemplate(spec.template, `${at}.template`, problems, false);
    }
    switch (kind) {
      case 'list':
        if (spec.elements !== undefined && !Array.isArray(spec.elements)) {
          problems.push(`${at}.elements: must be a list`);
        } else {
          (spec.elements as unknown[] | undefined)?.forEach(
            (element, index) => {
              if (!isObject(element)) {
                problems.push(
                  `${at}.elements[${index}]: must be an object of parameters`,
                );
              }
            },
          );
        }
        if (
          spec.elementsYaml !== undefined &&
          typeof spec.elementsYaml !== 'string'
        ) {
          problems.push(`${at}.elementsYaml: must be a string`);
        }
        break;
      case 'clusters':
        if (spec.selector !== undefined)
          checkSelector(spec.selector, `${at}.selector`, problems);
        checkStringMap(spec.values, `${at}.values`, problems);
        break;
      case 'git': {
        if (typeof spec.repoURL !== 'string' || spec.repoURL === '') {
          problems.push(`${at}.repoURL: is required`);
        }
        const hasDirectories =
          Array.isArray(spec.directories) && spec.directories.length > 0;
        const hasFiles = Array.isArray(spec.files) && spec.files.length > 0;
        if (!hasDirectories && !hasFiles) {
          problems.push(`${at}: set directories or files`);
        }
        if (spec.directories !== undefined)
          checkPaths(spec.directories, `${at}.directories`, problems);
        if (spec.files !== undefined)
          checkPaths(spec.files, `${at}.files`, problems);
        checkStringMap(spec.values, `${at}.values`, problems);
        break;
      }
      case 'scmProvider':
      case 'pullRequest':
        checkProvider(spec, at, problems, kind);
        break;
      case 'matrix':
      case 'merge': {
        if (depth === 'terminal') {
          problems.push(
            `${at}: ${kind} may be nested only one level deep (a matrix or merge inside a matrix or merge holds terminal generators only)`,
          );
          break;
        }
        const children = spec.generators;
        if (!Array.isArray(children)) {
          problems.push(`${at}.generators: must be a list`);
          break;
        }
        if (kind === 'matrix' && children.length !== 2) {
          problems.push(
            children.length < 2
              ? `${at}: found less than two generators, Matrix support only two`
              : `${at}: found more than two generators, Matrix support only two`,
          );
        }
        if (kind === 'merge') {
          if (children.length < 2) {
            problems.push(
              `${at}: found less than two generators, Merge requires two or more`,
            );
          }
          if (
            !Array.isArray(spec.mergeKeys) ||
            spec.mergeKeys.length === 0 ||
            spec.mergeKeys.some(key => typeof key !== 'string')
          ) {
            problems.push(
              `${at}.mergeKeys: no merge keys were specified, Merge requires at least one`,
            );
          }
        }
        children.forEach((child, index) =>
          checkGenerator(
            child,
            `${at}.generators[${index}]`,
            problems,
            depth === 'top' ? 'nested' : 'terminal',
          ),
        );
        break;
      }
      default:
    }
  }
}

/**
 * Checks that a document is an ApplicationSet Driftless can generate from and
 * returns it typed, unknown fields kept. `where` names the document in
 * errors, e.g. `appsets/shop.yaml document 1`.
 */
export function parseApplicationSet(
  document: unknown,
  where = 'the document',
): ApplicationSet {
  const problems: string[] = [];
  if (!isObject(document)) {
    throw new ApplicationSetValidationError(where, ['must be an object']);
  }
  if (document.apiVersion !== 'argoproj.io/v1alpha1') {
    problems.push('apiVersion: apiVersion must be argoproj.io/v1alpha1');
  }
  if (document.kind !== 'ApplicationSet') {
    problems.push('kind: kind must be ApplicationSet');
  }
  const metadata = document.metadata;
  if (
    !isObject(metadata) ||
    typeof metadata.name !== 'string' ||
    metadata.name === ''
  ) {
    problems.push('metadata.name: name is required');
  } else if (!DNS_SUBDOMAIN.test(metadata.name) || metadata.name.length > 253) {
    problems.push(
      'metadata.name: name must be a DNS-1123 subdomain (lower-case letters, digits, - and .)',
    );
  }
  const spec = document.spec;
  if (!isObject(spec)) {
    problems.push('spec: spec is required');
    throw new ApplicationSetValidationError(where, problems);
  }
  if (spec.goTemplate !== undefined && typeof spec.goTemplate !== 'boolean') {
    problems.push('spec.goTemplate: must be true or false');
  }
  if (spec.goTemplateOptions !== undefined) {
    if (!Array.isArray(spec.goTemplateOptions)) {
      problems.push('spec.goTemplateOptions: must be a list');
    } else {
      try {
        parseGoTemplateOptions(spec.goTemplateOptions as string[]);
      } catch (error) {
        if (!(error instanceof GoTemplateOptionError)) throw error;
        problems.push(`spec.goTemplateOptions: ${error.message}`);
      }
    }
  }
  if (!Array.isArray(spec.generators) || spec.generators.length === 0) {
    problems.push('spec.generators: at least one generator is required');
  } else {
    spec.generators.forEach((entry, index) =>
      checkGenerator(entry, `spec.generators[${index}]`, problems, 'top'),
    );
  }
  checkTemplate(spec.template, 'spec.template', problems, true);
  if (
    spec.templatePatch !== undefined &&
    typeof spec.templatePatch !== 'string'
  ) {
    problems.push('spec.templatePatch: must be a string (YAML or JSON text)');
  }
  if (spec.syncPolicy !== undefined) {
    if (!isObject(spec.syncPolicy)) {
      problems.push('spec.syncPolicy: must be an object');
    } else {
      const { applicationsSync, preserveResourcesOnDeletion } = spec.syncPolicy;
      if (
        applicationsSync !== undefined &&
        !APPLICATIONS_SYNC.includes(applicationsSync as string)
      ) {
        problems.push(
          `spec.syncPolicy.applicationsSync: must be one of ${APPLICATIONS_SYNC.join(
            ', ',
          )}`,
        );
      }
      if (
        preserveResourcesOnDeletion !== undefined &&
        typeof preserveResourcesOnDeletion !== 'boolean'
      ) {
        problems.push(
          'spec.syncPolicy.preserveResourcesOnDeletion: must be true or false',
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new ApplicationSetValidationError(where, problems);
  }
  return document as unknown as ApplicationSet;
}
