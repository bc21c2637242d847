import { restoreEmptyObjects } from './emptyTables';

describe('restoreEmptyObjects', () => {
  it('turns an empty list back into the empty object the original held, at any depth', () => {
    const original = {
      spec: {
        resources: {},
        ports: [],
        template: { containers: [{ name: 'a', resources: {}, env: [] }] },
        matrix: [[{ limits: {} }]],
      },
    };
    const returned = {
      spec: {
        resources: [],
        ports: [],
        template: { containers: [{ name: 'a', resources: [], env: [] }] },
        matrix: [[{ limits: [] }]],
        added: [],
      },
    };
    expect(restoreEmptyObjects(returned, original)).toEqual({
      spec: {
        resources: {},
        ports: [],
        template: { containers: [{ name: 'a', resources: {}, env: [] }] },
        matrix: [[{ limits: {} }]],
        added: [],
      },
    });
  });

  it('leaves what the action changed on purpose', () => {
    const returned = {
      labels: ['a'],
      items: [{ x: [] }, { y: [] }],
      gone: [],
    };
    restoreEmptyObjects(returned, {
      labels: { a: 'b' },
      items: [{ x: [1] }],
      gone: 'text',
    });
    // A non-empty list stays a list; list items the action added are its own.
    expect(returned).toEqual({
      labels: ['a'],
      items: [{ x: [] }, { y: [] }],
      gone: [],
    });
  });
});
