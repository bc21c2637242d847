import type { ResourceTree } from '@driftless/backstage-plugin-gitops-common';
import {
  shopDevApplication,
  shopDevEvents,
  shopDevResourceTree,
} from '../__testUtils__/applicationDetailsFixtures';
import {
  expandableIds,
  filterResourceRows,
  NO_SYNC_STATUS,
  resourceEvents,
  resourceFilterOptions,
  resourceId,
  resourceRows,
  resourceTreeItems,
  type ResourceRow,
  type ResourceTreeItem,
} from './resources';

function shape(items: ResourceTreeItem[]): unknown[] {
  return items.map(item =>
    item.children.length > 0
      ? { [`${item.row.kind} ${item.row.name}`]: shape(item.children) }
      : `${item.row.kind} ${item.row.name}`,
  );
}

describe('resourceRows', () => {
  const rows = resourceRows(shopDevApplication, shopDevResourceTree);
  const byName = (kind: string, name: string) =>
    rows.find(row => row.kind === kind && row.name === name)!;

  it('lists managed resources in API order, then each live child once', () => {
    expect(rows.map(row => `${row.kind}/${row.name}`)).toEqual([
      'Secret/web-credentials',
      'ConfigMap/web-config',
      'ConfigMap/legacy-flags',
      'Service/web',
      'Deployment/web',
      'Job/db-migrate',
      'ReplicaSet/web-7d9c5b6f48',
      'ReplicaSet/web-5b8f6c7d9a',
      'Pod/web-7d9c5b6f48-x2k9p',
      'Pod/web-5b8f6c7d9a-q7wbn',
      'Pod/db-migrate-8xk2f',
    ]);
  });

  it('keeps sync status, wave, hook and pruning of managed resources', () => {
    expect(byName('Deployment', 'web')).toMatchObject({
      managed: true,
      syncStatus: 'OutOfSync',
      syncWave: 1,
      hook: false,
      message:
        'Waiting for rollout to finish: 1 old replicas are pending termination...',
    });
    expect(byName('Job', 'db-migrate')).toMatchObject({
      hook: true,
      managed: true,
    });
    expect(byName('Job', 'db-migrate').syncStatus).toBeUndefined();
    expect(byName('ConfigMap', 'legacy-flags').requiresPruning).toBe(true);
  });

  it('links live children to their owner through parentRefs', () => {
    const deployment = byName('Deployment', 'web');
    const replicaSet = byName('ReplicaSet', 'web-7d9c5b6f48');
    expect(replicaSet.managed).toBe(false);
    expect(replicaSet.parentId).toBe(deployment.id);
    expect(byName('Pod', 'web-7d9c5b6f48-x2k9p').parentId).toBe(replicaSet.id);
    expect(byName('Pod', 'db-migrate-8xk2f').parentId).toBe(
      byName('Job', 'db-migrate').id,
    );
    expect(byName('Pod', 'web-7d9c5b6f48-x2k9p').info).toContainEqual({
      name: 'Status Reason',
      value: 'Running',
    });
  });

  it('finds an owner by name when its parentRef has no uid', () => {
    const tree: ResourceTree = {
      nodes: shopDevResourceTree.nodes.map(node => ({
        ...node,
        uid: undefined,
        parentRefs: node.parentRefs?.map(ref => ({ ...ref, uid: undefined })),
      })),
    };
    const pod = resourceRows(shopDevApplication, tree).find(
      row => row.name === 'web-7d9c5b6f48-x2k9p',
    )!;
    expect(pod.parentId).toBe('apps/ReplicaSet/shop/web-7d9c5b6f48');
  });

  it('prefers the live health of the tree over the stored one', () => {
    const tree: ResourceTree = {
      nodes: shopDevResourceTree.nodes.map(node =>
        node.kind === 'Service'
          ? { ...node, health: { status: 'Degraded', message: 'no endpoints' } }
          : node,
      ),
    };
    const service = resourceRows(shopDevApplication, tree).find(
      row => row.kind === 'Service',
    )!;
    expect(service.health).toEqual({
      status: 'Degraded',
      message: 'no endpoints',
    });
    expect(service.message).toBe('no endpoints');
  });

  it('lists the managed resources alone when the tree could not be read', () => {
    const alone = resourceRows(shopDevApplication, undefined);
    expect(alone).toHaveLength(6);
    expect(alone.every(row => row.managed && !row.parentId)).toBe(true);
  });

  it('gives the same id whether the core group and namespace are empty or absent', () => {
    expect(
      resourceId({ group: '', kind: 'Namespace', namespace: '', name: 'shop' }),
    ).toBe(resourceId({ kind: 'Namespace', name: 'shop' }));
  });
});

describe('resourceTreeItems', () => {
  it('nests Pods under ReplicaSets under their Deployment, and a Job Pod under its Job', () => {
    const items = resourceTreeItems(
      resourceRows(shopDevApplication, shopDevResourceTree),
    );
    expect(shape(items)).toEqual([
      'Secret web-credentials',
      'ConfigMap web-config',
      'ConfigMap legacy-flags',
      'Service web',
      {
        'Deployment web': [
          { 'ReplicaSet web-5b8f6c7d9a': ['Pod web-5b8f6c7d9a-q7wbn'] },
          { 'ReplicaSet web-7d9c5b6f48': ['Pod web-7d9c5b6f48-x2k9p'] },
        ],
      },
      { 'Job db-migrate': ['Pod db-migrate-8xk2f'] },
    ]);
    expect(expandableIds(items)).toEqual([
      'apps/Deployment/shop/web',
      'apps/ReplicaSet/shop/web-5b8f6c7d9a',
      'apps/ReplicaSet/shop/web-7d9c5b6f48',
      'batch/Job/shop/db-migrate',
    ]);
  });

  it('keeps a child whose owner is not in the tree as a root', () => {
    const rows: ResourceRow[] = [
      {
        id: '/Pod/shop/stray',
        group: '',
        kind: 'Pod',
        name: 'stray',
        namespace: 'shop',
        parentId: 'apps/ReplicaSet/shop/gone',
        hook: false,
        requiresPruning: false,
        managed: false,
        images: [],
        info: [],
      },
    ];
    expect(shape(resourceTreeItems(rows))).toEqual(['Pod stray']);
  });

  it('loses no row to an ownership cycle', () => {
    const row = (name: string, parent: string): ResourceRow => ({
      id: name,
      group: '',
      kind: 'Thing',
      name,
      parentId: parent,
      hook: false,
      requiresPruning: false,
      managed: false,
      images: [],
      info: [],
    });
    const items = resourceTreeItems([row('a', 'b'), row('b', 'a')]);
    const count = (list: ResourceTreeItem[]): number =>
      list.reduce((sum, item) => sum + 1 + count(item.children), 0);
    expect(count(items)).toBe(2);
  });
});

describe('filterResourceRows', () => {
  const rows = resourceRows(shopDevApplication, shopDevResourceTree);
  const names = (filtered: ResourceRow[]) =>
    filtered.map(row => `${row.kind}/${row.name}`);

  it('returns every row without a filter', () => {
    expect(filterResourceRows(rows, {})).toHaveLength(rows.length);
  });

  it('filters by kind', () => {
    expect(names(filterResourceRows(rows, { kind: 'ReplicaSet' }))).toEqual([
      'ReplicaSet/web-7d9c5b6f48',
      'ReplicaSet/web-5b8f6c7d9a',
    ]);
  });

  it('filters by sync status, including rows without one', () => {
    expect(
      names(filterResourceRows(rows, { syncStatus: 'OutOfSync' })),
    ).toEqual([
      'Secret/web-credentials',
      'ConfigMap/legacy-flags',
      'Deployment/web',
    ]);
    expect(
      filterResourceRows(rows, { syncStatus: NO_SYNC_STATUS }).every(
        row => !row.syncStatus,
      ),
    ).toBe(true);
    expect(
      filterResourceRows(rows, { syncStatus: NO_SYNC_STATUS }),
    ).toHaveLength(6);
  });

  it('filters by health', () => {
    expect(names(filterResourceRows(rows, { health: 'Progressing' }))).toEqual([
      'Deployment/web',
      'Pod/web-5b8f6c7d9a-q7wbn',
    ]);
  });

  it('matches text in name, namespace and message, ignoring case', () => {
    expect(names(filterResourceRows(rows, { text: 'IMAGEPULL' }))).toEqual([
      'Pod/web-5b8f6c7d9a-q7wbn',
    ]);
    expect(names(filterResourceRows(rows, { text: ' migrate ' }))).toEqual([
      'Job/db-migrate',
      'Pod/db-migrate-8xk2f',
    ]);
    expect(filterResourceRows(rows, { text: 'shop' })).toHaveLength(
      rows.length,
    );
  });

  it('combines filters with AND', () => {
    expect(
      names(filterResourceRows(rows, { kind: 'Pod', health: 'Healthy' })),
    ).toEqual(['Pod/web-7d9c5b6f48-x2k9p', 'Pod/db-migrate-8xk2f']);
    expect(
      filterResourceRows(rows, { kind: 'Service', syncStatus: 'OutOfSync' }),
    ).toEqual([]);
  });

  it('offers the values present as filter options', () => {
    expect(resourceFilterOptions(rows)).toEqual({
      kinds: [
        'ConfigMap',
        'Deployment',
        'Job',
        'Pod',
        'ReplicaSet',
        'Secret',
        'Service',
      ],
      syncStatuses: [NO_SYNC_STATUS, 'OutOfSync', 'Synced'],
      healths: ['Healthy', 'Progressing'],
    });
  });
});

describe('resourceEvents', () => {
  const rows = resourceRows(shopDevApplication, shopDevResourceTree);
  const row = (kind: string, name: string) =>
    rows.find(candidate => candidate.kind === kind && candidate.name === name)!;

  it('gathers the last result, the deployments and the events of a resource', () => {
    const events = resourceEvents(
      shopDevApplication,
      row('Deployment', 'web'),
      shopDevEvents,
    );
    expect(events.lastOperation.map(result => result.status)).toEqual([
      'SyncFailed',
    ]);
    expect(events.deployments.map(d => [d.entry.id, d.status])).toEqual([
      [2, 'Synced'],
      [1, 'Synced'],
    ]);
    expect(events.mentions.map(event => event.reason)).toEqual([
      'SyncError',
      'OperationCompleted',
      'ResourceActionRan',
    ]);
  });

  it('does not take a resource of another kind or a longer name for it', () => {
    const service = resourceEvents(
      shopDevApplication,
      row('Service', 'web'),
      shopDevEvents,
    );
    expect(service.mentions).toEqual([]);
    expect(service.lastOperation).toEqual([]);
    const pod = resourceEvents(
      shopDevApplication,
      row('Pod', 'web-7d9c5b6f48-x2k9p'),
      shopDevEvents,
    );
    expect(pod).toEqual({ lastOperation: [], deployments: [], mentions: [] });
  });
});
