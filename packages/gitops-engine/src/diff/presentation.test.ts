import { unifiedDiff, withLazyDiff } from './presentation';

describe('withLazyDiff', () => {
  it('computes the diff on first read only, and keeps it', () => {
    const compute = jest.fn(() => 'the diff');
    const resource = withLazyDiff({ name: 'web' }, compute);
    expect(compute).not.toHaveBeenCalled();
    expect(resource.diff).toBe('the diff');
    expect(resource.diff).toBe('the diff');
    expect({ ...resource }).toEqual({ name: 'web', diff: 'the diff' });
    expect(JSON.parse(JSON.stringify(resource))).toEqual({
      name: 'web',
      diff: 'the diff',
    });
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('shows up in spreads and can be overwritten before it is read', () => {
    const compute = jest.fn(() => 'computed');
    const spread = { ...withLazyDiff({ name: 'a' }, compute) };
    expect(spread).toEqual({ name: 'a', diff: 'computed' });

    const overwritten = withLazyDiff({ name: 'b' }, compute);
    overwritten.diff = 'set';
    expect(overwritten.diff).toBe('set');
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('gives the unified diff of the two sides when read', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web' },
      data: { a: '1' },
    };
    const desired = { ...live, data: { a: '2' } };
    const resource = withLazyDiff({}, () =>
      unifiedDiff('core/ConfigMap/web', live, desired),
    );
    expect(resource.diff).toContain('-  a: "1"');
    expect(resource.diff).toContain('+  a: "2"');
  });
});
