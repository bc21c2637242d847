import type { LuaGlobal as LuaState, LuaWasm } from 'wasmoon';
import { SANDBOX_PRELUDE } from './sandboxPrelude';

/**
 * wasmoon's Emscripten loader calls `import('module')`, which Jest's module
 * sandbox refuses without --experimental-vm-modules. Loaded by Node's own
 * loader it works, in tests and in production alike. Jest also replaces
 * `require('module')`; `process.getBuiltinModule` returns Node's.
 */
function loadWasmoon(): typeof import('wasmoon') {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(__filename)('wasmoon');
}

/** Argo CD stops a Lua script after one second (`util/lua/lua.go`). */
export const DEFAULT_LUA_TIMEOUT_MS = 1000;
/** Argo CD sets no memory bound; this one is far above what health scripts use. */
export const DEFAULT_LUA_MEMORY_LIMIT_BYTES = 32 * 1024 * 1024;

/** Why a Lua script did not produce a value. */
export type LuaFailureKind = 'syntax' | 'runtime' | 'timeout' | 'memory';

/** A Lua script that did not compile, raised an error, or ran past its time or memory limit. */
export class LuaSandboxError extends Error {
  constructor(
    readonly kind: LuaFailureKind,
    /** Lua's own message, e.g. `health.lua:3: attempt to index a nil value (field 'status')`. */
    readonly luaMessage: string,
  ) {
    super(luaMessage);
    this.name = 'LuaSandboxError';
  }
}

/** A JSON value as Lua scripts see it and as they return it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export interface LuaScriptRun {
  source: string;
  /** Shown at the start of Lua's error messages: `<chunkName>:<line>: ...`. */
  chunkName: string;
  /** Open string, math and coroutine, as Argo CD's `useOpenLibs` does. */
  useOpenLibs: boolean;
  /** Global variables the script sees, converted from JSON as Argo CD converts them. */
  globals: Record<string, JsonValue | undefined>;
  timeoutMs: number;
  memoryLimitBytes: number;
}

// Lua C API constants (lua.h, Lua 5.4).
const LUA_OK = 0;
const LUA_ERRMEM = 4;
const LUA_MULTRET = -1;
const LUA_MASKCOUNT = 8;
const LUA_TNIL = 0;
const LUA_TBOOLEAN = 1;
const LUA_TNUMBER = 3;
const LUA_TSTRING = 4;
const LUA_TTABLE = 5;
const LUA_TYPE_NAMES = [
  'nil',
  'boolean',
  'userdata',
  'number',
  'string',
  'table',
  'function',
  'userdata',
  'thread',
];
/** Instructions between two looks at the clock while a script runs within its time. */
const INSTRUCTIONS_PER_TIME_CHECK = 1000;
/** Deeper than any Kubernetes object; stops a self-referencing table from recursing forever. */
const MAX_TABLE_DEPTH = 100;

interface ActiveRun {
  deadline: number;
  timedOut: boolean;
}

/**
 * Runs Lua scripts, each in a fresh Lua 5.4 state (wasmoon, Lua compiled to
 * WebAssembly) set up like Argo CD's sandbox, and closed afterwards.
 *
 * The time limit is a count hook: every 1000 instructions it compares the
 * clock with the deadline; past it, the hook fires on every instruction and
 * raises an error each time, so `pcall` cannot swallow it. As in gopher-lua,
 * a single long C call (a huge `string.rep`) is bounded by memory, not time.
 * Scripts run synchronously on the calling thread.
 */
export class LuaSandbox {
  private activeRun: ActiveRun | undefined;
  private readonly hookPointer: number;

  private constructor(private readonly lua: LuaWasm) {
    this.hookPointer = lua.module.addFunction(
      (state: number) => this.onHook(state),
      'vii',
    );
  }

  private static shared: Promise<LuaSandbox> | undefined;

  /** The process-wide sandbox; the WebAssembly module is loaded once, on first use. */
  static get(): Promise<LuaSandbox> {
    if (!LuaSandbox.shared) {
      const { LuaFactory } = loadWasmoon();
      LuaSandbox.shared = new LuaFactory(undefined, {})
        .getLuaModule()
        .then(lua => new LuaSandbox(lua));
      LuaSandbox.shared.catch(() => {
        LuaSandbox.shared = undefined;
      });
    }
    return LuaSandbox.shared;
  }

  private onHook(state: number): void {
    const run = this.activeRun;
    if (!run || Date.now() <= run.deadline) return;
    run.timedOut = true;
    // From now on every instruction of this thread raises the error again.
    this.lua.lua_sethook(state, this.hookPointer, LUA_MASKCOUNT, 1);
    this.lua.lua_pushstring(state, 'the script ran out of time');
    this.lua.lua_error(state);
  }

  /** Runs a script and returns its last return value as JSON (nil and no value read as null). */
  run(script: LuaScriptRun): JsonValue {
    if (this.activeRun) {
      throw new Error(
        'LuaSandbox.run was called from inside a running Lua script',
      );
    }
    const { LuaGlobal } = loadWasmoon();
    const global = new LuaGlobal(this.lua, true);
    const L = global.address;
    const run: ActiveRun = {
      deadline: Number.POSITIVE_INFINITY,
      timedOut: false,
    };
    this.activeRun = run;
    try {
      this.openLibraries(global, script.useOpenLibs);
      this.execTrusted(L, SANDBOX_PRELUDE);
      for (const [name, value] of Object.entries(script.globals)) {
        this.pushJson(L, value ?? null, 0);
        this.lua.lua_setglobal(L, name);
      }
      global.setMemoryMax(global.getMemoryUsed() + script.memoryLimitBytes);

      run.deadline = Date.now() + script.timeoutMs;
      this.lua.lua_sethook(
        L,
        this.hookPointer,
        LUA_MASKCOUNT,
        INSTRUCTIONS_PER_TIME_CHECK,
      );
      const base = this.lua.lua_gettop(L);
      const loaded = this.loadChunk(L, script.source, `=${script.chunkName}`);
      if (loaded !== LUA_OK) {
        throw new LuaSandboxError(
          loaded === LUA_ERRMEM ? 'memory' : 'syntax',
          this.errorText(L),
        );
      }
      const status = this.lua.lua_pcallk(L, 0, LUA_MULTRET, 0, 0, null);
      if (run.timedOut) throw new LuaSandboxError('timeout', this.errorText(L));
      if (status === LUA_ERRMEM)
        throw new LuaSandboxError('memory', this.errorText(L));
      if (status !== LUA_OK)
        throw new LuaSandboxError('runtime', this.errorText(L));
      // Like gopher-lua's L.Get(-1): the last value returned.
      return this.lua.lua_gettop(L) > base ? this.readJson(L, -1, 0) : null;
    } finally {
      try {
        global.close();
      } finally {
        this.activeRun = undefined;
      }
    }
  }

  private openLibraries(global: LuaState, useOpenLibs: boolean): void {
    const { LuaLibraries } = loadWasmoon();
    const libraries = [
      LuaLibraries.Base,
      LuaLibraries.Package,
      LuaLibraries.Table,
      LuaLibraries.OS,
    ];
    if (useOpenLibs) {
      libraries.push(
        LuaLibraries.String,
        LuaLibraries.Math,
        LuaLibraries.Coroutine,
      );
    }
    for (const library of libraries) global.loadLibrary(library);
    this.lua.lua_pushboolean(global.address, useOpenLibs ? 1 : 0);
    this.lua.lua_setglobal(global.address, '__driftless_open_libs');
  }

  private loadChunk(L: number, source: string, chunkName: string): number {
    const size = this.lua.module.lengthBytesUTF8(source);
    const buffer = this.lua.module._malloc(size + 1);
    try {
      this.lua.module.stringToUTF8(source, buffer, size + 1);
      return this.lua.luaL_loadbufferx(L, buffer, size, chunkName, 't');
    } finally {
      this.lua.module._free(buffer);
    }
  }

  private execTrusted(L: number, source: string): void {
    const status = this.loadChunk(L, source, '=driftless-sandbox');
    if (
      status !== LUA_OK ||
      this.lua.lua_pcallk(L, 0, 0, 0, 0, null) !== LUA_OK
    ) {
      throw new Error(
        `Setting up the Lua sandbox failed: ${this.errorText(L)}`,
      );
    }
  }

  private errorText(L: number): string {
    if (
      this.lua.lua_type(L, -1) === LUA_TSTRING ||
      this.lua.lua_type(L, -1) === LUA_TNUMBER
    ) {
      return this.lua.lua_tolstring(L, -1, null);
    }
    return `(error object is a ${this.typeName(L, -1)} value)`;
  }

  private typeName(L: number, index: number): string {
    return LUA_TYPE_NAMES[this.lua.lua_type(L, index)] ?? 'unknown';
  }

  private pushString(L: number, value: string): void {
    const size = this.lua.module.lengthBytesUTF8(value);
    const buffer = this.lua.module._malloc(size + 1);
    try {
      this.lua.module.stringToUTF8(value, buffer, size + 1);
      this.lua.lua_pushlstring(L, buffer, size);
    } finally {
      this.lua.module._free(buffer);
    }
  }

  /**
   * JSON to Lua as Argo CD converts objects: objects and arrays become
   * tables, null becomes nil (so null array items are dropped, as gopher-lua's
   * Append drops nil). Whole numbers become Lua integers, so they print
   * without ".0", as gopher-lua prints them.
   */
  private pushJson(L: number, value: JsonValue, depth: number): void {
    if (depth > MAX_TABLE_DEPTH)
      throw new Error(
        `JSON value nested deeper than ${MAX_TABLE_DEPTH} levels`,
      );
    if (!this.lua.lua_checkstack(L, 3))
      throw new Error('Lua stack overflow while converting an object');
    if (value === null) {
      this.lua.lua_pushnil(L);
    } else if (typeof value === 'boolean') {
      this.lua.lua_pushboolean(L, value ? 1 : 0);
    } else if (typeof value === 'number') {
      if (Number.isSafeInteger(value))
        this.lua.lua_pushinteger(L, BigInt(value));
      else this.lua.lua_pushnumber(L, value);
    } else if (typeof value === 'string') {
      this.pushString(L, value);
    } else if (Array.isArray(value)) {
      const items = value.filter(item => item !== null);
      this.lua.lua_createtable(L, items.length, 0);
      items.forEach((item, i) => {
        this.pushJson(L, item, depth + 1);
        this.lua.lua_rawseti(L, -2, BigInt(i + 1));
      });
    } else {
      const entries = Object.entries(value).filter(
        ([, item]) => item !== null && item !== undefined,
      );
      this.lua.lua_createtable(L, 0, entries.length);
      for (const [key, item] of entries) {
        this.pushString(L, key);
        this.pushJson(L, item, depth + 1);
        this.lua.lua_rawset(L, -3);
      }
    }
  }

  /**
   * Lua to JSON as gopher-json encodes it for Argo CD: a table with only
   * keys 1..n is an array, one with only string keys an object, an empty
   * table an empty array. Functions and other non-data values are errors.
   */
  private readJson(L: number, index: number, depth: number): JsonValue {
    const type = this.lua.lua_type(L, index);
    switch (type) {
      case LUA_TNIL:
        return null;
      case LUA_TBOOLEAN:
        return this.lua.lua_toboolean(L, index) !== 0;
      case LUA_TNUMBER:
        return this.lua.lua_tonumberx(L, index, null);
      case LUA_TSTRING:
        return this.lua.lua_tolstring(L, index, null);
      case LUA_TTABLE:
        return this.readTable(L, this.lua.lua_absindex(L, index), depth);
      default:
        throw new LuaSandboxError(
          'runtime',
          `cannot convert a Lua ${this.typeName(L, index)} to JSON`,
        );
    }
  }

  private readTable(L: number, index: number, depth: number): JsonValue {
    if (depth > MAX_TABLE_DEPTH) {
      throw new LuaSandboxError(
        'runtime',
        `cannot convert a Lua table nested deeper than ${MAX_TABLE_DEPTH} levels (does it contain itself?) to JSON`,
      );
    }
    if (!this.lua.lua_checkstack(L, 3))
      throw new Error('Lua stack overflow while converting a table');
    const byNumber = new Map<number, JsonValue>();
    const byName: Record<string, JsonValue> = {};
    let names = 0;
    this.lua.lua_pushnil(L);
    while (this.lua.lua_next(L, index) !== 0) {
      const keyType = this.lua.lua_type(L, -2);
      const value = this.readJson(L, -1, depth + 1);
      if (keyType === LUA_TSTRING) {
        byName[this.lua.lua_tolstring(L, -2, null)] = value;
        names++;
      } else if (keyType === LUA_TNUMBER) {
        byNumber.set(this.lua.lua_tonumberx(L, -2, null), value);
      } else {
        this.lua.lua_settop(L, -3);
        throw new LuaSandboxError(
          'runtime',
          `cannot convert a Lua table with a ${LUA_TYPE_NAMES[keyType]} key to JSON`,
        );
      }
      this.lua.lua_settop(L, -2);
    }
    if (names > 0 && byNumber.size > 0) {
      throw new LuaSandboxError(
        'runtime',
        'cannot convert a Lua table with both string and number keys to JSON',
      );
    }
    if (names > 0) return byName;
    const items: JsonValue[] = [];
    for (let i = 1; i <= byNumber.size; i++) {
      if (!byNumber.has(i)) {
        throw new LuaSandboxError(
          'runtime',
          'cannot convert a Lua table with number keys other than 1..n to JSON',
        );
      }
      items.push(byNumber.get(i)!);
    }
    return items;
  }
}
