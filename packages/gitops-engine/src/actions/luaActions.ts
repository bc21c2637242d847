import { isRecord } from '../health/objectFields';
import type { JsonValue } from '../health/lua/luaSandbox';
import { LuaLimits, runLuaScript } from '../health/lua/luaScript';
import type { UnstructuredObject } from '../health/types';
import { restoreEmptyObjects } from './emptyTables';
import type {
  ResourceAction,
  ResourceActionParam,
  ResourceActionParameters,
} from './types';

// Lua discovery and action scripts in Argo CD's format (util/lua/lua.go
// `ExecuteResourceActionDiscovery`, `ExecuteResourceAction`), run in the
// sandbox health checks use. Action and discovery scripts get Argo CD's
// API-server environment: no string, math or coroutine library.

/** A Lua script returned something that is not a discovery table or an action result. */
export class LuaActionResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LuaActionResultError';
  }
}

/** A configured Lua script and how to name it in errors. */
export interface LuaActionScript {
  source: string;
  /** e.g. `the Lua discovery script (argocd-cm key resource.customizations.actions.apps_Deployment)`. */
  description: string;
}

/** One item of an action's result: what to do with which object. */
export interface LuaActionOutput {
  operation: 'patch' | 'create';
  resource: UnstructuredObject;
}

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nil';
  return typeof value === 'object' ? 'a table' : `a ${typeof value}`;
}

const DISCOVERY_SHAPE =
  'a discovery script returns a table from action name to {disabled = ..., iconClass = ..., displayName = ..., params = {{name = ...}}}';

function readDiscoveredAction(
  name: string,
  value: JsonValue,
  description: string,
): ResourceAction {
  // An empty table reads as a list: an action with nothing set.
  if (Array.isArray(value)) return { name, disabled: false };
  if (!isRecord(value)) {
    throw new LuaActionResultError(
      `${description} offered action "${name}" as ${describe(
        value,
      )}; ${DISCOVERY_SHAPE}`,
    );
  }
  const checkType = (key: string, type: 'string' | 'boolean') => {
    const fieldValue = value[key];
    if (fieldValue !== undefined && typeof fieldValue !== type) {
      throw new LuaActionResultError(
        `${description} gave action "${name}" a ${key} that is ${describe(
          fieldValue,
        )}, not a ${type}; ${DISCOVERY_SHAPE}`,
      );
    }
  };
  for (const key of ['iconClass', 'displayName']) checkType(key, 'string');
  checkType('disabled', 'boolean');
  const disabled = value.disabled as boolean | undefined;
  const iconClass = value.iconClass as string | undefined;
  const displayName = value.displayName as string | undefined;
  const action: ResourceAction = { name, disabled: disabled ?? false };
  if (iconClass) action.iconClass = iconClass;
  if (displayName) action.displayName = displayName;

  const params = value.params;
  if (params !== undefined) {
    if (!Array.isArray(params)) {
      throw new LuaActionResultError(
        `${description} gave action "${name}" params that are ${describe(
          params as JsonValue,
        )}, not a list; ${DISCOVERY_SHAPE}`,
      );
    }
    const read: ResourceActionParam[] = params.map((param, index) => {
      if (!isRecord(param) || typeof param.name !== 'string') {
        throw new LuaActionResultError(
          `${description} gave action "${name}" a params[${
            index + 1
          }] without a name; ${DISCOVERY_SHAPE}`,
        );
      }
      return { name: param.name };
    });
    if (read.length > 0) action.params = read;
  }
  return action;
}

/** Runs a discovery script; throws LuaScriptError when it fails, LuaActionResultError for a result that offers no actions. */
export async function runLuaDiscovery(
  script: LuaActionScript,
  obj: UnstructuredObject,
  limits?: LuaLimits,
): Promise<ResourceAction[]> {
  const result = await runLuaScript({
    source: script.source,
    chunkName: 'discovery.lua',
    description: script.description,
    useOpenLibs: false,
    globals: { obj: obj as JsonValue, actionParams: {} },
    limits,
  });
  if (Array.isArray(result) && result.length === 0) return [];
  if (!isRecord(result)) {
    throw new LuaActionResultError(
      `${script.description} returned ${describe(
        result,
      )} (expect table output from Lua script); ${DISCOVERY_SHAPE}`,
    );
  }
  return Object.entries(result).map(([name, value]) =>
    readDiscoveredAction(name, value, script.description),
  );
}

const ACTION_SHAPE =
  'an action returns the changed obj, or a list of {operation = "patch" or "create", resource = ...}';

/**
 * Runs an action script on the object, with `actionParams`; returns Argo
 * CD's impacted resources: the old-style result (the changed `obj`) as one
 * patch, the new-style list as it is. Patched objects get their empty
 * objects back ({@link restoreEmptyObjects}).
 */
export async function runLuaAction(
  script: LuaActionScript,
  obj: UnstructuredObject,
  params: ResourceActionParameters,
  limits?: LuaLimits,
): Promise<LuaActionOutput[]> {
  const result = await runLuaScript({
    source: script.source,
    chunkName: 'action.lua',
    description: script.description,
    useOpenLibs: false,
    globals: { obj: obj as JsonValue, actionParams: { ...params } },
    limits,
  });
  let outputs: LuaActionOutput[];
  if (isRecord(result)) {
    outputs = [{ operation: 'patch', resource: result }];
  } else if (Array.isArray(result)) {
    outputs = result.map((item, index) => {
      const where = `${script.description} returned a list whose item ${
        index + 1
      }`;
      if (!isRecord(item))
        throw new LuaActionResultError(
          `${where} is ${describe(item)}; ${ACTION_SHAPE}`,
        );
      const { operation, resource } = item;
      if (operation !== 'patch' && operation !== 'create') {
        throw new LuaActionResultError(
          `${where} has operation ${
            operation === undefined ? 'nil' : JSON.stringify(operation)
          }; supported operations are "patch" and "create"`,
        );
      }
      if (!isRecord(resource)) {
        throw new LuaActionResultError(
          `${where} has a resource that is ${describe(
            (resource ?? null) as JsonValue,
          )}, not an object; ${ACTION_SHAPE}`,
        );
      }
      return { operation, resource };
    });
  } else {
    throw new LuaActionResultError(
      `${script.description} returned ${describe(
        result,
      )} (expect table output from Lua script); ${ACTION_SHAPE}`,
    );
  }
  for (const output of outputs) {
    if (output.operation === 'patch') restoreEmptyObjects(output.resource, obj);
  }
  return outputs;
}
