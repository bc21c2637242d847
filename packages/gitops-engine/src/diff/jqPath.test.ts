import { JqPathExpression, JqRuntimeError, JqSyntaxError } from './jqPath';

// Expected results were taken from jq 1.6 (`jq -c 'del(<expression>)'`) on
// the same input; gojq, which Argo CD uses, agrees on all of them.
const input = () => ({
  metadata: {
    name: 'web',
    annotations: { 'foo.bar/baz': 'x', keep: 'y' },
    labels: { a: '1' },
  },
  spec: {
    replicas: 3,
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'a',
            env: [
              { name: 'SECRET_A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'side', image: 'b' },
        ],
        initContainers: [{ name: 'istio-init' }, { name: 'x' }],
      },
    },
  },
  webhooks: [{ clientConfig: { caBundle: 'xx' } }, {}],
  data: { a: null, b: 'B' },
  list: [1, 2, 3, 4, 5],
});

type Input = ReturnType<typeof input>;

function del(expression: string): Input {
  const value = input();
  JqPathExpression.compile(expression).deleteFrom(value);
  return value;
}

describe('JqPathExpression', () => {
  it('deletes a plain path', () => {
    const result = del('.spec.replicas');
    expect(result.spec).not.toHaveProperty('replicas');
    expect(result.spec.template).toEqual(input().spec.template);
  });

  it('deletes keys that need quoting, in both spellings', () => {
    expect(
      del('.metadata.annotations["foo.bar/baz"]').metadata.annotations,
    ).toEqual({ keep: 'y' });
    expect(
      del('.metadata.annotations."foo.bar/baz"').metadata.annotations,
    ).toEqual({ keep: 'y' });
  });

  it('deletes a field of the list items that select() picks', () => {
    const containers = del(
      '.spec.template.spec.containers[] | select(.name == "web") | .image',
    ).spec.template.spec.containers;
    expect(containers).toEqual([
      { name: 'web', env: input().spec.template.spec.containers[0].env },
      { name: 'side', image: 'b' },
    ]);
  });

  it('deletes whole list items that select() picks', () => {
    expect(
      del(
        '.spec.template.spec.initContainers[] | select(.name == "istio-init")',
      ).spec.template.spec.initContainers,
    ).toEqual([{ name: 'x' }]);
    expect(del('.list[] | select(. > 2)').list).toEqual([1, 2]);
    expect(del('.list[1, 3]').list).toEqual([1, 3, 5]);
    expect(del('.list[-1]').list).toEqual([1, 2, 3, 4]);
  });

  it('supports and, or, not, startswith, test, has, contains, length and type in conditions', () => {
    const containers = (expression: string) =>
      del(expression).spec.template.spec.containers;
    expect(
      containers(
        '.spec.template.spec.containers[] | select(.name == "web" and .image == "a") | .env',
      )[0],
    ).not.toHaveProperty('env');
    expect(
      containers(
        '.spec.template.spec.containers[] | select(.name == "web" or .name == "side") | .image',
      ).map(c => 'image' in c),
    ).toEqual([false, false]);
    expect(
      containers('.spec.template.spec.containers[] | select(.env | not)'),
    ).toHaveLength(1);
    expect(
      containers(
        '.spec.template.spec.containers[] | select(.name | test("^s")) | .image',
      )[1],
    ).toEqual({ name: 'side' });
    expect(
      containers(
        '.spec.template.spec.containers[] | select(has("env")) | .env[0]',
      )[0].env,
    ).toEqual([{ name: 'B', value: '2' }]);
    expect(
      containers(
        '.spec.template.spec.containers[] | select(.name | contains("eb"))',
      ),
    ).toEqual([{ name: 'side', image: 'b' }]);
    expect(
      containers(
        '.spec.template.spec.containers[] | select((.env | length) > 1) | .name',
      )[0],
    ).not.toHaveProperty('name');
    expect(del('..|select(type == "string" and . == "xx")').webhooks).toEqual([
      { clientConfig: {} },
      {},
    ]);
    expect(
      del(
        '.spec.template.spec.containers[].env[]? | select(.name | startswith("SECRET"))',
      ).spec.template.spec.containers[0].env,
    ).toEqual([{ name: 'B', value: '2' }]);
  });

  it('handles comma, parentheses and pipes into several paths', () => {
    expect(del('.metadata.labels, .metadata.name').metadata).toEqual({
      annotations: input().metadata.annotations,
    });
    expect(
      del('(.metadata.labels, .metadata.annotations) | .keep').metadata
        .annotations,
    ).toEqual({ 'foo.bar/baz': 'x' });
    expect(del('.metadata | .labels.a, .annotations.keep').metadata).toEqual({
      name: 'web',
      annotations: { 'foo.bar/baz': 'x' },
      labels: {},
    });
  });

  it('treats a path through a missing field as deleting nothing, as jq does', () => {
    expect(del('.missing.path')).toEqual(input());
    expect(
      del(
        '.spec.template.spec.containers[] | select(.name == "nope") | .image',
      ),
    ).toEqual(input());
    expect(del('.missing[]?')).toEqual(input());
    expect(del('.webhooks[]?.clientConfig.caBundle').webhooks).toEqual([
      { clientConfig: {} },
      {},
    ]);
    expect(del('.webhooks[].clientConfig.caBundle').webhooks).toEqual([
      { clientConfig: {} },
      {},
    ]);
  });

  it('fails as jq fails where jq fails: iterating null, indexing a string', () => {
    expect(() => del('.missing[]')).toThrow(
      new JqRuntimeError('Cannot iterate over null (null)'),
    );
    expect(() =>
      del('.spec.template.spec.containers[].env[] | select(.name == "B")'),
    ).toThrow('Cannot iterate over null');
    expect(() => del('.metadata.name.foo')).toThrow(
      'Cannot index string with "foo"',
    );
    expect(() => del('.')).toThrow('the expression selects the whole object');
  });

  it('lists the paths an expression selects', () => {
    expect(
      JqPathExpression.compile(
        '.spec.template.spec.containers[] | .name',
      ).paths(input()),
    ).toEqual([
      ['spec', 'template', 'spec', 'containers', 0, 'name'],
      ['spec', 'template', 'spec', 'containers', 1, 'name'],
    ]);
  });

  it.each([
    [
      '.a | map(.b)',
      "function 'map' is not supported; supported are select, empty, not, startswith, endswith, test, has, contains, length, type",
    ],
    ['.a[1:2]', 'slices are not supported'],
    ['.a + 1', 'arithmetic (+) is not supported'],
    ['$x', 'variables ($name) are not supported'],
    ['if . then . end', "'if' is not supported"],
    ['.a[', 'unexpected end of expression'],
    ['{a: 1}', 'object construction { } is not supported'],
    ['.a |= 1', 'assignment (=, |=) is not supported'],
    ['.a ("x")', "unexpected '('"],
    ['select(.a; .b)', 'select takes 1 argument(s), not 2'],
    ['', 'it is empty'],
  ])('refuses %j at compile time: %s', (expression, reason) => {
    expect(() => JqPathExpression.compile(expression)).toThrow(JqSyntaxError);
    expect(() => JqPathExpression.compile(expression)).toThrow(
      `jq path expression ${JSON.stringify(expression)}: ${reason}`,
    );
  });

  it('refuses a value that is not a path when it runs', () => {
    expect(() => del('"x"')).toThrow('Invalid path expression with result "x"');
  });
});
