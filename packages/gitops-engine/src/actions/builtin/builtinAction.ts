import { getField, isRecord } from '../../health/objectFields';
import type { UnstructuredObject } from '../../health/types';
import type { ResourceAction, ResourceActionParameters } from '../types';

/** What a built-in action gets besides the object. */
export interface BuiltinActionContext {
  params: ResourceActionParameters;
  /** The time restarts are stamped with. */
  now: Date;
}

/** A built-in action: changes its own deep copy of the live object in place. */
export type BuiltinAction = (
  obj: UnstructuredObject,
  context: BuiltinActionContext,
) => void;

/** The actions Driftless ships for one kind, in place of Argo CD's `resource_customizations/<group>/<Kind>/actions`. */
export interface BuiltinKindActions {
  /** What the object offers now, as Argo CD's `discovery.lua` for the kind decides. */
  discover(obj: UnstructuredObject): ResourceAction[];
  actions: Readonly<Record<string, BuiltinAction>>;
}

/**
 * A built-in action that cannot run on this object or with these parameters.
 * It is raised where Argo CD's Lua script would fail; the runner adds the
 * action and the resource to the message.
 */
export class BuiltinActionRefusal extends Error {
  constructor(
    readonly reason: 'invalid-parameters' | 'not-applicable',
    message: string,
  ) {
    super(message);
    this.name = 'BuiltinActionRefusal';
  }
}

/** The object at `path`; refuses when it is absent, as indexing nil fails in Lua. */
export function requireObject(
  obj: UnstructuredObject,
  path: readonly string[],
  why: string,
): Record<string, unknown> {
  const value = getField(obj, path);
  if (!isRecord(value)) {
    throw new BuiltinActionRefusal(
      'not-applicable',
      `${path.join('.')} is ${
        value === undefined ? 'not set' : 'not an object'
      }: ${why}`,
    );
  }
  return value;
}

/** The object at `path`, created (with its parents) when absent. */
export function ensureObject(
  obj: UnstructuredObject,
  path: readonly string[],
): Record<string, unknown> {
  let current: Record<string, unknown> = obj;
  for (const [index, key] of path.entries()) {
    const next = current[key];
    if (next === undefined || next === null) {
      current[key] = {};
    } else if (!isRecord(next)) {
      throw new BuiltinActionRefusal(
        'not-applicable',
        `${path.slice(0, index + 1).join('.')} is not an object`,
      );
    }
    current = current[key] as Record<string, unknown>;
  }
  return current;
}

/** `2024-05-01T12:00:00Z`: what Argo CD's scripts stamp with `os.date("!%Y-%m-%dT%XZ")`. */
export function restartTimestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}
