import {
  DEFAULT_LUA_MEMORY_LIMIT_BYTES,
  DEFAULT_LUA_TIMEOUT_MS,
  JsonValue,
  LuaFailureKind,
  LuaSandbox,
  LuaSandboxError,
} from './luaSandbox';

/** Limits for one run of a Lua script. */
export interface LuaLimits {
  /** Default 1000 ms, Argo CD's limit. */
  timeoutMs?: number;
  /** Default 32 MiB. */
  memoryLimitBytes?: number;
}

/** One Lua script run, as health checks, action discovery and actions make it. */
export interface LuaScriptInvocation {
  source: string;
  /** Shown at the start of Lua's messages, as Argo CD's file names: `health.lua`, `discovery.lua`, `action.lua`. */
  chunkName: string;
  /** Names the script in errors, e.g. `Lua health check for cert-manager.io/Certificate (argocd-cm key ...)`. */
  description: string;
  useOpenLibs: boolean;
  /** `obj`, and for actions `actionParams`. */
  globals: Record<string, JsonValue | undefined>;
  limits?: LuaLimits;
}

/** A Lua script that did not compile, failed, or ran past its time or memory; the message names the script. */
export class LuaScriptError extends Error {
  constructor(
    readonly reason: LuaFailureKind,
    message: string,
    /** Lua's own message, e.g. `action.lua:3: invalid number: x`. */
    readonly luaMessage: string,
  ) {
    super(message);
    this.name = 'LuaScriptError';
  }
}

/**
 * Runs a script in the shared sandbox (a fresh state per run, Argo CD's
 * libraries, 1 s and 32 MiB by default) and returns its last return value as
 * JSON; every failure is a {@link LuaScriptError} saying which script failed
 * and why, in the words health checks and actions both use.
 */
export async function runLuaScript(
  invocation: LuaScriptInvocation,
): Promise<JsonValue> {
  const sandbox = await LuaSandbox.get();
  const timeoutMs = invocation.limits?.timeoutMs ?? DEFAULT_LUA_TIMEOUT_MS;
  const memoryLimitBytes =
    invocation.limits?.memoryLimitBytes ?? DEFAULT_LUA_MEMORY_LIMIT_BYTES;
  try {
    return sandbox.run({
      source: invocation.source,
      chunkName: invocation.chunkName,
      useOpenLibs: invocation.useOpenLibs,
      globals: invocation.globals,
      timeoutMs,
      memoryLimitBytes,
    });
  } catch (error) {
    if (!(error instanceof LuaSandboxError)) throw error;
    const { description } = invocation;
    let message: string;
    switch (error.kind) {
      case 'syntax':
        message = `${description} does not compile: ${error.luaMessage}`;
        break;
      case 'timeout':
        message = `${description} did not finish within ${timeoutMs} ms and was stopped; look for a loop that never ends`;
        break;
      case 'memory':
        message = `${description} needed more than ${Math.round(
          memoryLimitBytes / 1024 / 1024,
        )} MiB of memory and was stopped (${error.luaMessage})`;
        break;
      default:
        message = `${description} failed: ${error.luaMessage}`;
    }
    throw new LuaScriptError(error.kind, message, error.luaMessage);
  }
}
