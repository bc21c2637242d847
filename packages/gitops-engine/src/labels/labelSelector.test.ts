import {
  LabelSelectorError,
  formatLabelSelector,
  labelSelectorRequirements,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';

describe('parseLabelSelector', () => {
  it('reads every operator of the string form', () => {
    expect(
      parseLabelSelector(
        'app=web, tier==front,env!=prod,zone in (a, b),team notin (x),owner,!beta',
      ),
    ).toEqual([
      { key: 'app', operator: 'In', values: ['web'] },
      { key: 'tier', operator: 'In', values: ['front'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'zone', operator: 'In', values: ['a', 'b'] },
      { key: 'team', operator: 'NotIn', values: ['x'] },
      { key: 'owner', operator: 'Exists', values: [] },
      { key: 'beta', operator: 'DoesNotExist', values: [] },
    ]);
  });

  it('selects everything when blank', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('   ')).toEqual([]);
  });

  it('accepts prefixed keys and empty values as Kubernetes does', () => {
    expect(
      parseLabelSelector('app.kubernetes.io/part-of=shop,flag=,x in (a,,b)'),
    ).toEqual([
      { key: 'app.kubernetes.io/part-of', operator: 'In', values: ['shop'] },
      { key: 'flag', operator: 'In', values: [''] },
      { key: 'x', operator: 'In', values: ['a', '', 'b'] },
    ]);
  });

  it('does not mistake a key named like a keyword for the keyword', () => {
    expect(parseLabelSelector('in=1,notin')).toEqual([
      { key: 'in', operator: 'In', values: ['1'] },
      { key: 'notin', operator: 'Exists', values: [] },
    ]);
  });

  it.each([
    ['app=web,', /expected a label key, found the end of the selector/],
    ['=web', /expected a label key, found '=' at position 1/],
    ['app web', /expected =, ==, !=, in or notin after key 'app', found 'web'/],
    ['app in a,b', /expected '\(' to start a value list, found 'a'/],
    ['app in (a b)', /expected ',' or '\)' in a value list, found 'b'/],
    ['app=web=x', /expected ',' between requirements, found '='/],
    ['replicas>3', /numeric comparison 'replicas > …' is not supported/],
    ['App/x=1', /prefix of key 'App\/x' must be a DNS subdomain/],
    ['-app=1', /key '-app' may contain only letters/],
    [`app=${'v'.repeat(64)}`, /longer than 63 characters/],
    ['app=we$b', /value 'we\$b' may contain only letters/],
  ])('refuses %p, saying why', (selector, reason) => {
    const error = (() => {
      try {
        parseLabelSelector(selector);
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LabelSelectorError);
    expect(error?.message).toContain(`Invalid label selector '${selector}'`);
    expect(error?.message).toMatch(reason);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { app: 'web', tier: 'front', empty: '' };

  it.each([
    ['app=web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api,web)', true],
    ['app notin (api,web)', false],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['empty=', true],
    ['empty', true],
    ['app=web,tier=back', false],
    ['app=web,tier=front,!beta', true],
    ['', true],
  ])('%p on the app=web,tier=front labels is %p', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('treats missing labels as an empty set', () => {
    expect(matchesLabelSelector(parseLabelSelector('!a'), undefined)).toBe(
      true,
    );
    expect(matchesLabelSelector(parseLabelSelector('a'), undefined)).toBe(
      false,
    );
  });

  it('does not match inherited object properties as labels', () => {
    expect(matchesLabelSelector(parseLabelSelector('toString'), {})).toBe(
      false,
    );
  });
});

describe('labelSelectorRequirements', () => {
  it('turns matchLabels and matchExpressions into requirements', () => {
    expect(
      labelSelectorRequirements({
        matchLabels: { env: 'prod' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'beta', operator: 'DoesNotExist' },
        ],
      }),
    ).toEqual([
      { key: 'env', operator: 'In', values: ['prod'] },
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'beta', operator: 'DoesNotExist', values: [] },
    ]);
    expect(labelSelectorRequirements({})).toEqual([]);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] },
      /matchExpressions\[0\]: operator 'in' is not one of In, NotIn, Exists, DoesNotExist/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      /operator NotIn needs at least one value/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      /operator Exists takes no values/,
    ],
    [{ matchLabels: { 'a b': 'x' } }, /matchLabels: key 'a b'/],
  ])('refuses %j', (selector, reason) => {
    expect(() => labelSelectorRequirements(selector)).toThrow(reason);
  });
});

describe('formatLabelSelector', () => {
  it('prints what parseLabelSelector reads back', () => {
    const text = 'app=web,env!=prod,zone in (a,b),team notin (x,y),owner,!beta';
    expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
  });
});
