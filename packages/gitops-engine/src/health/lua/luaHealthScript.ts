import {
  HEALTH_STATUS_CODES,
  HealthStatus,
  isHealthStatusCode,
  UnstructuredObject,
} from '../types';
import { JsonValue } from './luaSandbox';
import { LuaLimits, LuaScriptError, runLuaScript } from './luaScript';

export type { LuaLimits } from './luaScript';

/** A Lua health script in Argo CD's format, and where it came from. */
export interface LuaHealthScript {
  /** The script: it reads the global `obj` and returns `{status = ..., message = ...}`. */
  source: string;
  /** Open string, math and coroutine (`resource.customizations.useOpenLibs.<group_kind>`). */
  useOpenLibs: boolean;
  /** Names the check in errors, e.g. `Lua health check for cert-manager.io/Certificate (argocd-cm key ...)`. */
  description: string;
}

/** A Lua health check that could not give a health: it did not compile, failed, ran too long, or returned something unusable. */
export class LuaHealthCheckError extends Error {
  constructor(
    readonly reason: 'syntax' | 'runtime' | 'timeout' | 'memory' | 'result',
    message: string,
  ) {
    super(message);
    this.name = 'LuaHealthCheckError';
  }
}

const RESULT_SHAPE =
  'a health check returns a table such as {status = "Healthy", message = "..."}, or nil';

function describeJson(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'nil' : `a ${typeof value}`;
}

function toHealthStatus(
  value: JsonValue,
  description: string,
): HealthStatus | null {
  // nil and an empty table give an empty health in Argo CD: no health at all.
  if (value === null || (Array.isArray(value) && value.length === 0))
    return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LuaHealthCheckError(
      'result',
      `${description} returned ${describeJson(
        value,
      )} (expect table output from Lua script); ${RESULT_SHAPE}`,
    );
  }
  const { status, message } = value;
  if (message !== undefined && typeof message !== 'string') {
    throw new LuaHealthCheckError(
      'result',
      `${description} returned a message that is ${describeJson(
        message,
      )}, not a string; ${RESULT_SHAPE}`,
    );
  }
  if (status !== undefined && typeof status !== 'string') {
    throw new LuaHealthCheckError(
      'result',
      `${description} returned a status that is ${describeJson(
        status,
      )}, not a string; ${RESULT_SHAPE}`,
    );
  }
  if (!isHealthStatusCode(status)) {
    const got =
      status === undefined ? 'no status' : `status ${JSON.stringify(status)}`;
    return {
      status: 'Unknown',
      message: `Lua returned an invalid health status: ${description} returned ${got}; valid ones are ${HEALTH_STATUS_CODES.join(
        ', ',
      )}`,
    };
  }
  return { status, message: message ?? '' };
}

/**
 * Runs a Lua health script on an object, as Argo CD's `ExecuteHealthLua`
 * does: a fresh sandboxed Lua state, the object as the global `obj`, and the
 * returned table read as a health. Returns null when the script returns nil
 * or an empty table (no health); throws {@link LuaHealthCheckError} otherwise.
 */
export async function runLuaHealthScript(
  script: LuaHealthScript,
  obj: UnstructuredObject,
  limits: LuaLimits = {},
): Promise<HealthStatus | null> {
  let result: JsonValue;
  try {
    result = await runLuaScript({
      source: script.source,
      chunkName: 'health.lua',
      description: script.description,
      useOpenLibs: script.useOpenLibs,
      globals: { obj: obj as JsonValue, actionParams: {} },
      limits,
    });
  } catch (error) {
    if (error instanceof LuaScriptError)
      throw new LuaHealthCheckError(error.reason, error.message);
    throw error;
  }
  return toHealthStatus(result, script.description);
}
