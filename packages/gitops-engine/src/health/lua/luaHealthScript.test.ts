import { HEALTH_STATUS_CODES, UnstructuredObject } from '../types';
import {
  LuaHealthCheckError,
  LuaHealthScript,
  runLuaHealthScript,
} from './luaHealthScript';

const certificate: UnstructuredObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web-tls', namespace: 'shop', generation: 3, labels: {} },
  spec: {
    dnsNames: ['shop.example.com', 'www.shop.example.com'],
    duration: null,
    isCA: false,
    revisionHistoryLimit: 2,
  },
  status: {
    conditions: [{ type: 'Ready', status: 'True', message: 'up to date' }],
    ratio: 0.5,
  },
};

function script(source: string, useOpenLibs = false): LuaHealthScript {
  return {
    source,
    useOpenLibs,
    description: 'Lua health check for cert-manager.io/Certificate (test)',
  };
}

async function failure(
  promise: Promise<unknown>,
): Promise<LuaHealthCheckError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LuaHealthCheckError) return error;
    throw error;
  }
  throw new Error('expected the health check to fail');
}

describe('runLuaHealthScript', () => {
  it.each(HEALTH_STATUS_CODES)(
    'returns the status %s a script sets',
    async status => {
      const source = `hs = {}\nhs.status = "${status}"\nhs.message = "said " .. obj.metadata.name\nreturn hs`;
      expect(await runLuaHealthScript(script(source), certificate)).toEqual({
        status,
        message: 'said web-tls',
      });
    },
  );

  it('gives the script the object as `obj`, converted as Argo CD converts it', async () => {
    const source = `
      local c = obj.status.conditions[1]
      local parts = {
        obj.spec.dnsNames[2], #obj.spec.dnsNames, tostring(obj.metadata.generation),
        tostring(obj.spec.isCA), tostring(obj.spec.duration), tostring(obj.status.ratio),
        c.type .. "=" .. c.status, tostring(next(obj.metadata.labels)),
        tostring(obj.spec.revisionHistoryLimit / 2),
      }
      return { status = "Healthy", message = table.concat(parts, ",") }`;
    expect(await runLuaHealthScript(script(source), certificate)).toEqual({
      status: 'Healthy',
      message: 'www.shop.example.com,2,3,false,nil,0.5,Ready=True,nil,1.0',
    });
  });

  it('gives os.time and os.date, also through require("os")', async () => {
    const source = `
      local os2 = require("os")
      local now = os.time()
      local epoch = os2.date("!%Y-%m-%dT%H:%M:%SZ", 0)
      local t = os.date("!*t", 86400)
      return { status = "Healthy", message = tostring(now) .. " " .. epoch .. " " .. t.year .. "-" .. t.day }`;
    const before = Math.floor(Date.now() / 1000);
    const health = await runLuaHealthScript(script(source), certificate);
    const [now, epoch, parts] = health!.message.split(' ');
    expect(Number(now)).toBeGreaterThanOrEqual(before);
    expect(Number(now)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(epoch).toBe('1970-01-01T00:00:00Z');
    expect(parts).toBe('1970-2');
  });

  it.each([
    [
      'io.open("/etc/passwd")',
      'io is not available to Lua health checks and actions',
    ],
    [
      'os.execute("id")',
      'os.execute is not available to Lua health checks and actions',
    ],
    ['os.getenv("HOME")', 'os.getenv is not available'],
    ['os.exit(1)', 'os.exit is not available'],
    ['require("io")', 'require("io"): only preloaded modules can be required'],
    [
      'require("socket")',
      'require("socket"): only preloaded modules can be required',
    ],
    ['dofile("/etc/passwd")', 'dofile is not available'],
    ['loadfile("/etc/passwd")', 'loadfile is not available'],
    ['debug.sethook()', 'debug is not available'],
    [
      'setmetatable({}, { __gc = function() end })',
      '__gc metamethods are not available',
    ],
  ])('denies %s with a clear error', async (call, expected) => {
    const error = await failure(
      runLuaHealthScript(
        script(`local x = ${call}\nreturn { status = "Healthy" }`, true),
        certificate,
      ),
    );
    expect(error.reason).toBe('runtime');
    expect(error.message).toContain(
      'Lua health check for cert-manager.io/Certificate (test) failed: health.lua:1:',
    );
    expect(error.message).toContain(expected);
  });

  it('compiles source text only, never bytecode', async () => {
    const source = `local f, err = load(string.dump(function() return 1 end))\nreturn { status = "Degraded", message = tostring(err) }`;
    expect(await runLuaHealthScript(script(source, true), certificate)).toEqual(
      {
        status: 'Degraded',
        message: expect.stringContaining(
          "attempt to load a binary chunk (mode is 't')",
        ),
      },
    );
  });

  it('opens string and math only with useOpenLibs, as Argo CD does', async () => {
    const source =
      'return { status = "Healthy", message = type(string) .. "," .. type(math) .. "," .. type(table) }';
    expect(
      (await runLuaHealthScript(script(source, false), certificate))?.message,
    ).toBe('nil,nil,table');
    expect(
      (await runLuaHealthScript(script(source, true), certificate))?.message,
    ).toBe('table,table,table');
    const method = await failure(
      runLuaHealthScript(
        script('return { status = ("x"):upper() }', false),
        certificate,
      ),
    );
    expect(method.message).toContain('attempt to index a string value');
  });

  it('offers the Lua 5.1 names that gopher-lua scripts use', async () => {
    const source = `
      local n = table.getn(obj.spec.dnsNames)
      local a, b = unpack({ "x", "y" })
      local f = loadstring("return 40 + 2")
      return { status = "Healthy", message = n .. a .. b .. f() .. math.pow(2, 3) .. table.maxn({ [7] = true }) }`;
    expect(
      (await runLuaHealthScript(script(source, true), certificate))?.message,
    ).toBe('2xy428.07');
  });

  it('stops an endless loop after 1 s, naming the check', async () => {
    const error = await failure(
      runLuaHealthScript(script('while true do end'), certificate),
    );
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      'Lua health check for cert-manager.io/Certificate (test) did not finish within 1000 ms and was stopped; look for a loop that never ends',
    );
  });

  it('stops a loop that tries to catch the timeout with pcall', async () => {
    const source = 'while true do pcall(function() while true do end end) end';
    const error = await failure(
      runLuaHealthScript(script(source, true), certificate, { timeoutMs: 100 }),
    );
    expect(error.reason).toBe('timeout');
  });

  it('stops a script that allocates too much memory', async () => {
    const source =
      'local parts = {} for i = 1, 1e7 do parts[i] = string.rep("x", 100) .. i end return { status = "Healthy" }';
    const error = await failure(
      runLuaHealthScript(script(source, true), certificate, {
        memoryLimitBytes: 8 * 1024 * 1024,
      }),
    );
    expect(error.reason).toBe('memory');
    expect(error.message).toContain('needed more than 8 MiB of memory');
  });

  it('reports a syntax error with the check and the line', async () => {
    const error = await failure(
      runLuaHealthScript(
        script('hs = {}\nif obj.status then\nreturn hs'),
        certificate,
      ),
    );
    expect(error.reason).toBe('syntax');
    expect(error.message).toBe(
      "Lua health check for cert-manager.io/Certificate (test) does not compile: health.lua:3: 'end' expected (to close 'if' at line 2) near <eof>",
    );
  });

  it('reports a runtime error with the line', async () => {
    const error = await failure(
      runLuaHealthScript(
        script('return { status = obj.status.missing.field }'),
        certificate,
      ),
    );
    expect(error.message).toBe(
      "Lua health check for cert-manager.io/Certificate (test) failed: health.lua:1: attempt to index a nil value (field 'missing')",
    );
  });

  it.each([
    ['"Healthy"', 'returned a string (expect table output from Lua script)'],
    ['42', 'returned a number (expect table output from Lua script)'],
    [
      '{ "Healthy", "fine" }',
      'returned a list (expect table output from Lua script)',
    ],
    ['{ status = 1 }', 'returned a status that is a number, not a string'],
    [
      '{ status = "Healthy", message = { "a" } }',
      'returned a message that is a list, not a string',
    ],
    [
      '{ status = "Healthy", check = print }',
      'cannot convert a Lua function to JSON',
    ],
  ])('rejects a bad result: return %s', async (result, expected) => {
    const error = await failure(
      runLuaHealthScript(script(`return ${result}`), certificate),
    );
    expect(error.message).toContain(expected);
  });

  it.each([
    ['{ status = "Fine" }', 'status "Fine"'],
    ['{ message = "no status" }', 'no status'],
  ])(
    'gives Unknown for an invalid status: return %s',
    async (result, expected) => {
      const health = await runLuaHealthScript(
        script(`return ${result}`),
        certificate,
      );
      expect(health?.status).toBe('Unknown');
      expect(health?.message).toContain(
        'Lua returned an invalid health status',
      );
      expect(health?.message).toContain(expected);
    },
  );

  it.each(['', 'return nil', 'return {}'])(
    'gives no health for %j, as Argo CD gives an empty one',
    async source => {
      expect(await runLuaHealthScript(script(source), certificate)).toBeNull();
    },
  );

  it('takes the last of several return values, as gopher-lua does', async () => {
    expect(
      await runLuaHealthScript(
        script('return "ignored", { status = "Suspended" }'),
        certificate,
      ),
    ).toEqual({
      status: 'Suspended',
      message: '',
    });
  });

  it('runs each script in a fresh state', async () => {
    await runLuaHealthScript(script('leaked = "yes" return nil'), certificate);
    const health = await runLuaHealthScript(
      script('return { status = "Healthy", message = tostring(leaked) }'),
      certificate,
    );
    expect(health?.message).toBe('nil');
  });
});
