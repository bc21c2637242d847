import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationSourceRenderer } from './ApplicationSourceRenderer';
import type { ApplicationSource, RenderRequest } from './types';
import {
  copyFixture,
  FIXTURES,
  removeTemporaryDirectories,
  temporaryDirectory,
  renderError,
} from './__testUtils__';

const SHA = '4f1c2a9d0b7e6f5a4c3b2a1908f7e6d5c4b3a291';

function request(
  checkoutDir: string,
  source: ApplicationSource,
): RenderRequest {
  return {
    checkoutDir,
    repoURL: 'https://git.example.com/shop/deploy.git',
    sha: SHA,
    source,
    appName: 'shop',
    destinationNamespace: 'shop',
  };
}

const ids = (objects: Array<{ kind: string; metadata: { name?: string } }>) =>
  objects.map(object => `${object.kind}/${object.metadata.name ?? '-'}`);

describe('directory sources', () => {
  const checkout = join(FIXTURES, 'directory');
  let renderer: ApplicationSourceRenderer;

  beforeEach(() => {
    renderer = new ApplicationSourceRenderer();
  });

  afterAll(removeTemporaryDirectories);

  it('reads YAML, multi-document YAML, JSON and Lists at the top level, in file order', async () => {
    const result = await renderer.render(request(checkout, { path: 'app' }));
    expect(result.sourceType).toBe('Directory');
    expect(result.renderedBy).toEqual({ tool: 'directory' });
    expect(ids(result.objects)).toEqual([
      'Namespace/shop',
      'ConfigMap/shop-from-list',
      'Deployment/shop',
      'ServiceAccount/shop',
      'Role/shop-reader',
      'ConfigMap/shop-settings',
      'ConfigMap/shop-flags',
      'Service/shop',
    ]);
    const service = result.objects.find(object => object.kind === 'Service');
    expect(service?.spec).toEqual({
      selector: { app: 'shop' },
      ports: [{ port: 80, targetPort: 8080 }],
    });
    // Quoted YAML stays a string; the skip marker, notes.txt (wrong
    // extension), values.yaml and settings.json (not manifests) are left out.
    const settings = result.objects.find(
      object => object.metadata.name === 'shop-settings',
    );
    expect(settings?.data).toEqual({ mode: 'production', retries: '3' });
    expect(ids(result.objects)).not.toContain('ConfigMap/must-not-render');
    expect(ids(result.objects)).not.toContain('ConfigMap/wrong-extension');
  });

  it('descends into subdirectories with recurse, depth first in name order', async () => {
    const result = await renderer.render(
      request(checkout, { path: 'app', directory: { recurse: true } }),
    );
    expect(ids(result.objects)).toEqual([
      'Namespace/shop',
      'ConfigMap/shop-from-list',
      'Deployment/shop',
      'ServiceAccount/shop',
      'Role/shop-reader',
      'ConfigMap/shop-settings',
      'ConfigMap/shop-flags',
      'Ingress/shop',
      'Job/-',
      'NetworkPolicy/shop-default-deny',
      'Service/shop',
    ]);
    const hook = result.objects.find(object => object.kind === 'Job');
    expect(hook?.metadata.generateName).toBe('shop-migrate-');
  });

  it('filters with include and exclude globs, where * crosses directories and {a,b} is a set', async () => {
    const included = await renderer.render(
      request(checkout, {
        path: 'app',
        directory: { recurse: true, include: '{deployment.yaml,nested/*}' },
      }),
    );
    expect(ids(included.objects)).toEqual([
      'Deployment/shop',
      'Ingress/shop',
      'Job/-',
      'NetworkPolicy/shop-default-deny',
    ]);

    const excluded = await renderer.render(
      request(checkout, {
        path: 'app',
        directory: { recurse: true, exclude: '{*list*,nested/deeper/*}' },
      }),
    );
    expect(ids(excluded.objects)).toEqual([
      'Namespace/shop',
      'Deployment/shop',
      'ConfigMap/shop-settings',
      'ConfigMap/shop-flags',
      'NetworkPolicy/shop-default-deny',
      'Service/shop',
    ]);

    const jsonOnly = await renderer.render(
      request(checkout, { path: 'app', directory: { include: '*.json' } }),
    );
    expect(ids(jsonOnly.objects)).toEqual(['Service/shop']);
  });

  it('reads other extensions when the extension filter is disabled', async () => {
    const result = await renderer.render(
      request(checkout, {
        path: 'app',
        directory: { disableExtensionFilter: true, include: '*.txt' },
      }),
    );
    expect(ids(result.objects)).toEqual(['ConfigMap/wrong-extension']);
  });

  it('names the file and document of an object without a name', async () => {
    const error = await renderError(
      renderer,
      request(checkout, { path: 'invalid' }),
    );
    expect(error.code).toBe('InvalidManifest');
    expect(error.location).toMatchObject({
      file: 'invalid/unnamed.yaml',
      documentIndex: 1,
      path: 'invalid',
      sha: SHA,
    });
    expect(error.message).toContain(
      "file 'invalid/unnamed.yaml', document 2 (index 1): the Secret has no metadata.name",
    );
    expect(error.message).toContain('https://git.example.com/shop/deploy.git');
    expect(error.message).toContain(SHA.slice(0, 12));
  });

  it('refuses Helm repository charts and plugins, and renders nothing for a values-only source', async () => {
    const chart = await renderError(
      renderer,
      request(checkout, { chart: 'redis', targetRevision: '19.0.0' }),
    );
    expect(chart.code).toBe('Unsupported');
    expect(chart.message).toContain("source.chart 'redis'");

    const plugin = await renderError(
      renderer,
      request(checkout, { path: 'app', plugin: { name: 'tanka' } }),
    );
    expect(plugin.code).toBe('Unsupported');

    const valuesOnly = await renderer.render(
      request(checkout, { ref: 'values' }),
    );
    expect(valuesOnly.objects).toEqual([]);
  });

  describe('on a checkout the test can change', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await copyFixture('directory');
    });

    it('reports broken YAML that looks like a manifest, and skips broken YAML that does not', async () => {
      await writeFile(
        join(dir, 'app', 'notes.yaml'),
        'title: [unclosed\nsee: other docs\n',
      );
      const skipped = await renderer.render(
        request(dir, { path: 'app', directory: { include: 'notes.yaml' } }),
      );
      expect(skipped.objects).toEqual([]);

      await writeFile(
        join(dir, 'app', 'broken.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n',
      );
      const error = await renderError(renderer, request(dir, { path: 'app' }));
      expect(error.code).toBe('InvalidManifest');
      expect(error.location.file).toBe('app/broken.yaml');
      expect(error.message).toContain(
        "file 'app/broken.yaml', document 1 (index 0): not valid YAML",
      );
    });

    it('reports a later document that fails after good ones', async () => {
      await writeFile(
        join(dir, 'app', 'tail.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nfoo: bar\n',
      );
      const error = await renderError(renderer, request(dir, { path: 'app' }));
      expect(error.message).toContain(
        "file 'app/tail.yaml', document 2 (index 1): the object has no 'kind'",
      );
    });

    it('rejects a JSON file with more than one object, and names it', async () => {
      await writeFile(
        join(dir, 'app', 'two.json'),
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}',
      );
      const error = await renderError(renderer, request(dir, { path: 'app' }));
      expect(error.code).toBe('InvalidManifest');
      expect(error.location.file).toBe('app/two.json');
      expect(error.message).toContain('a .json file holds exactly one object');
    });

    it('rejects a List whose items are not objects, an object without apiVersion, and generateName outside hooks', async () => {
      await writeFile(
        join(dir, 'app', 'bad-list.yaml'),
        'apiVersion: v1\nkind: List\nitems:\n  - just a string\n',
      );
      const list = await renderError(
        renderer,
        request(dir, { path: 'app', directory: { include: 'bad-list.yaml' } }),
      );
      expect(list.message).toContain('list item 0 is not an object');

      await writeFile(
        join(dir, 'app', 'no-version.yaml'),
        'kind: ConfigMap\nmetadata:\n  name: x\n',
      );
      const noVersion = await renderError(
        renderer,
        request(dir, {
          path: 'app',
          directory: { include: 'no-version.yaml' },
        }),
      );
      expect(noVersion.message).toContain("the ConfigMap has no 'apiVersion'");

      await writeFile(
        join(dir, 'app', 'generated.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n',
      );
      const generated = await renderError(
        renderer,
        request(dir, { path: 'app', directory: { include: 'generated.yaml' } }),
      );
      expect(generated.message).toContain(
        'metadata.generateName is only allowed on hooks',
      );
    });

    it('refuses Jsonnet rather than silently leaving it out', async () => {
      await writeFile(join(dir, 'app', 'app.jsonnet'), '{}');
      const error = await renderError(renderer, request(dir, { path: 'app' }));
      expect(error.code).toBe('Unsupported');
      expect(error.location.file).toBe('app/app.jsonnet');
    });

    it('follows a symlinked file inside the checkout, and refuses one that leads outside', async () => {
      await mkdir(join(dir, 'shared'));
      await writeFile(
        join(dir, 'shared', 'quota.yaml'),
        'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: shop\nspec:\n  hard:\n    pods: "10"\n',
      );
      await symlink('../shared/quota.yaml', join(dir, 'app', 'quota.yaml'));
      const result = await renderer.render(
        request(dir, { path: 'app', directory: { include: 'quota.yaml' } }),
      );
      expect(ids(result.objects)).toEqual(['ResourceQuota/shop']);

      const outside = join(await temporaryDirectory(), 'secret.yaml');
      await writeFile(
        outside,
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n',
      );
      await symlink(outside, join(dir, 'app', 'leak.yaml'));
      const error = await renderError(renderer, request(dir, { path: 'app' }));
      expect(error.code).toBe('SymlinkOutsideCheckout');
      expect(error.location.file).toBe('app/leak.yaml');
      expect(error.message).not.toContain('stolen');
    });

    it('refuses source paths that leave the checkout, by .. or by symlink, and explains bad ones', async () => {
      const escape = await renderError(
        renderer,
        request(dir, { path: '../..' }),
      );
      expect(escape.code).toBe('OutsideCheckout');

      const outsideDir = await temporaryDirectory();
      await writeFile(
        join(outsideDir, 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n',
      );
      await symlink(outsideDir, join(dir, 'elsewhere'));
      const linked = await renderError(
        renderer,
        request(dir, { path: 'elsewhere' }),
      );
      expect(linked.code).toBe('SymlinkOutsideCheckout');

      const absolute = await renderError(
        renderer,
        request(dir, { path: '/etc' }),
      );
      expect(absolute.code).toBe('InvalidSource');
      expect(absolute.message).toContain('is absolute');

      const missing = await renderError(
        renderer,
        request(dir, { path: 'no/such/dir' }),
      );
      expect(missing.code).toBe('InvalidSource');
      expect(missing.message).toContain(
        "source.path 'no/such/dir' does not exist in the repository at this revision",
      );
    });

    it('refuses a malformed include pattern instead of rendering nothing', async () => {
      const error = await renderError(
        renderer,
        request(dir, { path: 'app', directory: { include: '{a,b' } }),
      );
      expect(error.code).toBe('InvalidSource');
      expect(error.message).toContain(
        "source.directory.include: invalid glob pattern '{a,b'",
      );
    });

    it('bounds the total size of the files it reads', async () => {
      const small = new ApplicationSourceRenderer({
        maxDirectoryManifestBytes: 200,
      });
      const error = await renderError(small, request(dir, { path: 'app' }));
      expect(error.code).toBe('InvalidSource');
      expect(error.message).toContain('exceed 200 bytes');
    });

    it('applies .argocd-source overrides from the app directory, as Argo CD does', async () => {
      await writeFile(
        join(dir, 'app', '.argocd-source-shop.yaml'),
        'directory:\n  recurse: true\n  include: "nested/*"\n',
      );
      const result = await renderer.render(request(dir, { path: 'app' }));
      expect(ids(result.objects)).toEqual([
        'Ingress/shop',
        'Job/-',
        'NetworkPolicy/shop-default-deny',
      ]);
    });
  });
});
