import { parse as parseYaml } from 'yaml';
import {
  readResourceOverrides,
  ResourceCustomizationsConfig,
  ResourceCustomizationsError,
} from '../health/customizations';
import { isRecord } from '../health/objectFields';

/**
 * The Lua actions `argocd-cm` configures for one kind, Argo CD's
 * `ResourceActions`: a discovery script, the action scripts by name, and
 * whether the built-in actions stay offered beside them.
 */
export interface CustomResourceActions {
  /** Where they were configured, e.g. `argocd-cm key resource.customizations.actions.apps_Deployment`. */
  origin: string;
  /** `discovery.lua`: returns a table from action name to `{disabled, iconClass, displayName, params}`. */
  discoveryScript: string;
  /** `definitions[].action.lua` by `name`; the first definition of a name wins, as in Argo CD. */
  definitions: ReadonlyMap<string, string>;
  /** `mergeBuiltinActions`: offer the built-in actions too (the configured ones win on a name clash). */
  mergeBuiltinActions: boolean;
}

function readActions(
  value: unknown,
  origin: string,
): CustomResourceActions | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    // Argo CD ignores an empty actions customization.
    if (value.trim() === '') return undefined;
    try {
      parsed = parseYaml(value);
    } catch (error) {
      throw new ResourceCustomizationsError(
        `${origin}: the actions are not valid YAML: ${
          (error as Error).message
        }`,
      );
    }
  }
  if (!isRecord(parsed)) {
    throw new ResourceCustomizationsError(
      `${origin}: the actions must be a YAML map with discovery.lua, definitions (a list of name and action.lua) and optionally mergeBuiltinActions`,
    );
  }
  const discoveryScript = parsed['discovery.lua'];
  if (typeof discoveryScript !== 'string' || discoveryScript.trim() === '') {
    throw new ResourceCustomizationsError(
      `${origin}: discovery.lua is ${
        discoveryScript === undefined || discoveryScript === null
          ? 'missing'
          : 'not a Lua script'
      }; it returns the actions to offer, e.g. actions = {} actions["restart"] = {} return actions`,
    );
  }
  const merge = parsed.mergeBuiltinActions ?? false;
  if (typeof merge !== 'boolean') {
    throw new ResourceCustomizationsError(
      `${origin}: mergeBuiltinActions must be true or false`,
    );
  }
  const definitionList = parsed.definitions ?? [];
  if (!Array.isArray(definitionList)) {
    throw new ResourceCustomizationsError(
      `${origin}: definitions must be a list of {name, action.lua}`,
    );
  }
  const definitions = new Map<string, string>();
  definitionList.forEach((definition: unknown, index) => {
    const where = `${origin}: definitions[${index}]`;
    if (!isRecord(definition))
      throw new ResourceCustomizationsError(
        `${where} must be a map with name and action.lua`,
      );
    const { name } = definition;
    const script = definition['action.lua'];
    if (typeof name !== 'string' || name === '')
      throw new ResourceCustomizationsError(
        `${where}: name must be the action's name`,
      );
    if (typeof script !== 'string' || script.trim() === '')
      throw new ResourceCustomizationsError(
        `${where} (${name}): action.lua must be a Lua script that returns the changed obj or a list of {operation, resource}`,
      );
    if (!definitions.has(name)) definitions.set(name, script);
  });
  return {
    origin,
    discoveryScript,
    definitions,
    mergeBuiltinActions: merge,
  };
}

/**
 * The resource actions configured in `argocd-cm`
 * (`resource.customizations.actions.<group>_<Kind>`, or `actions` of an entry
 * of `resource.customizations`), looked up as Argo CD does: by the exact
 * `group/Kind` key (`Kind` for the core group); globs do not apply to actions.
 */
export class ActionCustomizations {
  private constructor(
    private readonly byGroupKind: ReadonlyMap<string, CustomResourceActions>,
  ) {}

  static readonly empty = new ActionCustomizations(new Map());

  /** Reads the action customizations; throws {@link ResourceCustomizationsError}, naming the key, for a malformed one. */
  static fromConfig(
    config: ResourceCustomizationsConfig = {},
  ): ActionCustomizations {
    const byGroupKind = new Map<string, CustomResourceActions>();
    for (const [groupKind, override] of readResourceOverrides(config)) {
      if (!override.actions) continue;
      const actions = readActions(
        override.actions.value,
        override.actions.origin,
      );
      if (actions) byGroupKind.set(groupKind, actions);
    }
    return new ActionCustomizations(byGroupKind);
  }

  /** The configured actions of a kind (group '' for the core group), if any. */
  find(group: string, kind: string): CustomResourceActions | undefined {
    return this.byGroupKind.get(group ? `${group}/${kind}` : kind);
  }
}
