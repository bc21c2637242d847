import { jsonMergePatch } from '../render/sourceType';
import { createMergePatch, splitStatusPatch } from './mergePatch';

describe('createMergePatch', () => {
  const live = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 2, paused: true, ports: [80, 443], selector: {} },
    status: { phase: 'Running', conditions: [{ type: 'Ready' }] },
    empty: null,
  };

  it('gives only what changed: new values, removed fields as null, lists whole', () => {
    const changed = {
      metadata: { name: 'web', labels: { app: 'web', team: 'shop' } },
      spec: { replicas: 3, ports: [80], selector: {} },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready' }],
        abort: true,
      },
    };
    const patch = createMergePatch(live, changed);
    expect(patch).toEqual({
      metadata: { labels: { tier: null, team: 'shop' } },
      spec: { replicas: 3, paused: null, ports: [80] },
      status: { abort: true },
    });
    expect(jsonMergePatch(live, patch)).toEqual({ ...changed, empty: null });
  });

  it('is empty when nothing changed, null counting as absent', () => {
    const { empty: _empty, ...withoutNull } = live;
    expect(createMergePatch(live, structuredClone(withoutNull))).toEqual({});
  });

  it('replaces a value whose type changed, and empties an object field by field', () => {
    expect(
      createMergePatch(
        { spec: { a: 'x', b: { c: 1, d: 2 } } },
        { spec: { a: { nested: true }, b: {} } },
      ),
    ).toEqual({ spec: { a: { nested: true }, b: { c: null, d: null } } });
  });
});

describe('splitStatusPatch', () => {
  it('sends status to the status subresource first, the rest to the object', () => {
    expect(
      splitStatusPatch({ spec: { paused: false }, status: { abort: null } }),
    ).toEqual([
      { subresource: 'status', mergePatch: { status: { abort: null } } },
      { subresource: 'main', mergePatch: { spec: { paused: false } } },
    ]);
    expect(splitStatusPatch({ metadata: { labels: { a: 'b' } } })).toEqual([
      { subresource: 'main', mergePatch: { metadata: { labels: { a: 'b' } } } },
    ]);
    expect(splitStatusPatch({})).toEqual([]);
  });
});
