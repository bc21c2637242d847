/**
 * Trusted Lua that turns a fresh Lua 5.4 state into the environment Argo CD
 * gives health and action scripts (gopher-lua, Lua 5.1, `util/lua/lua.go`):
 *
 * - base, package and table always; string, math and coroutine only with
 *   `useOpenLibs` (Argo CD also opens io and debug then; Driftless never does);
 * - `os` holds only `time` and `date`, Argo CD's `oslib_safe`, and
 *   `require("os")` returns it;
 * - no file or process access: `dofile`, `loadfile`, `io`, `debug`, the other
 *   os functions and `require` of anything but the preloaded modules raise an
 *   error that says so; `load` compiles source text only, never bytecode;
 * - the Lua 5.1 names scripts written for gopher-lua use: `unpack`,
 *   `loadstring`, `table.getn`, `table.maxn`, `math.pow`, `math.mod`,
 *   `math.log10`;
 * - `print` writes nothing (gopher-lua's went to the controller's stdout);
 * - `setmetatable` refuses `__gc`: Lua 5.4 runs finalizers with hooks off, so
 *   the time limit could not stop one (gopher-lua has no finalizers at all).
 *
 * It runs with `__driftless_open_libs` set to whether string, math and
 * coroutine were opened.
 */
export const SANDBOX_PRELUDE = `
local open_libs = __driftless_open_libs
__driftless_open_libs = nil
local error, raw_setmetatable, rawget, type, pairs, tostring = error, setmetatable, rawget, type, pairs, tostring
local sandbox_note = " is not available to Lua health checks and actions: the sandbox gives them no file, process or debug access"

local denied_globals = { io = true, debug = true, dofile = true, loadfile = true }
dofile, loadfile = nil, nil
raw_setmetatable(_G, {
  __index = function(_, name)
    if denied_globals[name] then error(tostring(name) .. sandbox_note, 2) end
    return nil
  end,
  __metatable = false,
})

print = function() end

setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not available to Lua health checks and actions", 2)
  end
  return raw_setmetatable(t, mt)
end

local raw_load = load
load = function(chunk, chunkname, mode, ...)
  if select("#", ...) > 0 then return raw_load(chunk, chunkname, "t", ...) end
  return raw_load(chunk, chunkname, "t")
end
loadstring = function(source, chunkname) return raw_load(source, chunkname, "t") end

unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for key in pairs(t) do
    if type(key) == "number" and key > max then max = key end
  end
  return max
end
if open_libs then
  math.pow = function(x, y) return x ^ y end
  math.mod = math.fmod
  math.log10 = function(x) return math.log(x, 10) end
end

local safe_os = { time = os.time, date = os.date }
raw_setmetatable(safe_os, {
  __index = function(_, name)
    error("os." .. tostring(name) .. sandbox_note .. " (only os.time and os.date are)", 2)
  end,
  __metatable = false,
})
os = safe_os

local preload_searcher = package.searchers[1]
package.searchers = {
  preload_searcher,
  function(name)
    error("require(\\"" .. tostring(name) .. "\\"): only preloaded modules can be required; Lua health checks and actions cannot load files", 3)
  end,
}
package.path, package.cpath = "", ""
package.loadlib, package.searchpath = nil, nil
for name in pairs(package.loaded) do package.loaded[name] = nil end
package.loaded._G, package.loaded.package, package.loaded.table = _G, package, table
package.preload.os = function() return safe_os end
if open_libs then
  package.loaded.string, package.loaded.math, package.loaded.coroutine = string, math, coroutine
end
`;
