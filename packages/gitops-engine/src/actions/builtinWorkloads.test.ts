import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { UnstructuredObject } from '../health/types';
import { DefaultResourceActionRunner } from './runner';
import {
  ResourceActionError,
  ResourceActionPatch,
  ResourceActionResult,
} from './types';

const NOW = new Date('2024-05-01T12:34:56.789Z');
const STAMP = '2024-05-01T12:34:56Z';
const runner = new DefaultResourceActionRunner({ now: () => NOW });

function fixture(name: string): UnstructuredObject {
  return parseYaml(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));
}

function onlyPatch(result: ResourceActionResult): ResourceActionPatch {
  expect(result.changes).toHaveLength(1);
  expect(result.changes[0].operation).toBe('patch');
  return result.changes[0] as ResourceActionPatch;
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

describe('built-in workload actions', () => {
  it('offers restart, pause, resume and scale on a Deployment, as Argo CD does', async () => {
    expect(await runner.discoverActions(fixture('deployment.yaml'))).toEqual([
      { name: 'pause', disabled: false, iconClass: 'fa fa-fw fa-pause-circle' },
      { name: 'restart', disabled: false, iconClass: 'fa fa-fw fa-redo' },
      { name: 'resume', disabled: true, iconClass: 'fa fa-fw fa-play-circle' },
      {
        name: 'scale',
        disabled: false,
        iconClass: 'fa fa-fw fa-plus-circle',
        params: [{ name: 'replicas' }],
      },
    ]);
    const paused = await runner.discoverActions(
      fixture('deployment-paused.yaml'),
    );
    expect(paused.map(a => [a.name, a.disabled])).toEqual([
      ['pause', true],
      ['restart', false],
      ['resume', false],
      ['scale', false],
    ]);
  });

  it('offers restart and scale on a StatefulSet, restart on a DaemonSet, nothing on a Service', async () => {
    expect(
      (await runner.discoverActions(fixture('statefulset.yaml'))).map(
        a => a.name,
      ),
    ).toEqual(['restart', 'scale']);
    expect(await runner.discoverActions(fixture('daemonset.yaml'))).toEqual([
      { name: 'restart', disabled: false, iconClass: 'fa fa-fw fa-redo' },
    ]);
    expect(
      await runner.discoverActions({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
      }),
    ).toEqual([]);
  });

  it('restarts a Deployment through the restartedAt annotation of its pod template', async () => {
    const live = fixture('deployment.yaml');
    const change = onlyPatch(await runner.runAction(live, 'restart'));
    expect(change.target).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
    });
    const patch = {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': STAMP },
          },
        },
      },
    };
    expect(change.mergePatch).toEqual(patch);
    expect(change.requests).toEqual([
      { subresource: 'main', mergePatch: patch },
    ]);
    // The existing annotation stays; the live object is not touched.
    expect((change.resource as any).spec.template.metadata.annotations).toEqual(
      {
        'prometheus.io/scrape': 'true',
        'kubectl.kubernetes.io/restartedAt': STAMP,
      },
    );
    expect(
      (live as any).spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBeUndefined();
  });

  it('restarts a StatefulSet whose template has no metadata, and a DaemonSet restarted before', async () => {
    const statefulSet = onlyPatch(
      await runner.runAction(fixture('statefulset.yaml'), 'restart'),
    );
    expect(statefulSet.mergePatch).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': STAMP },
          },
        },
      },
    });
    const daemonSet = onlyPatch(
      await runner.runAction(fixture('daemonset.yaml'), 'restart'),
    );
    expect(daemonSet.mergePatch).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': STAMP },
          },
        },
      },
    });
  });

  it('pauses and resumes a Deployment with spec.paused', async () => {
    const pause = onlyPatch(
      await runner.runAction(fixture('deployment.yaml'), 'pause'),
    );
    expect(pause.requests).toEqual([
      { subresource: 'main', mergePatch: { spec: { paused: true } } },
    ]);
    const resume = onlyPatch(
      await runner.runAction(fixture('deployment-paused.yaml'), 'resume'),
    );
    expect(resume.requests).toEqual([
      { subresource: 'main', mergePatch: { spec: { paused: null } } },
    ]);
    expect((resume.resource as any).spec.paused).toBeUndefined();
  });

  it.each(['deployment.yaml', 'statefulset.yaml'])(
    'scales %s to the replicas given',
    async file => {
      const change = onlyPatch(
        await runner.runAction(fixture(file), 'scale', { replicas: ' 6 ' }),
      );
      expect(change.requests).toEqual([
        { subresource: 'main', mergePatch: { spec: { replicas: 6 } } },
      ]);
    },
  );

  it.each([
    [{ replicas: 'not_a_number' }, 'invalid number: not_a_number'],
    [{ replicas: '-1' }, 'invalid number: -1'],
    [{ replicas: '1.5' }, 'invalid number: 1.5'],
    [{}, 'the parameter "replicas" is missing'],
  ])('refuses to scale with %j', async (params, expected) => {
    const error = await failure(
      runner.runAction(fixture('deployment.yaml'), 'scale', params),
    );
    expect(error.reason).toBe('invalid-parameters');
    expect(error.action).toBe('scale');
    expect(error.resource).toBe('apps/Deployment shop/web');
    expect(error.message).toMatch(
      /^Action "scale" on apps\/Deployment shop\/web: /,
    );
    expect(error.message).toContain(expected);
  });

  it('refuses a parameter that is not a string', async () => {
    const error = await failure(
      runner.runAction(fixture('deployment.yaml'), 'scale', {
        replicas: 3 as unknown as string,
      }),
    );
    expect(error.reason).toBe('invalid-parameters');
    expect(error.message).toContain(
      'the parameter "replicas" must be a string',
    );
  });

  it('names the actions a kind has when asked for another', async () => {
    const error = await failure(
      runner.runAction(fixture('daemonset.yaml'), 'scale', { replicas: '2' }),
    );
    expect(error.reason).toBe('unknown-action');
    expect(error.message).toBe(
      'Action "scale" on apps/DaemonSet monitoring/node-exporter: no such action; apps/DaemonSet has "restart"',
    );
    const none = await failure(
      runner.runAction(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } },
        'restart',
      ),
    );
    expect(none.message).toBe(
      'Action "restart" on ConfigMap cfg: no such action; ConfigMap has no actions (configure them in argocd-cm as resource.customizations.actions.ConfigMap)',
    );
  });

  it('refuses where the object cannot take the action, saying why', async () => {
    const noTemplate = await failure(
      runner.runAction(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { replicas: 1 },
        },
        'restart',
      ),
    );
    expect(noTemplate.reason).toBe('not-applicable');
    expect(noTemplate.message).toBe(
      'Action "restart" on apps/Deployment shop/web: spec.template is not set: a restart changes the pod template',
    );
  });

  it('does not take names inherited by every JavaScript object for actions', async () => {
    const error = await failure(
      runner.runAction(fixture('deployment.yaml'), 'toString'),
    );
    expect(error.reason).toBe('unknown-action');
  });
});
