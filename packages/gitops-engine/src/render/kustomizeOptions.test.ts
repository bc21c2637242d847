import { parse } from 'yaml';
import { applyKustomizeOptions, parseImageArgument } from './kustomizeOptions';

const ENV = { ARGOCD_APP_NAME: 'web' };

function edit(
  kustomization: string,
  options: Parameters<typeof applyKustomizeOptions>[1],
  components: string[] = [],
) {
  return parse(applyKustomizeOptions(kustomization, options, ENV, components));
}

describe('kustomize edit set image arguments', () => {
  it.each([
    ['nginx:1.25', { name: 'nginx', newTag: '1.25' }],
    [
      'nginx=registry.example.com/nginx:1.25',
      { name: 'nginx', newName: 'registry.example.com/nginx', newTag: '1.25' },
    ],
    [
      'nginx=registry.example.com/nginx',
      { name: 'nginx', newName: 'registry.example.com/nginx' },
    ],
    ['alpine@sha256:abc', { name: 'alpine', digest: 'sha256:abc' }],
    ['localhost:5000/app:2.0', { name: 'localhost:5000/app', newTag: '2.0' }],
    ['app=*:2.0', { name: 'app', newName: '*', newTag: '2.0' }],
    [
      'app:1.0@sha256:def',
      { name: 'app', newTag: '1.0', digest: 'sha256:def' },
    ],
  ])('%s', (argument, expected) => {
    expect(parseImageArgument(argument)).toEqual(expected);
  });

  it('rejects a bare image name, with the accepted forms', () => {
    expect(() => parseImageArgument('nginx')).toThrow(
      /'nginx' is not an image override; use one of the following options/,
    );
  });
});

describe('applying source.kustomize to a kustomization', () => {
  it('replaces prefix, suffix and namespace, keeping the rest of the file and its comments', () => {
    const text = applyKustomizeOptions(
      '# the staging overlay\nnamePrefix: staging-\nresources:\n  - ../../base # shared\n',
      { namePrefix: 'blue-', nameSuffix: '-v2', namespace: 'blue' },
      ENV,
      [],
    );
    expect(text).toContain('# the staging overlay');
    expect(text).toContain('# shared');
    expect(parse(text)).toEqual({
      namePrefix: 'blue-',
      nameSuffix: '-v2',
      namespace: 'blue',
      resources: ['../../base'],
    });
  });

  it('merges images and replicas by name, sorted, as kustomize edit does', () => {
    const result = edit(
      'images:\n  - name: web\n    newName: registry.example.com/web\n    newTag: "1.0"\n  - name: db\n    newTag: "15"\nimageTags:\n  - name: cache\n    newTag: "7"\nreplicas:\n  - name: web\n    count: 1\n  - name: worker\n    count: 2\n',
      {
        images: ['web=*:2.0', 'api:${ARGOCD_APP_NAME}'],
        replicas: [
          { name: 'web', count: 3 },
          { name: 'api', count: '2' },
        ],
      },
    );
    expect(result.images).toEqual([
      { name: 'api', newTag: 'web' },
      { name: 'cache', newTag: '7' },
      { name: 'db', newTag: '15' },
      { name: 'web', newName: 'registry.example.com/web', newTag: '2.0' },
    ]);
    expect(result.imageTags).toBeUndefined();
    expect(result.replicas).toEqual([
      { name: 'api', count: 2 },
      { name: 'web', count: 3 },
      { name: 'worker', count: 2 },
    ]);
  });

  it('adds labels to commonLabels, or to a labels entry without selectors', () => {
    expect(
      edit('resources: []\n', {
        commonLabels: { team: 'a', 'example.com/tier': 'web' },
      }).commonLabels,
    ).toEqual({
      team: 'a',
      'example.com/tier': 'web',
    });
    expect(
      edit('labels:\n  - pairs: {owner: x}\n    includeSelectors: false\n', {
        commonLabels: { team: 'a' },
        labelWithoutSelector: true,
      }).labels,
    ).toEqual([{ pairs: { owner: 'x', team: 'a' }, includeSelectors: false }]);
    expect(
      edit('resources: []\n', {
        commonLabels: { team: 'a' },
        labelWithoutSelector: true,
        labelIncludeTemplates: true,
      }).labels,
    ).toEqual([
      { pairs: { team: 'a' }, includeSelectors: false, includeTemplates: true },
    ]);
  });

  it('refuses existing annotation keys without force, and invalid keys and values', () => {
    expect(() =>
      edit('commonAnnotations:\n  owner: x\n', {
        commonAnnotations: { owner: 'y' },
      }),
    ).toThrow(
      'annotation owner already in kustomization file; set source.kustomize.forceCommonAnnotations',
    );
    expect(
      edit('commonAnnotations:\n  owner: x\n', {
        commonAnnotations: { owner: 'y' },
        forceCommonAnnotations: true,
      }).commonAnnotations,
    ).toEqual({ owner: 'y' });
    expect(() => edit('{}', { commonLabels: { 'bad key!': 'x' } })).toThrow(
      "'bad key!' is not a valid label key",
    );
    expect(() => edit('{}', { commonLabels: { team: 'not valid!' } })).toThrow(
      'is not a valid label value',
    );
    expect(() => edit('{}', { namespace: 'Not_A_Namespace' })).toThrow(
      'is not a valid namespace name',
    );
  });

  it('quotes values that YAML 1.1 would read as something else', () => {
    const text = applyKustomizeOptions(
      '{}',
      { commonLabels: { enabled: 'on' } },
      ENV,
      [],
    );
    expect(text).not.toMatch(/enabled: on\b/);
    expect(parse(text, { version: '1.1' }).commonLabels.enabled).toBe('on');
  });

  it('appends patches and components after what the kustomization has', () => {
    const result = edit(
      'patches:\n  - path: mine.yaml\ncomponents:\n  - ../c1\n',
      {
        patches: [
          {
            patch: '- op: remove\n  path: /spec/replicas\n',
            target: { kind: 'Deployment', name: '' },
          },
        ],
        components: ['../c1', '../c2'],
      },
      ['../c1', '../c2'],
    );
    expect(result.patches).toEqual([
      { path: 'mine.yaml' },
      {
        patch: '- op: remove\n  path: /spec/replicas\n',
        target: { kind: 'Deployment' },
      },
    ]);
    expect(result.components).toEqual(['../c1', '../c2']);
  });
});
