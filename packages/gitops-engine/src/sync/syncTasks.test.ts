import type { KubernetesObject } from '../render/types';
import {
  arrangePruneWaves,
  isMultiStep,
  KIND_ORDER,
  sortSyncTasks,
  syncWaveOf,
  SyncTask,
} from './syncTasks';
import type { SyncPhase } from './types';

function object(
  kind: string,
  name: string,
  options: {
    apiVersion?: string;
    namespace?: string;
    wave?: string;
    annotations?: Record<string, string>;
    spec?: unknown;
  } = {},
): KubernetesObject {
  return {
    apiVersion: options.apiVersion ?? 'v1',
    kind,
    metadata: {
      name,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      annotations: {
        ...(options.wave !== undefined
          ? { 'argocd.argoproj.io/sync-wave': options.wave }
          : {}),
        ...options.annotations,
      },
    },
    ...(options.spec ? { spec: options.spec } : {}),
  };
}

const task = (target: KubernetesObject, phase: SyncPhase = 'Sync') =>
  new SyncTask(phase, target, undefined);
const prune = (live: KubernetesObject) => new SyncTask('Sync', undefined, live);
const names = (tasks: SyncTask[]) =>
  tasks.map(
    t => `${t.phase}/${t.wave}/${t.object.kind}/${t.object.metadata.name}`,
  );

describe('sync waves', () => {
  it('reads argocd.argoproj.io/sync-wave, then helm.sh/hook-weight, else 0', () => {
    expect(syncWaveOf(object('ConfigMap', 'a', { wave: '-3' }))).toBe(-3);
    expect(syncWaveOf(object('ConfigMap', 'a', { wave: '+2' }))).toBe(2);
    expect(
      syncWaveOf(
        object('ConfigMap', 'a', {
          wave: 'x',
          annotations: { 'helm.sh/hook-weight': '7' },
        }),
      ),
    ).toBe(7);
    // Go's Atoi: no spaces, no decimals.
    expect(syncWaveOf(object('ConfigMap', 'a', { wave: ' 1' }))).toBe(0);
    expect(syncWaveOf(object('ConfigMap', 'a', { wave: '1.5' }))).toBe(0);
    expect(syncWaveOf(object('ConfigMap', 'a'))).toBe(0);
  });
});

describe('sortSyncTasks', () => {
  it('orders by phase, then wave, then kind, then name', () => {
    const tasks = [
      task(object('ConfigMap', 'b')),
      task(
        object('Job', 'post', {
          annotations: { 'argocd.argoproj.io/hook': 'PostSync' },
        }),
        'PostSync',
      ),
      task(object('ConfigMap', 'a')),
      task(object('Widget', 'w', { apiVersion: 'example.com/v1' })),
      task(object('Deployment', 'web', { apiVersion: 'apps/v1', wave: '-1' })),
      task(object('Job', 'pre', { wave: '5' }), 'PreSync'),
      task(object('Service', 'web')),
      task(object('Job', 'fail'), 'SyncFail'),
    ];
    sortSyncTasks(tasks);
    expect(names(tasks)).toEqual([
      'PreSync/5/Job/pre',
      'Sync/-1/Deployment/web',
      'Sync/0/ConfigMap/a',
      'Sync/0/ConfigMap/b',
      'Sync/0/Service/web',
      'Sync/0/Widget/w',
      'PostSync/0/Job/post',
      'SyncFail/0/Job/fail',
    ]);
  });

  it("follows gitops-engine's kind order, and puts every other kind last", () => {
    const tasks = [...KIND_ORDER, 'ZCustom', 'ACustom']
      .slice()
      .reverse()
      .map(kind => task(object(kind, 'same')));
    sortSyncTasks(tasks);
    expect(tasks.map(t => t.object.kind)).toEqual([
      ...KIND_ORDER,
      'ACustom',
      'ZCustom',
    ]);
    expect(KIND_ORDER).toHaveLength(35);
  });

  it('moves a Namespace to just before the first object in it, into its phase and wave', () => {
    const tasks = [
      task(object('ConfigMap', 'early', { namespace: 'team', wave: '-2' })),
      task(object('Namespace', 'team')),
      task(
        object('ConfigMap', 'other', { namespace: 'elsewhere', wave: '-5' }),
      ),
    ];
    sortSyncTasks(tasks);
    expect(names(tasks)).toEqual([
      'Sync/-5/ConfigMap/other',
      'Sync/-2/Namespace/team',
      'Sync/-2/ConfigMap/early',
    ]);
  });

  it('moves a CRD to just before the first of its custom resources', () => {
    const crd = object('CustomResourceDefinition', 'widgets.example.com', {
      apiVersion: 'apiextensions.k8s.io/v1',
      wave: '3',
      spec: { group: 'example.com', names: { kind: 'Widget' } },
    });
    const tasks = [
      task(crd),
      task(
        object('Widget', 'w', {
          apiVersion: 'example.com/v1',
          namespace: 'a',
          wave: '1',
        }),
      ),
      task(
        object('Gadget', 'g', { apiVersion: 'example.com/v1', namespace: 'a' }),
      ),
    ];
    sortSyncTasks(tasks);
    expect(names(tasks)).toEqual([
      'Sync/0/Gadget/g',
      'Sync/1/CustomResourceDefinition/widgets.example.com',
      'Sync/1/Widget/w',
    ]);
  });
});

describe('arrangePruneWaves', () => {
  it('mirrors the prune waves, so what was created last is pruned first', () => {
    const tasks = [
      prune(object('ConfigMap', 'w-1', { wave: '-1' })),
      prune(object('ConfigMap', 'w0', { wave: '0' })),
      prune(object('ConfigMap', 'w2', { wave: '2' })),
      prune(object('ConfigMap', 'w5', { wave: '5' })),
      task(object('ConfigMap', 'kept', { wave: '1' })),
    ];
    arrangePruneWaves(tasks, () => false);
    expect(tasks.map(t => [t.object.metadata.name, t.wave])).toEqual([
      ['w-1', 5],
      ['w0', 2],
      ['w2', 0],
      ['w5', -1],
      ['kept', 1],
    ]);
  });

  it('puts PruneLast tasks after the last Sync wave, prune waves included', () => {
    const tasks = [
      prune(object('ConfigMap', 'last')),
      prune(object('ConfigMap', 'early', { wave: '-4' })),
      task(object('ConfigMap', 'kept', { wave: '2' })),
      task(object('Job', 'post', { wave: '9' }), 'PostSync'),
    ];
    arrangePruneWaves(tasks, t => t.object.metadata.name === 'last');
    // -4 and 0 swap, so 'early' is in wave 0; the last Sync wave is 2.
    expect(tasks.map(t => [t.object.metadata.name, t.wave])).toEqual([
      ['last', 3],
      ['early', 0],
      ['kept', 2],
      ['post', 9],
    ]);
  });
});

describe('isMultiStep', () => {
  it('is true when the tasks span more than one phase or wave', () => {
    expect(isMultiStep([])).toBe(false);
    expect(
      isMultiStep([
        task(object('ConfigMap', 'a')),
        task(object('Secret', 'b')),
      ]),
    ).toBe(false);
    expect(
      isMultiStep([
        task(object('ConfigMap', 'a')),
        task(object('Secret', 'b', { wave: '1' })),
      ]),
    ).toBe(true);
    expect(
      isMultiStep([
        task(object('Job', 'a'), 'PreSync'),
        task(object('Secret', 'b')),
      ]),
    ).toBe(true);
  });
});

describe('SyncTask', () => {
  it('keys results as group/kind/namespace/name:phase', () => {
    const deployment = task(
      object('Deployment', 'web', { apiVersion: 'apps/v1', namespace: 'shop' }),
    );
    expect(deployment.resultKey).toBe('apps/Deployment/shop/web:Sync');
    expect(task(object('Namespace', 'shop'), 'PreSync').resultKey).toBe(
      '/Namespace//shop:PreSync',
    );
  });

  it('deletes a live hook before creating it by default, and one that is being deleted whatever its policy', () => {
    const hook = (policy?: string, deleting = false) => {
      const annotations: Record<string, string> = {
        'argocd.argoproj.io/hook': 'PreSync',
      };
      if (policy) annotations['argocd.argoproj.io/hook-delete-policy'] = policy;
      const target = object('Job', 'migrate', { annotations });
      const live = structuredClone(target);
      if (deleting) live.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      return new SyncTask('PreSync', target, live);
    };
    expect(hook().deleteBeforeCreation).toBe(true);
    expect(hook('HookSucceeded').deleteBeforeCreation).toBe(false);
    expect(hook('HookSucceeded', true).deleteBeforeCreation).toBe(true);
    expect(hook('hook-succeeded').deleteOnSuccess).toBe(false);
    const helm = new SyncTask(
      'PreSync',
      object('Job', 'm', {
        annotations: {
          'helm.sh/hook': 'pre-install',
          'helm.sh/hook-delete-policy': 'hook-succeeded',
        },
      }),
      object('Job', 'm'),
    );
    expect(helm.deleteOnSuccess).toBe(true);
    expect(helm.deleteBeforeCreation).toBe(false);
  });
});
