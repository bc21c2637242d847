import { cloneJson } from '../diff/json';
import type { ResourceCustomizationsConfig } from '../health/customizations';
import type { LuaLimits } from '../health/lua/luaScript';
import { LuaScriptError } from '../health/lua/luaScript';
import { groupVersionKindOf, metadataString } from '../health/resourceIdentity';
import type { UnstructuredObject } from '../health/types';
import { BuiltinActionRefusal, findBuiltinActions } from './builtin';
import { ActionCustomizations } from './customizations';
import {
  LuaActionOutput,
  LuaActionResultError,
  runLuaAction,
  runLuaDiscovery,
} from './luaActions';
import { createMergePatch, splitStatusPatch } from './mergePatch';
import {
  ResourceAction,
  ResourceActionChange,
  ResourceActionError,
  ResourceActionParameters,
  ResourceActionResult,
  ResourceReference,
} from './types';

/**
 * The engine's port for resource actions (Argo CD's `ListResourceActions` and
 * `RunResourceActionV2`, without the cluster calls): what a live object
 * offers, and what running one of its actions changes. The backend's
 * resource-action route reads the live object, calls this, checks the
 * result against the project, and sends the changes to the cluster.
 */
export interface ResourceActionRunner {
  /** The actions the object offers, sorted by name; each says whether it is disabled now. */
  discoverActions(live: UnstructuredObject): Promise<ResourceAction[]>;
  /**
   * Runs one action on the object and returns what to apply. Like Argo CD it
   * does not check the action is enabled: callers that want that look at
   * {@link ResourceActionRunner.discoverActions} first. Throws
   * {@link ResourceActionError}.
   */
  runAction(
    live: UnstructuredObject,
    action: string,
    params?: ResourceActionParameters,
  ): Promise<ResourceActionResult>;
}

export interface DefaultResourceActionRunnerOptions {
  /**
   * `argocd-cm` data (or its `resource.customizations*` keys):
   * `resource.customizations.actions.<group>_<Kind>` and the `actions` of
   * entries of `resource.customizations`. The other keys are read for
   * validation only, as the health assessor reads them.
   */
  customizations?: ResourceCustomizationsConfig;
  /** Limits for each run of a Lua script (default 1 s, 32 MiB). */
  luaLimits?: LuaLimits;
  /** The clock restarts are stamped with. */
  now?: () => Date;
}

function describeResource(obj: UnstructuredObject): string {
  const { group, kind } = groupVersionKindOf(obj);
  const namespace = metadataString(obj, 'namespace');
  const name = metadataString(obj, 'name');
  return `${group ? `${group}/` : ''}${kind || '(no kind)'} ${
    namespace ? `${namespace}/` : ''
  }${name || '(no name)'}`;
}

function referenceOf(obj: UnstructuredObject): ResourceReference {
  const namespace = metadataString(obj, 'namespace');
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: metadataString(obj, 'name'),
    ...(namespace ? { namespace } : {}),
  };
}

function sameReference(a: ResourceReference, b: ResourceReference): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}

function formatReference(reference: ResourceReference): string {
  return `${reference.apiVersion}, Kind=${reference.kind} ${
    reference.namespace ? `${reference.namespace}/` : ''
  }${reference.name}`;
}

/**
 * Resource actions as Argo CD runs them: the Lua actions configured in
 * `argocd-cm` for the exact kind first, then the actions Driftless ships
 * (Argo Rollouts `Rollout` and `AnalysisRun`; `Deployment`, `StatefulSet`,
 * `DaemonSet`). A configured discovery script replaces the built-in one
 * unless `mergeBuiltinActions: true`; a built-in action stays runnable by
 * name when no configured definition has that name.
 */
export class DefaultResourceActionRunner implements ResourceActionRunner {
  private readonly customizations: ActionCustomizations;
  private readonly luaLimits: LuaLimits;
  private readonly now: () => Date;

  /** Throws ResourceCustomizationsError when the customizations cannot be read. */
  constructor(options: DefaultResourceActionRunnerOptions = {}) {
    this.customizations = ActionCustomizations.fromConfig(
      options.customizations,
    );
    this.luaLimits = options.luaLimits ?? {};
    this.now = options.now ?? (() => new Date());
  }

  async discoverActions(live: UnstructuredObject): Promise<ResourceAction[]> {
    const { group, kind } = groupVersionKindOf(live);
    const custom = this.customizations.find(group, kind);
    const builtin = findBuiltinActions(group, kind);
    const byName = new Map<string, ResourceAction>();
    if (custom) {
      try {
        const discovered = await runLuaDiscovery(
          {
            source: custom.discoveryScript,
            description: `the Lua discovery script (${custom.origin})`,
          },
          live,
          this.luaLimits,
        );
        for (const action of discovered) byName.set(action.name, action);
      } catch (error) {
        throw this.failure(error, undefined, live);
      }
    }
    if (builtin && (!custom || custom.mergeBuiltinActions)) {
      for (const action of builtin.discover(live)) {
        if (!byName.has(action.name)) byName.set(action.name, action);
      }
    }
    // Code-point order, the same in every locale.
    return [...byName.values()].sort((a, b) => {
      if (a.name === b.name) return 0;
      return a.name < b.name ? -1 : 1;
    });
  }

  async runAction(
    live: UnstructuredObject,
    action: string,
    params: ResourceActionParameters = {},
  ): Promise<ResourceActionResult> {
    const resource = describeResource(live);
    const fail = (
      reason: ResourceActionError['reason'],
      detail: string,
    ): never => {
      throw new ResourceActionError(
        reason,
        `Action "${action}" on ${resource}: ${detail}`,
        action,
        resource,
      );
    };
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== 'string')
        fail(
          'invalid-parameters',
          `the parameter "${name}" must be a string, as Argo CD passes action parameters`,
        );
    }

    const { group, kind } = groupVersionKindOf(live);
    const custom = this.customizations.find(group, kind);
    const builtin = findBuiltinActions(group, kind);
    const script = custom?.definitions.get(action);
    const builtinAction =
      builtin && Object.hasOwn(builtin.actions, action)
        ? builtin.actions[action]
        : undefined;

    let outputs: LuaActionOutput[];
    try {
      if (custom && script !== undefined) {
        outputs = await runLuaAction(
          {
            source: script,
            description: `the Lua action script (${custom.origin})`,
          },
          live,
          params,
          this.luaLimits,
        );
      } else if (builtinAction) {
        const changed = cloneJson(live);
        builtinAction(changed, { params, now: this.now() });
        outputs = [{ operation: 'patch', resource: changed }];
      } else {
        const known = new Set([
          ...(custom?.definitions.keys() ?? []),
          ...Object.keys(builtin?.actions ?? {}),
        ]);
        const groupKind = `${group ? `${group}/` : ''}${kind}`;
        return fail(
          'unknown-action',
          known.size > 0
            ? `no such action; ${groupKind} has ${[...known]
                .sort()
                .map(name => `"${name}"`)
                .join(', ')}`
            : `no such action; ${groupKind} has no actions (configure them in argocd-cm as resource.customizations.actions.${
                group ? `${group}_` : ''
              }${kind})`,
        );
      }
    } catch (error) {
      throw this.failure(error, action, live);
    }

    const source = referenceOf(live);
    const changes = outputs.map((output, index): ResourceActionChange => {
      const target = referenceOf(output.resource);
      const which = outputs.length > 1 ? ` (item ${index + 1})` : '';
      if (output.operation === 'create') {
        if (!target.apiVersion || !target.kind || !target.name) {
          fail(
            'invalid-result',
            `the object to create${which} needs apiVersion, kind and metadata.name`,
          );
        }
        return { operation: 'create', target, resource: output.resource };
      }
      if (!sameReference(target, source)) {
        fail(
          'invalid-result',
          `the action returned a patch${which} of ${formatReference(
            target,
          )}, but an action patches only the object it ran on (${formatReference(
            source,
          )}); return other objects with operation "create"`,
        );
      }
      const mergePatch = createMergePatch(live, output.resource);
      return {
        operation: 'patch',
        target,
        resource: output.resource,
        mergePatch,
        requests: splitStatusPatch(mergePatch),
      };
    });
    return { action, source, changes };
  }

  private failure(
    error: unknown,
    action: string | undefined,
    live: UnstructuredObject,
  ): unknown {
    if (error instanceof ResourceActionError) return error;
    const resource = describeResource(live);
    const prefix =
      action === undefined
        ? `Discovering the actions of ${resource}`
        : `Action "${action}" on ${resource}`;
    if (error instanceof LuaScriptError)
      return new ResourceActionError(
        'script-failed',
        `${prefix}: ${error.message}`,
        action,
        resource,
      );
    if (error instanceof LuaActionResultError)
      return new ResourceActionError(
        'invalid-result',
        `${prefix}: ${error.message}`,
        action,
        resource,
      );
    if (error instanceof BuiltinActionRefusal)
      return new ResourceActionError(
        error.reason,
        `${prefix}: ${error.message}`,
        action,
        resource,
      );
    return error;
  }
}
