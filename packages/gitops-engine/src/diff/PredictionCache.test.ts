import { PredictionCache } from './PredictionCache';

const object = (resourceVersion: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'shop', resourceVersion },
});

describe('PredictionCache', () => {
  it('keeps one prediction per slot: a newer resourceVersion replaces the older', () => {
    const cache = new PredictionCache();
    cache.set('web@1', object('1'), 'shop/web');
    cache.set('api@1', object('1'), 'shop/api');
    cache.set('web@2', object('2'), 'shop/web');
    expect(cache.get('web@1')).toBeUndefined();
    expect(cache.get('web@2')).toEqual(object('2'));
    expect(cache.get('api@1')).toEqual(object('1'));
    expect(cache.size).toBe(2);
  });

  it('keeps predictions without a slot side by side, and evicts the least recently used', () => {
    const cache = new PredictionCache({ maxEntries: 2 });
    cache.set('a', object('1'));
    cache.set('b', object('2'), 'slot-b');
    cache.get('a');
    cache.set('c', object('3'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(object('1'));
    // The evicted key no longer holds its slot: a new key there evicts nothing else.
    cache.set('b2', object('4'), 'slot-b');
    expect(cache.size).toBe(2);
    expect(cache.get('b2')).toEqual(object('4'));
  });
});
