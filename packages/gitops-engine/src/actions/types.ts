import type { UnstructuredObject } from '../health/types';

/** A parameter an action asks for (Argo CD's `ResourceActionParam`); values arrive as strings. */
export interface ResourceActionParam {
  name: string;
}

/**
 * One action a resource offers, in Argo CD's shape (`ResourceAction`, as
 * `GET .../resource/actions` returns it): enabled unless `disabled`.
 */
export interface ResourceAction {
  name: string;
  disabled: boolean;
  /** A Font Awesome class for the button, e.g. `fa fa-fw fa-redo`. */
  iconClass?: string;
  /** The label to show instead of the name, e.g. `Restart Pods`. */
  displayName?: string;
  params?: ResourceActionParam[];
}

/** Action parameters by name (Argo CD's `resourceActionParameters`); Lua scripts see them as the table `actionParams`. */
export type ResourceActionParameters = Readonly<Record<string, string>>;

/** The object an action changes or creates. */
export interface ResourceReference {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects (and for created objects that name none). */
  namespace?: string;
}

/** A JSON merge patch (RFC 7386), sent as `application/merge-patch+json`. */
export type MergePatch = Record<string, unknown>;

/** One PATCH request: to the status subresource (`.../status`), or to the object itself. */
export interface ResourcePatchRequest {
  subresource: 'status' | 'main';
  mergePatch: MergePatch;
}

/**
 * A change to the object the action ran on. Apply it as Argo CD does
 * (`server/application` `patchResource`): send `requests` in order; when the
 * status request answers 404, the kind has no status subresource, so send
 * `mergePatch` (all of the change) to the object instead and stop.
 */
export interface ResourceActionPatch {
  operation: 'patch';
  target: ResourceReference;
  /** The object as the action left it (Lua results after the empty-table fix-up). */
  resource: UnstructuredObject;
  /** The whole change from the live object to `resource`; `{}` when the action changed nothing. */
  mergePatch: MergePatch;
  /**
   * `mergePatch` split by where it goes: `{status: ...}` to the status
   * subresource first, the rest to the object. Empty when nothing changed.
   */
  requests: ResourcePatchRequest[];
}

/**
 * An object the action creates (Argo CD 2.8+'s list result with
 * `operation: "create"`), e.g. a Job from a CronJob. Argo CD first checks every
 * created object is permitted in the application's project and dry-runs the
 * creates, then creates them.
 */
export interface ResourceActionCreate {
  operation: 'create';
  target: ResourceReference;
  resource: UnstructuredObject;
}

export type ResourceActionChange = ResourceActionPatch | ResourceActionCreate;

/** What running an action gives: the changes to apply, in order. */
export interface ResourceActionResult {
  action: string;
  /** The object the action ran on. */
  source: ResourceReference;
  changes: ResourceActionChange[];
}

/** Why an action could not be discovered or run. */
export type ResourceActionFailure =
  /** The kind offers no action by that name (HTTP 404). */
  | 'unknown-action'
  /** A parameter is missing or wrong (HTTP 400). */
  | 'invalid-parameters'
  /** The object cannot take the action, e.g. a Rollout with no canary steps to skip (HTTP 400 or 409). */
  | 'not-applicable'
  /** A Lua script did not compile, raised an error, or ran out of time or memory. */
  | 'script-failed'
  /** A Lua script returned something that is not an action result or an action list. */
  | 'invalid-result';

/**
 * An action that could not be discovered or run. The message names the
 * action (or discovery), the resource (`group/Kind namespace/name`) and, for
 * configured scripts, the `argocd-cm` key.
 */
export class ResourceActionError extends Error {
  constructor(
    readonly reason: ResourceActionFailure,
    message: string,
    /** The action's name; undefined for discovery. */
    readonly action: string | undefined,
    /** `group/Kind namespace/name`, e.g. `argoproj.io/Rollout shop/web`. */
    readonly resource: string,
  ) {
    super(message);
    this.name = 'ResourceActionError';
  }
}
