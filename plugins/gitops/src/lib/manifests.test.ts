import { shopDevManagedResources } from '../__testUtils__/applicationDetailsFixtures';
import {
  collapseUnchanged,
  manifestYaml,
  resourceManifests,
  sideBySideDiff,
} from './manifests';

describe('manifestYaml', () => {
  it('writes the JSON the API sends as YAML without managedFields', () => {
    const yaml = manifestYaml(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'web-config',
          managedFields: [{ manager: 'kubectl' }],
        },
        data: { LOG_LEVEL: 'info' },
      }),
    );
    expect(yaml).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  LOG_LEVEL: info\n',
    );
  });

  it('gives an empty text for an absent state and shows a non-JSON text as it is', () => {
    expect(manifestYaml(undefined)).toBe('');
    expect(manifestYaml('not json {')).toBe('not json {');
  });

  it('keeps the masks the backend put on Secret values', () => {
    const yaml = manifestYaml(shopDevManagedResources[0].liveState);
    expect(yaml).toContain('password: ++++++++++++++++\n');
    expect(yaml).toContain('username: ++++++++\n');
  });

  it('masks a Secret value a backend left in clear, and the last-applied copy', () => {
    const clear = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration':
            '{"data":{"password":"aHVudGVyMg=="}}',
        },
      },
      data: { password: 'aHVudGVyMg==', token: '++++++++' },
      stringData: { url: 'postgres://app:hunter2@db' },
    });
    const yaml = manifestYaml(clear);
    expect(yaml).not.toContain('aHVudGVyMg==');
    expect(yaml).not.toContain('hunter2');
    expect(yaml).toMatch(/password: \+{64,}\n/);
    expect(yaml).toContain('token: ++++++++\n');
  });

  it('leaves values of other kinds alone', () => {
    expect(
      manifestYaml(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          data: { a: 'b' },
        }),
      ),
    ).toContain('a: b');
  });
});

describe('resourceManifests', () => {
  it('masks equal clear values with equal masks across the states of one resource', () => {
    const secret = (password: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        data: { password, user: 'YXBw' },
      });
    const manifests = resourceManifests({
      normalizedLiveState: secret('b2xk'),
      predictedLiveState: secret('bmV3'),
    });
    const user = /user: (\++)\n/;
    const password = /password: (\++)\n/;
    expect(manifests.liveCompared.match(user)![1]).toBe(
      manifests.predicted.match(user)![1],
    );
    expect(manifests.liveCompared.match(password)![1]).not.toBe(
      manifests.predicted.match(password)![1],
    );
    expect(`${manifests.liveCompared}${manifests.predicted}`).not.toMatch(
      /b2xk|bmV3|YXBw/,
    );
  });

  it('compares the normalized live state with the predicted one, falling back to live and target', () => {
    const deployment = shopDevManagedResources.find(
      r => r.kind === 'Deployment',
    )!;
    const manifests = resourceManifests(deployment);
    expect(manifests.liveCompared).not.toContain('readyReplicas');
    expect(manifests.live).toContain('readyReplicas: 2');
    expect(manifests.predicted).toContain('replicas: 3');
    const fallback = resourceManifests({
      liveState: deployment.liveState,
      targetState: deployment.targetState,
    });
    expect(fallback.liveCompared).toBe(manifests.live);
    expect(fallback.predicted).toBe(manifests.desired);
  });
});

describe('sideBySideDiff', () => {
  it('pairs removed and added lines as changed rows and numbers each side', () => {
    const rows = sideBySideDiff(
      'a: 1\nb: 2\nc: 3\n',
      'a: 1\nb: 20\nc: 3\nd: 4\n',
    );
    expect(rows).toEqual([
      {
        type: 'same',
        left: { line: 1, text: 'a: 1' },
        right: { line: 1, text: 'a: 1' },
      },
      {
        type: 'changed',
        left: { line: 2, text: 'b: 2' },
        right: { line: 2, text: 'b: 20' },
      },
      {
        type: 'same',
        left: { line: 3, text: 'c: 3' },
        right: { line: 3, text: 'c: 3' },
      },
      { type: 'added', right: { line: 4, text: 'd: 4' } },
    ]);
  });

  it('shows a resource to create as all added and one to prune as all removed', () => {
    expect(sideBySideDiff('', 'a: 1\n').map(row => row.type)).toEqual([
      'added',
    ]);
    expect(sideBySideDiff('a: 1\nb: 2\n', '').map(row => row.type)).toEqual([
      'removed',
      'removed',
    ]);
  });
});

describe('collapseUnchanged', () => {
  it('keeps context around changes and folds the rest', () => {
    const left = Array.from({ length: 20 }, (_, i) => `line${i}`).join('\n');
    const right = left.replace('line10', 'line10 changed');
    const rows = collapseUnchanged(sideBySideDiff(left, right), 2);
    expect(
      rows.map(row => (row.type === 'collapsed' ? `…${row.count}` : row.type)),
    ).toEqual(['…8', 'same', 'same', 'changed', 'same', 'same', '…7']);
  });
});
