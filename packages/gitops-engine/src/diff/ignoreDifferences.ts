import { parse as parseYaml } from 'yaml';
import type { ResourceIgnoreDifferences } from '../application/types';
import { isRecord } from '../health/objectFields';
import { compileGlob, GlobSyntaxError } from '../render/glob';
import { JqPathExpression, JqSyntaxError } from './jqPath';
import { JsonPointerSyntaxError, parseJsonPointer } from './jsonPointer';

/** A malformed ignoreDifferences rule or diff setting; the message says where it was configured. */
export class IgnoreDifferencesConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IgnoreDifferencesConfigError';
  }
}

/** One JSON pointer, with the text it was written as. */
export interface CompiledJsonPointer {
  source: string;
  tokens: string[];
}

/** What to leave out of the comparison of one resource. */
export interface ResourceIgnoreRules {
  jsonPointers: CompiledJsonPointer[];
  jqPathExpressions: JqPathExpression[];
  managedFieldsManagers: string[];
}

interface CompiledRule {
  group: RegExp;
  kind: RegExp;
  name?: string;
  namespace?: string;
  jsonPointers: CompiledJsonPointer[];
  jqPathExpressions: JqPathExpression[];
  managedFieldsManagers: string[];
}

/** Which objects' `status` is left out of diffs (argocd-cm `resource.compareoptions`). */
export type IgnoreResourceStatusField = 'all' | 'crd' | 'none';

const CUSTOMIZATIONS_KEY = 'resource.customizations';
const IGNORE_DIFFERENCES_PREFIX = 'resource.customizations.ignoreDifferences.';
const COMPARE_OPTIONS_KEY = 'resource.compareoptions';
const CRD_GROUP_KIND = 'apiextensions.k8s.io/CustomResourceDefinition';

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(item => typeof item !== 'string')) {
    throw new IgnoreDifferencesConfigError(
      `${where} must be a list of strings`,
    );
  }
  return value as string[];
}

function compileRule(
  rule: {
    group?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    jsonPointers?: unknown;
    jqPathExpressions?: unknown;
    managedFieldsManagers?: unknown;
  },
  where: string,
): CompiledRule {
  const glob = (pattern: string, field: string) => {
    try {
      return compileGlob(pattern);
    } catch (error) {
      if (error instanceof GlobSyntaxError)
        throw new IgnoreDifferencesConfigError(
          `${where}: ${field}: ${error.message}`,
        );
      throw error;
    }
  };
  const jsonPointers = stringList(
    rule.jsonPointers,
    `${where}: jsonPointers`,
  ).map((source, i) => {
    try {
      return { source, tokens: parseJsonPointer(source) };
    } catch (error) {
      if (error instanceof JsonPointerSyntaxError)
        throw new IgnoreDifferencesConfigError(
          `${where}: jsonPointers[${i}]: ${error.message}`,
        );
      throw error;
    }
  });
  const jqPathExpressions = stringList(
    rule.jqPathExpressions,
    `${where}: jqPathExpressions`,
  ).map((source, i) => {
    try {
      return JqPathExpression.compile(source);
    } catch (error) {
      if (error instanceof JqSyntaxError)
        throw new IgnoreDifferencesConfigError(
          `${where}: jqPathExpressions[${i}]: ${error.message}`,
        );
      throw error;
    }
  });
  return {
    group: glob(rule.group ?? '', 'group'),
    kind: glob(rule.kind ?? '', 'kind'),
    name: rule.name || undefined,
    namespace: rule.namespace || undefined,
    jsonPointers,
    jqPathExpressions,
    managedFieldsManagers: stringList(
      rule.managedFieldsManagers,
      `${where}: managedFieldsManagers`,
    ),
  };
}

/** `apps/Deployment` → group `apps`, kind `Deployment`; `Service` → the core group; globs pass through. */
function splitGroupKind(
  key: string,
  where: string,
): { group: string; kind: string } {
  const parts = key.split('/');
  if (parts.length === 2) return { group: parts[0], kind: parts[1] };
  if (parts.length === 1 && key !== '') return { group: '', kind: key };
  throw new IgnoreDifferencesConfigError(
    `${where}: the key must read <group>/<Kind> or <Kind>, not ${JSON.stringify(
      key,
    )}`,
  );
}

/** `apps_Deployment` → `apps/Deployment`; `all` → every kind. */
function splitKeyGroupKind(suffix: string, key: string): string {
  if (suffix === 'all') return '*/*';
  const parts = suffix.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && suffix !== '') return suffix;
  throw new IgnoreDifferencesConfigError(
    `argocd-cm key ${key}: the group and kind should read <group>_<Kind> (or <Kind> for the core group, or all), e.g. ${IGNORE_DIFFERENCES_PREFIX}apps_Deployment`,
  );
}

function parseYamlValue(text: string, where: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new IgnoreDifferencesConfigError(
      `${where} is not valid YAML: ${(error as Error).message}`,
    );
  }
}

function overrideRule(
  groupKind: string,
  value: unknown,
  where: string,
): CompiledRule | undefined {
  // Argo CD stores ignoreDifferences of an override as YAML text; a map is taken too.
  const parsed =
    typeof value === 'string' ? parseYamlValue(value, where) : value;
  if (parsed === null || parsed === undefined) return undefined;
  if (!isRecord(parsed)) {
    throw new IgnoreDifferencesConfigError(
      `${where} must hold jsonPointers, jqPathExpressions and/or managedFieldsManagers`,
    );
  }
  const { group, kind } = splitGroupKind(groupKind, where);
  return compileRule({ ...parsed, group, kind }, where);
}

function parseStatusField(
  config: Readonly<Record<string, string | undefined>>,
): IgnoreResourceStatusField {
  const text = config[COMPARE_OPTIONS_KEY];
  if (!text) return 'all';
  const parsed = parseYamlValue(text, `argocd-cm key ${COMPARE_OPTIONS_KEY}`);
  if (parsed === null) return 'all';
  if (!isRecord(parsed)) {
    throw new IgnoreDifferencesConfigError(
      `argocd-cm key ${COMPARE_OPTIONS_KEY} must be a YAML map, e.g. ignoreResourceStatusField: all`,
    );
  }
  const value = parsed.ignoreResourceStatusField;
  if (value === undefined || value === null || value === '' || value === 'all')
    return 'all';
  if (value === 'crd') return 'crd';
  // YAML reads an unquoted off/false as a boolean; Argo CD accepts all three.
  if (
    value === 'none' ||
    value === 'off' ||
    value === 'false' ||
    value === false
  )
    return 'none';
  throw new IgnoreDifferencesConfigError(
    `argocd-cm key ${COMPARE_OPTIONS_KEY}: ignoreResourceStatusField ${JSON.stringify(
      value,
    )} is not one of all, crd, none`,
  );
}

/**
 * The system-level diff settings Argo CD reads from `argocd-cm`:
 * `resource.customizations.ignoreDifferences.<group_Kind>` (and `.all`),
 * the `ignoreDifferences` of entries in `resource.customizations`, and
 * `resource.compareoptions` (`ignoreResourceStatusField`, `all` by default,
 * so `status` never shows as a difference).
 */
export class DiffSettings {
  private constructor(
    /** @internal */ readonly rules: CompiledRule[],
    readonly ignoreResourceStatusField: IgnoreResourceStatusField,
  ) {}

  static fromConfig(
    config: Readonly<Record<string, string | undefined>> = {},
  ): DiffSettings {
    const rules: CompiledRule[] = [];
    const yamlText = config[CUSTOMIZATIONS_KEY];
    if (yamlText) {
      const where = `argocd-cm key ${CUSTOMIZATIONS_KEY}`;
      const parsed = parseYamlValue(yamlText, where);
      if (parsed !== null && !isRecord(parsed)) {
        throw new IgnoreDifferencesConfigError(
          `${where} must be a YAML map from group/Kind to customizations`,
        );
      }
      for (const [groupKind, entry] of Object.entries(parsed ?? {})) {
        if (!isRecord(entry) || entry.ignoreDifferences === undefined) continue;
        const rule = overrideRule(
          groupKind,
          entry.ignoreDifferences,
          `${where}, entry ${JSON.stringify(groupKind)}, ignoreDifferences`,
        );
        if (rule) rules.push(rule);
      }
    }
    for (const [key, value] of Object.entries(config)) {
      if (!key.startsWith(IGNORE_DIFFERENCES_PREFIX) || value === undefined)
        continue;
      const groupKind = splitKeyGroupKind(
        key.slice(IGNORE_DIFFERENCES_PREFIX.length),
        key,
      );
      const rule = overrideRule(groupKind, value, `argocd-cm key ${key}`);
      if (rule) rules.push(rule);
    }
    const statusField = parseStatusField(config);
    if (statusField !== 'none') {
      const { group, kind } = splitGroupKind(
        statusField === 'all' ? '*/*' : CRD_GROUP_KIND,
        COMPARE_OPTIONS_KEY,
      );
      rules.push(
        compileRule(
          { group, kind, jsonPointers: ['/status'] },
          `argocd-cm key ${COMPARE_OPTIONS_KEY}`,
        ),
      );
    }
    return new DiffSettings(rules, statusField);
  }

  /** Argo CD's defaults: only `status` is ignored, for every kind. */
  static readonly defaults: DiffSettings = DiffSettings.fromConfig({});
}

/**
 * The ignoreDifferences that apply to one Application: its own
 * `spec.ignoreDifferences` and the system-level rules, matched as Argo CD
 * matches them (group and kind as globs, name and namespace equal or unset).
 */
export class IgnoreDifferences {
  private readonly rules: CompiledRule[];

  constructor(
    applicationRules: ResourceIgnoreDifferences[] = [],
    settings: DiffSettings = DiffSettings.defaults,
  ) {
    this.rules = [
      ...settings.rules,
      ...applicationRules.map((rule, i) =>
        compileRule(
          rule,
          `Application spec.ignoreDifferences[${i}] (${
            rule.group ? `${rule.group}/` : ''
          }${rule.kind})`,
        ),
      ),
    ];
  }

  /** The merged rules for one resource, each pointer, expression and manager once. */
  rulesFor(
    group: string,
    kind: string,
    name: string,
    namespace: string,
  ): ResourceIgnoreRules {
    const result: ResourceIgnoreRules = {
      jsonPointers: [],
      jqPathExpressions: [],
      managedFieldsManagers: [],
    };
    for (const rule of this.rules) {
      if (
        !rule.group.test(group) ||
        !rule.kind.test(kind) ||
        (rule.name !== undefined && rule.name !== name) ||
        (rule.namespace !== undefined && rule.namespace !== namespace)
      )
        continue;
      for (const pointer of rule.jsonPointers)
        if (!result.jsonPointers.some(known => known.source === pointer.source))
          result.jsonPointers.push(pointer);
      for (const expression of rule.jqPathExpressions)
        if (
          !result.jqPathExpressions.some(
            known => known.source === expression.source,
          )
        )
          result.jqPathExpressions.push(expression);
      for (const manager of rule.managedFieldsManagers)
        if (!result.managedFieldsManagers.includes(manager))
          result.managedFieldsManagers.push(manager);
    }
    return result;
  }
}
