import {
  changedFilesTouchPaths,
  manifestGeneratePaths,
} from './manifestGeneratePaths';

describe('manifestGeneratePaths', () => {
  it.each([
    [undefined, 'apps/shop', []],
    ['', 'apps/shop', []],
    [' ; ;', 'apps/shop', []],
    ['.', 'apps/shop/overlays/prod', ['/apps/shop/overlays/prod']],
    ['.', undefined, ['/']],
    [
      '.;../../base',
      'apps/shop/overlays/prod',
      ['/apps/shop/overlays/prod', '/apps/shop/base'],
    ],
    [' . ; config/ ', 'apps/shop', ['/apps/shop', '/apps/shop/config']],
    [
      '/shared/crds;values.yaml',
      'charts/shop',
      ['/shared/crds', '/charts/shop/values.yaml'],
    ],
    ['/', 'apps/shop', ['/']],
    ['/apps/*/base', 'apps/shop/overlays/dev', ['/apps/*/base']],
  ])(
    'annotation %p on source path %p gives %p',
    (annotation, sourcePath, expected) => {
      expect(manifestGeneratePaths(annotation, sourcePath)).toEqual(expected);
    },
  );
});

describe('changedFilesTouchPaths', () => {
  const shopProd = ['/apps/shop/overlays/prod', '/apps/shop/base'];

  it('is true when the payload lists no files or the app lists no paths', () => {
    expect(changedFilesTouchPaths(shopProd, undefined)).toBe(true);
    expect(changedFilesTouchPaths(shopProd, [])).toBe(true);
    expect(changedFilesTouchPaths([], ['docs/README.md'])).toBe(true);
  });

  it.each([
    [['apps/shop/overlays/prod/replicas.yaml'], true],
    [['apps/shop/base/deployment.yaml'], true],
    [['apps/shop/base/nested/deeper/cm.yaml'], true],
    [['apps/shop/overlays/dev/replicas.yaml'], false],
    [['apps/shop/basement/x.yaml'], false],
    [['README.md', 'apps/billing/base/x.yaml'], false],
    [['README.md', 'apps/shop/base/x.yaml'], true],
  ])('changed %p: %p', (files, expected) => {
    expect(changedFilesTouchPaths(shopProd, files)).toBe(expected);
  });

  it('counts a path that names a file', () => {
    expect(
      changedFilesTouchPaths(
        ['/charts/shop/values.yaml'],
        ['charts/shop/values.yaml'],
      ),
    ).toBe(true);
  });

  it('matches globs the way Go path.Match does: * stops at /', () => {
    const paths = ['/apps/*/base'];
    expect(changedFilesTouchPaths(paths, ['apps/shop/base'])).toBe(true);
    expect(changedFilesTouchPaths(paths, ['apps/shop/base/x.yaml'])).toBe(
      false,
    );
    expect(
      changedFilesTouchPaths(
        ['/apps/*/base/*.yaml'],
        ['apps/shop/base/x.yaml'],
      ),
    ).toBe(true);
    expect(
      changedFilesTouchPaths(
        ['/apps/*/base/*.yaml'],
        ['apps/shop/v2/base/x.yaml'],
      ),
    ).toBe(false);
    expect(changedFilesTouchPaths(['/env/[dp]*/x'], ['env/prod/x'])).toBe(true);
    expect(changedFilesTouchPaths(['/env/[^dp]*/x'], ['env/prod/x'])).toBe(
      false,
    );
    expect(changedFilesTouchPaths(['/env/?ev/x'], ['env/dev/x'])).toBe(true);
  });

  it('treats a malformed glob as a plain path rather than failing', () => {
    expect(changedFilesTouchPaths(['/apps/[shop'], ['apps/[shop'])).toBe(true);
    expect(changedFilesTouchPaths(['/apps/[shop'], ['apps/s'])).toBe(false);
  });

  it('covers everything with the repository root', () => {
    expect(changedFilesTouchPaths(['/'], ['anything/at/all.txt'])).toBe(true);
  });
});
