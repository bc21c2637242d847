import { compileGlob, GlobSyntaxError, matchGlob } from './glob';

describe('Argo CD directory globs (gobwas syntax, no separators)', () => {
  it.each([
    ['*.yaml', 'deploy.yaml', true],
    ['*.yaml', 'nested/deeper/deploy.yaml', true],
    ['*.yaml', 'deploy.yml', false],
    ['**/*.yaml', 'a/b.yaml', true],
    ['nested/*', 'nested/deeper/job.yaml', true],
    ['deploy?.yaml', 'deploy1.yaml', true],
    ['deploy?.yaml', 'deploy.yaml', false],
    ['[abc]*.yaml', 'b.yaml', true],
    ['[!abc]*.yaml', 'b.yaml', false],
    ['[a-c]x.json', 'cx.json', true],
    ['{deployment.yaml,service.json}', 'service.json', true],
    ['{deployment.yaml,service.json}', 'deployment.yml', false],
    ['{*.yaml,{*.json,*.yml}}', 'x.yml', true],
    ['prod-{a,b}/*.yaml', 'prod-b/x.yaml', true],
    ['a,b.yaml', 'a,b.yaml', true],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'x.yaml', false],
    ['config.(yaml)', 'config.(yaml)', true],
    ['x.yaml', 'prefix-x.yaml', false],
  ])('%s against %s: %s', (pattern, text, expected) => {
    expect(matchGlob(pattern, text)).toBe(expected);
  });

  it.each([['{a,b'], ['[abc'], ['x\\'], ['[]'], ['[z-a]']])(
    'rejects the malformed pattern %s',
    pattern => {
      expect(() => compileGlob(pattern)).toThrow(GlobSyntaxError);
    },
  );
});
