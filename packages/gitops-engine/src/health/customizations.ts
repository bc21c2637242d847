import { parse as parseYaml } from 'yaml';
import { isRecord } from './objectFields';
import { LuaHealthScript } from './lua/luaHealthScript';

/**
 * The `data` of Argo CD's `argocd-cm` ConfigMap, or the part of it that holds
 * resource customizations: `resource.customizations` (YAML keyed by
 * `group/Kind`, `Kind` for the core group, or a glob such as
 * `*.crossplane.io/*`) and the split keys
 * `resource.customizations.<type>.<group>_<Kind>`.
 */
export type ResourceCustomizationsConfig = Readonly<
  Record<string, string | undefined>
>;

/** A configuration the customizations cannot be read from; the message names the key. */
export class ResourceCustomizationsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceCustomizationsError';
  }
}

const CUSTOMIZATIONS_KEY = 'resource.customizations';
/** The customization types Argo CD accepts in split keys; the others belong to diff and actions. */
const SPLIT_KEY_TYPES = new Set([
  'health',
  'useOpenLibs',
  'actions',
  'ignoreDifferences',
  'ignoreResourceUpdates',
  'knownTypeFields',
]);

/** Go's strconv.ParseBool, which Argo CD uses for `useOpenLibs` split keys. */
function parseGoBool(value: string, key: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ResourceCustomizationsError(
    `argocd-cm key ${key}: ${JSON.stringify(
      value,
    )} is not a boolean; use "true" or "false"`,
  );
}

/** `cert-manager.io_Certificate` → `cert-manager.io/Certificate`; `Service` stays; `all` → every kind. */
function splitKeyGroupKind(groupKind: string, key: string): string {
  const parts = groupKind.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && groupKind !== '')
    return groupKind === 'all' ? '*/*' : groupKind;
  throw new ResourceCustomizationsError(
    `argocd-cm key ${key}: the group and kind should read <group>_<Kind> (or <Kind> for the core group), e.g. resource.customizations.health.cert-manager.io_Certificate`,
  );
}

/**
 * A glob as Argo CD matches resource customization keys (gobwas/glob with no
 * separator): `*` matches any text, `/` included; `?`, `[...]`, `[!...]` and
 * `{a,b}` as usual; `\` escapes.
 */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      source += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '*') {
      source += '.*';
    } else if (c === '?') {
      source += '.';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        source += '\\[';
      } else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        source += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      braceDepth++;
      source += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      source += ')';
    } else if (c === ',' && braceDepth > 0) {
      source += '|';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    // Not a valid glob: it can only match itself.
    return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  }
}

/** A customization and where it was configured, for error messages. */
export interface ConfiguredValue<T> {
  value: T;
  /** e.g. `argocd-cm key resource.customizations, entry "apps/Deployment"`, or `argocd-cm key resource.customizations.actions.apps_Deployment`. */
  origin: string;
}

/**
 * What one `argocd-cm` key (`group/Kind`, `Kind` for the core group, or a
 * glob) customizes for Lua health checks and resource actions: Argo CD's
 * `ResourceOverride`, with the split keys merged over the entries of
 * `resource.customizations`. Diff settings read their own fields
 * (`diff/ignoreDifferences.ts`).
 */
export interface ResourceOverride {
  healthLua?: ConfiguredValue<string>;
  useOpenLibs?: ConfiguredValue<boolean>;
  /** YAML text with `discovery.lua`, `definitions` and `mergeBuiltinActions` (in the `resource.customizations` key also that map itself). */
  actions?: ConfiguredValue<unknown>;
}

/**
 * Reads `resource.customizations` and the split keys
 * `resource.customizations.<type>.<group>_<Kind>` as Argo CD's settings
 * manager does: one override per key, in configuration order (YAML entries
 * first), a split key replacing the field it names. Throws
 * {@link ResourceCustomizationsError}, naming the key, for a malformed
 * configuration; the contents of `actions` are left to the actions module.
 */
export function readResourceOverrides(
  config: ResourceCustomizationsConfig = {},
): Map<string, ResourceOverride> {
  const overrides = new Map<string, ResourceOverride>();
  const entry = (groupKind: string): ResourceOverride => {
    let override = overrides.get(groupKind);
    if (!override) {
      override = {};
      overrides.set(groupKind, override);
    }
    return override;
  };

  const yamlText = config[CUSTOMIZATIONS_KEY];
  if (yamlText) {
    let parsed: unknown;
    try {
      parsed = parseYaml(yamlText);
    } catch (error) {
      throw new ResourceCustomizationsError(
        `argocd-cm key ${CUSTOMIZATIONS_KEY} is not valid YAML: ${
          (error as Error).message
        }`,
      );
    }
    if (parsed !== null && !isRecord(parsed)) {
      throw new ResourceCustomizationsError(
        `argocd-cm key ${CUSTOMIZATIONS_KEY} must be a YAML map from group/Kind to customizations`,
      );
    }
    for (const [groupKind, value] of Object.entries(parsed ?? {})) {
      const where = `argocd-cm key ${CUSTOMIZATIONS_KEY}, entry ${JSON.stringify(
        groupKind,
      )}`;
      if (value === null) continue;
      if (!isRecord(value))
        throw new ResourceCustomizationsError(`${where} must be a map`);
      const script = value['health.lua'];
      const useOpenLibs = value['health.lua.useOpenLibs'];
      const actions = value.actions;
      if (
        script !== undefined &&
        script !== null &&
        typeof script !== 'string'
      ) {
        throw new ResourceCustomizationsError(
          `${where}: health.lua must be a string holding a Lua script`,
        );
      }
      if (
        useOpenLibs !== undefined &&
        useOpenLibs !== null &&
        typeof useOpenLibs !== 'boolean'
      ) {
        throw new ResourceCustomizationsError(
          `${where}: health.lua.useOpenLibs must be true or false`,
        );
      }
      if (
        actions !== undefined &&
        actions !== null &&
        typeof actions !== 'string' &&
        !isRecord(actions)
      ) {
        throw new ResourceCustomizationsError(
          `${where}: actions must be YAML text (or a map) with discovery.lua and definitions`,
        );
      }
      const override = entry(groupKind);
      if (typeof script === 'string')
        override.healthLua = { value: script, origin: where };
      if (typeof useOpenLibs === 'boolean')
        override.useOpenLibs = { value: useOpenLibs, origin: where };
      if (actions !== undefined && actions !== null)
        override.actions = { value: actions, origin: where };
    }
  }

  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(CUSTOMIZATIONS_KEY) || value === undefined) continue;
    const parts = key.split('.');
    if (parts.length < 4) continue;
    const type = parts[2];
    const groupKind = splitKeyGroupKind(parts.slice(3).join('.'), key);
    if (!SPLIT_KEY_TYPES.has(type)) {
      throw new ResourceCustomizationsError(
        `argocd-cm key ${key}: resource customization type ${JSON.stringify(
          type,
        )} is not supported; use one of ${[...SPLIT_KEY_TYPES].join(', ')}`,
      );
    }
    const origin = `argocd-cm key ${key}`;
    if (type === 'health') {
      entry(groupKind).healthLua = { value, origin };
    } else if (type === 'useOpenLibs') {
      entry(groupKind).useOpenLibs = {
        value: parseGoBool(value.trim(), key),
        origin,
      };
    } else if (type === 'actions') {
      entry(groupKind).actions = { value, origin };
    }
  }
  return overrides;
}

interface HealthOverride {
  script: string;
  useOpenLibs: boolean;
  /** Where the script was configured, for error messages. */
  origin: string;
}

/**
 * The Lua health checks configured in `argocd-cm`, looked up as Argo CD's
 * `GetHealthScript` does: the exact `group/Kind` key first, then the first
 * glob key that matches (in configuration order; Argo CD's order is random).
 */
export class HealthCustomizations {
  private readonly patterns = new Map<string, RegExp>();

  private constructor(private readonly overrides: Map<string, HealthOverride>) {
    for (const key of overrides.keys())
      this.patterns.set(key, globToRegExp(key));
  }

  static readonly empty = new HealthCustomizations(new Map());

  /** Reads the health customizations; throws {@link ResourceCustomizationsError} for a malformed configuration. */
  static fromConfig(
    config: ResourceCustomizationsConfig = {},
  ): HealthCustomizations {
    const overrides = new Map<string, HealthOverride>();
    for (const [groupKind, override] of readResourceOverrides(config)) {
      overrides.set(groupKind, {
        script: override.healthLua?.value ?? '',
        useOpenLibs: override.useOpenLibs?.value ?? false,
        origin: override.healthLua?.origin ?? '',
      });
    }
    return new HealthCustomizations(overrides);
  }

  /** The configured Lua health check for a kind (group '' for the core group), if any. */
  findHealthScript(group: string, kind: string): LuaHealthScript | undefined {
    const key = group ? `${group}/${kind}` : kind;
    const exact = this.overrides.get(key);
    if (exact?.script) return this.toScript(key, exact);
    for (const [pattern, override] of this.overrides) {
      if (override.script && this.patterns.get(pattern)!.test(key)) {
        return this.toScript(key, override);
      }
    }
    return undefined;
  }

  private toScript(key: string, override: HealthOverride): LuaHealthScript {
    return {
      source: override.script,
      useOpenLibs: override.useOpenLibs,
      description: `Lua health check for ${key} (${override.origin})`,
    };
  }
}
