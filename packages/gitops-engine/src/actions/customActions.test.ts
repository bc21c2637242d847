import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ResourceCustomizationsError } from '../health/customizations';
import type { UnstructuredObject } from '../health/types';
import { ActionCustomizations } from './customizations';
import { DefaultResourceActionRunner } from './runner';
import {
  ResourceActionCreate,
  ResourceActionError,
  ResourceActionPatch,
} from './types';

const NOW = new Date('2024-05-01T12:34:56.789Z');

function fixture(name: string): any {
  return parseYaml(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));
}

const argocdCm: Record<string, string> = fixture('argocd-cm.yaml').data;
const widget = (): UnstructuredObject => fixture('widget.yaml');
const lockedWidget = (): UnstructuredObject => {
  const obj: any = widget();
  obj.spec.locked = true;
  return obj;
};
const rollout = (): UnstructuredObject =>
  parseYaml(
    readFileSync(
      join(
        __dirname,
        '..',
        'health',
        '__fixtures__',
        'rollouts',
        'Rollout',
        'actions',
        'testdata',
        'has_pause_condition_rollout.yaml',
      ),
      'utf8',
    ),
  );

const runner = new DefaultResourceActionRunner({
  customizations: argocdCm,
  now: () => NOW,
});

/** A runner with one kind's actions configured through the split key. */
function widgetRunner(actionsYaml: string, luaLimits = {}) {
  return new DefaultResourceActionRunner({
    customizations: {
      'resource.customizations.actions.example.com_Widget': actionsYaml,
    },
    luaLimits,
  });
}

async function failure(
  promise: Promise<unknown>,
): Promise<ResourceActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResourceActionError) return error;
    throw error;
  }
  throw new Error('expected the action to fail');
}

const WIDGET_KEY =
  'argocd-cm key resource.customizations.actions.example.com_Widget';

describe('Lua resource actions configured in argocd-cm', () => {
  it('discovers the configured actions with their flags, icons, names and params', async () => {
    expect(await runner.discoverActions(widget())).toEqual([
      { name: 'backup', disabled: false },
      { name: 'lock', disabled: false },
      {
        name: 'resize',
        disabled: false,
        iconClass: 'fa fa-fw fa-expand',
        displayName: 'Resize',
        params: [{ name: 'size' }],
      },
      { name: 'unlock', disabled: true },
    ]);
    const locked = await runner.discoverActions(lockedWidget());
    expect(locked.map(a => [a.name, a.disabled])).toEqual([
      ['backup', false],
      ['lock', true],
      ['resize', true],
      ['unlock', false],
    ]);
  });

  it('runs an action with parameters, given to the script as actionParams', async () => {
    const result = await runner.runAction(widget(), 'resize', { size: '5' });
    expect(result.source).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      name: 'gizmo',
      namespace: 'shop',
    });
    const [change] = result.changes as ResourceActionPatch[];
    expect(change.requests).toEqual([
      { subresource: 'main', mergePatch: { spec: { size: 5 } } },
    ]);

    const error = await failure(
      runner.runAction(widget(), 'resize', { size: 'big' }),
    );
    expect(error.reason).toBe('script-failed');
    expect(error.message).toBe(
      `Action "resize" on example.com/Widget shop/gizmo: the Lua action script (${WIDGET_KEY}) failed: size must be a number, got big`,
    );
  });

  it('keeps the empty objects of the live object (cleanReturnedObj), so only real changes are patched', async () => {
    const live = widget();
    const [change] = (await runner.runAction(live, 'lock'))
      .changes as ResourceActionPatch[];
    const resource = change.resource as any;
    expect(resource.metadata.annotations).toEqual({});
    expect(resource.spec.template.resources).toEqual({});
    expect(resource.spec.template.containers[0].resources).toEqual({});
    expect(resource.spec.template.ports).toEqual([]);
    expect(resource.spec.template.containers[0].env).toEqual([]);
    expect(resource.status.conditions).toEqual([]);
    expect(change.mergePatch).toEqual({
      spec: { locked: true },
      status: { phase: 'Locked' },
    });
    // Status goes to the status subresource, the rest to the object.
    expect(change.requests).toEqual([
      { subresource: 'status', mergePatch: { status: { phase: 'Locked' } } },
      { subresource: 'main', mergePatch: { spec: { locked: true } } },
    ]);
  });

  it('reads the list-of-operations result: objects to create and the patch of the source', async () => {
    const result = await runner.runAction(widget(), 'backup');
    expect(result.changes).toHaveLength(2);
    const create = result.changes[0] as ResourceActionCreate;
    expect(create).toEqual({
      operation: 'create',
      target: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'gizmo-backup',
        namespace: 'shop',
      },
      resource: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'gizmo-backup',
          namespace: 'shop',
          labels: { 'backup-of': 'gizmo' },
        },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                { name: 'backup', image: 'backup:1', args: ['gizmo'] },
              ],
            },
          },
        },
      },
    });
    const patch = result.changes[1] as ResourceActionPatch;
    expect(patch.operation).toBe('patch');
    expect(patch.requests).toEqual([
      {
        subresource: 'main',
        mergePatch: {
          metadata: {
            annotations: { 'example.com/last-backup': '1970-01-01' },
          },
        },
      },
    ]);
  });

  it('merges the built-in Rollout actions with configured ones when mergeBuiltinActions is set, the configured winning', async () => {
    const offered = await runner.discoverActions(rollout());
    expect(offered.map(a => a.name)).toEqual([
      'abort',
      'annotate',
      'pause',
      'promote',
      'promote-full',
      'restart',
      'resume',
      'retry',
      'skip-current-step',
    ]);
    expect(offered.find(a => a.name === 'restart')).toEqual({
      name: 'restart',
      disabled: false,
      displayName: 'Restart all pods',
    });
    const [annotate] = (await runner.runAction(rollout(), 'annotate'))
      .changes as ResourceActionPatch[];
    expect(annotate.mergePatch).toEqual({
      metadata: { annotations: { 'example.com/touched': 'yes' } },
    });
    // A built-in action with no configured definition still runs.
    const [abort] = (await runner.runAction(rollout(), 'abort'))
      .changes as ResourceActionPatch[];
    expect(abort.requests).toEqual([
      { subresource: 'status', mergePatch: { status: { abort: true } } },
    ]);
  });

  it('replaces the built-in discovery without mergeBuiltinActions, as Argo CD does', async () => {
    const replacing = new DefaultResourceActionRunner({
      customizations: {
        'resource.customizations.actions.argoproj.io_Rollout': `
discovery.lua: |
  return { ["restart"] = {} }
definitions:
  - name: restart
    action.lua: |
      obj.spec.restartAt = "2000-01-01T00:00:00Z"
      return obj
`,
      },
    });
    expect(await replacing.discoverActions(rollout())).toEqual([
      { name: 'restart', disabled: false },
    ]);
    const [restart] = (await replacing.runAction(rollout(), 'restart'))
      .changes as ResourceActionPatch[];
    expect(restart.mergePatch).toEqual({
      spec: { restartAt: '2000-01-01T00:00:00Z' },
    });
    // Argo CD still runs a built-in action the discovery no longer offers.
    const [retry] = (await replacing.runAction(rollout(), 'abort'))
      .changes as ResourceActionPatch[];
    expect(retry.mergePatch).toEqual({ status: { abort: true } });
  });

  it('stops an action that never ends after 1 s, naming the action, resource and key', async () => {
    const looping = widgetRunner(`
discovery.lua: return { ["spin"] = {} }
definitions:
  - name: spin
    action.lua: |
      while true do end
`);
    const started = Date.now();
    const error = await failure(looping.runAction(widget(), 'spin'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(error.reason).toBe('script-failed');
    expect(error.action).toBe('spin');
    expect(error.resource).toBe('example.com/Widget shop/gizmo');
    expect(error.message).toBe(
      `Action "spin" on example.com/Widget shop/gizmo: the Lua action script (${WIDGET_KEY}) did not finish within 1000 ms and was stopped; look for a loop that never ends`,
    );
  });

  it('reports a discovery script that fails, with the line', async () => {
    const broken = widgetRunner(
      `
discovery.lua: |
  local actions = {}
  actions["x"] = { ["disabled"] = obj.spec.missing.field }
  return actions
`,
    );
    const error = await failure(broken.discoverActions(widget()));
    expect(error.reason).toBe('script-failed');
    expect(error.action).toBeUndefined();
    expect(error.message).toBe(
      `Discovering the actions of example.com/Widget shop/gizmo: the Lua discovery script (${WIDGET_KEY}) failed: discovery.lua:2: attempt to index a nil value (field 'missing')`,
    );
  });

  it("runs action scripts in the sandbox, without string or math, as Argo CD's API server does", async () => {
    const probing = widgetRunner(`
discovery.lua: return {}
definitions:
  - name: probe
    action.lua: |
      local os = require("os")
      obj.spec.libs = type(string) .. "," .. type(math) .. "," .. type(table) .. "," .. type(os.time)
      return obj
  - name: escape
    action.lua: |
      os.execute("id")
      return obj
  - name: read
    action.lua: |
      io.open("/etc/passwd")
      return obj
`);
    expect(await probing.discoverActions(widget())).toEqual([]);
    const [probe] = (await probing.runAction(widget(), 'probe'))
      .changes as ResourceActionPatch[];
    expect(probe.mergePatch).toEqual({
      spec: { libs: 'nil,nil,table,function' },
    });
    expect(
      (await failure(probing.runAction(widget(), 'escape'))).message,
    ).toContain('os.execute is not available to Lua health checks and actions');
    expect(
      (await failure(probing.runAction(widget(), 'read'))).message,
    ).toContain('io is not available to Lua health checks and actions');
  });

  it.each([
    ['return nil', 'returned nil (expect table output from Lua script)'],
    [
      'return "done"',
      'returned a string (expect table output from Lua script)',
    ],
    [
      'return { { operation = "delete", resource = obj } }',
      'returned a list whose item 1 has operation "delete"; supported operations are "patch" and "create"',
    ],
    [
      'return { { resource = obj } }',
      'returned a list whose item 1 has operation nil',
    ],
    [
      'return { { operation = "patch" } }',
      'has a resource that is nil, not an object',
    ],
    [
      'obj.metadata.name = "other" return obj',
      'the action returned a patch of example.com/v1, Kind=Widget shop/other, but an action patches only the object it ran on (example.com/v1, Kind=Widget shop/gizmo)',
    ],
    [
      'return { { operation = "create", resource = { apiVersion = "v1", kind = "ConfigMap", metadata = {} } } }',
      'the object to create needs apiVersion, kind and metadata.name',
    ],
  ])('refuses the action result of `%s`', async (script, expected) => {
    const odd = widgetRunner(`
discovery.lua: return { ["odd"] = {} }
definitions:
  - name: odd
    action.lua: |
      ${script}
`);
    const error = await failure(odd.runAction(widget(), 'odd'));
    expect(error.reason).toBe('invalid-result');
    expect(error.message).toMatch(
      /^Action "odd" on example\.com\/Widget shop\/gizmo: /,
    );
    expect(error.message).toContain(expected);
  });

  it('gives no changes for an empty result', async () => {
    const empty = widgetRunner(`
discovery.lua: return { ["noop"] = {} }
definitions:
  - name: noop
    action.lua: return {}
`);
    expect((await empty.runAction(widget(), 'noop')).changes).toEqual([]);
  });

  it.each([
    [
      'return { ["x"] = { ["disabled"] = "yes" } }',
      'gave action "x" a disabled that is a string, not a boolean',
    ],
    ['return { ["x"] = true }', 'offered action "x" as a boolean'],
    ['return { "x", "y" }', 'returned a list (expect table output'],
    [
      'return { ["x"] = { ["params"] = { { ["type"] = "number" } } } }',
      'gave action "x" a params[1] without a name',
    ],
  ])('refuses the discovery result of `%s`', async (script, expected) => {
    const odd = widgetRunner(`discovery.lua: |\n  ${script}\n`);
    const error = await failure(odd.discoverActions(widget()));
    expect(error.reason).toBe('invalid-result');
    expect(error.message).toContain(expected);
  });
});

describe('ActionCustomizations', () => {
  it('reads both argocd-cm forms and looks kinds up by exact key only', () => {
    const customizations = ActionCustomizations.fromConfig(argocdCm);
    const widgetActions = customizations.find('example.com', 'Widget')!;
    expect(widgetActions.origin).toBe(WIDGET_KEY);
    expect([...widgetActions.definitions.keys()]).toEqual([
      'resize',
      'lock',
      'unlock',
      'backup',
    ]);
    expect(widgetActions.mergeBuiltinActions).toBe(false);
    const rolloutActions = customizations.find('argoproj.io', 'Rollout')!;
    expect(rolloutActions.origin).toBe(
      'argocd-cm key resource.customizations, entry "argoproj.io/Rollout"',
    );
    expect(rolloutActions.mergeBuiltinActions).toBe(true);
    expect(customizations.find('example.com', 'Gadget')).toBeUndefined();
    expect(
      ActionCustomizations.fromConfig({
        'resource.customizations':
          '"*.example.com/*":\n  actions: "discovery.lua: return {}"',
      }).find('a.example.com', 'Widget'),
    ).toBeUndefined();
  });

  it('lets the split key replace the actions of a resource.customizations entry', () => {
    const customizations = ActionCustomizations.fromConfig({
      'resource.customizations':
        'apps/Deployment:\n  actions: |\n    discovery.lua: return {}\n',
      'resource.customizations.actions.apps_Deployment':
        'discovery.lua: return { ["x"] = {} }',
    });
    expect(customizations.find('apps', 'Deployment')).toMatchObject({
      origin: 'argocd-cm key resource.customizations.actions.apps_Deployment',
      discoveryScript: 'return { ["x"] = {} }',
    });
  });

  it('ignores an empty actions customization, as Argo CD does', () => {
    expect(
      ActionCustomizations.fromConfig({
        'resource.customizations.actions.apps_Deployment': '  \n',
      }).find('apps', 'Deployment'),
    ).toBeUndefined();
  });

  it.each([
    ['definitions: [', 'the actions are not valid YAML'],
    ['- a\n- b', 'the actions must be a YAML map'],
    ['definitions: []', 'discovery.lua is missing'],
    [
      'discovery.lua: return {}\nmergeBuiltinActions: "yes"',
      'mergeBuiltinActions must be true or false',
    ],
    [
      'discovery.lua: return {}\ndefinitions: {a: 1}',
      'definitions must be a list',
    ],
    [
      'discovery.lua: return {}\ndefinitions: [{action.lua: return obj}]',
      'definitions[0]: name must be',
    ],
    [
      'discovery.lua: return {}\ndefinitions: [{name: x}]',
      'definitions[0] (x): action.lua must be a Lua script',
    ],
  ])('rejects malformed actions %j, naming the key', (actions, expected) => {
    const config = {
      'resource.customizations.actions.apps_Deployment': actions,
    };
    expect(() => ActionCustomizations.fromConfig(config)).toThrow(
      ResourceCustomizationsError,
    );
    expect(
      () => new DefaultResourceActionRunner({ customizations: config }),
    ).toThrow(
      `argocd-cm key resource.customizations.actions.apps_Deployment: ${expected}`,
    );
  });

  it('rejects an actions entry of resource.customizations that is not text or a map', () => {
    expect(() =>
      ActionCustomizations.fromConfig({
        'resource.customizations': 'apps/Deployment:\n  actions: 3\n',
      }),
    ).toThrow(
      'argocd-cm key resource.customizations, entry "apps/Deployment": actions must be YAML text (or a map)',
    );
  });
});
