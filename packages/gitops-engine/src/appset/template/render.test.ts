import { generateApplications } from '../ApplicationSetGenerator';
import { renderFastTemplate } from './fasttemplate';
import { applyTemplatePatch } from './patch';
import {
  mergeGeneratorTemplate,
  renderApplication,
  type TemplateMode,
} from './render';
import { sanitizeName, slugifyName, branchSlug } from '../names';

const FLAT: TemplateMode = {
  goTemplate: false,
  options: { missingKey: 'invalid' },
};
const GO: TemplateMode = {
  goTemplate: true,
  options: { missingKey: 'invalid' },
};

describe('fasttemplate (Argo CD utils_test cases)', () => {
  it.each([
    ['simple substitution', '{{one}}', { one: 'two' }, 'two'],
    ['simple substitution with whitespace', '{{ one }}', { one: 'two' }, 'two'],
    [
      'template characters but not in a template',
      '}} {{',
      { one: 'two' },
      '}} {{',
    ],
    ['nested template', '{{ }}', { one: '{{ }}' }, '{{ }}'],
    ['field with whitespace', '{{ }}', { ' ': 'two', '': 'three' }, '{{ }}'],
    [
      'template contains itself, containing itself',
      '{{one}}',
      { '{{one}}': '{{one}}' },
      '{{one}}',
    ],
    ['templates are case sensitive', '{{ONE}}', { one: 'two' }, '{{ONE}}'],
    ['multiple on a line', '{{one}}{{one}}', { one: 'two' }, 'twotwo'],
    [
      'multiple different on a line with quote',
      '{{one}} {{three}}',
      { one: '"hello" world', three: 'four' },
      '"hello" world four',
    ],
    [
      'unknown key left as is',
      'a-{{missing}}-b',
      { one: 'two' },
      'a-{{missing}}-b',
    ],
    ['non-string value left as is', '{{n}}', { n: 3 }, '{{n}}'],
    ['empty string value substituted', '[{{e}}]', { e: '' }, '[]'],
    [
      'tags on different lines are not templated',
      '{{one\n}}',
      { one: 'two' },
      '{{one\n}}',
    ],
  ])('%s', (_name, template, params, expected) => {
    expect(renderFastTemplate(template, params as never)).toBe(expected);
  });

  it('refuses a tag that is never closed', () => {
    expect(() =>
      renderFastTemplate('{{properly.closed}} {{improperly.closed}', {}),
    ).toThrow('cannot find end tag="}}"');
  });
});

describe('RenderTemplateParams', () => {
  const template = {
    metadata: {
      name: '{{name}}',
      labels: { 'label-{{key}}': '{{value}}' },
      annotations: { 'annotation-{{ key }}': 'annotation-{{ value }}' },
    },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://git.example/{{name}}.git',
        helm: {
          valuesObject: {
            some: { string: '{{value}}', number: 3, flag: true, gone: null },
          },
        },
      },
      destination: { server: '{{server}}', namespace: '' },
    },
  };
  const params = { name: 'app', key: 'k', value: 'v', server: 'https://s' };

  it('renders every string, map keys included, keeps other values and drops nulls', () => {
    const app = renderApplication(template, params, FLAT, undefined);
    expect(app.metadata).toEqual({
      name: 'app',
      labels: { 'label-k': 'v' },
      annotations: { 'annotation-k': 'annotation-v' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(app.spec.source).toEqual({
      repoURL: 'https://git.example/app.git',
      helm: { valuesObject: { some: { string: 'v', number: 3, flag: true } } },
    });
  });

  it('returns the template unrendered, without finalizer, when the parameters are empty', () => {
    const app = renderApplication(template, {}, GO, undefined);
    expect(app.metadata.name).toBe('{{name}}');
    expect(app.metadata.finalizers).toBeUndefined();
  });

  it.each([
    {
      finalizers: ['existing-finalizer'],
      syncPolicy: undefined,
      expected: ['existing-finalizer'],
    },
    {
      finalizers: undefined,
      syncPolicy: undefined,
      expected: ['resources-finalizer.argocd.argoproj.io'],
    },
    {
      finalizers: [],
      syncPolicy: {},
      expected: ['resources-finalizer.argocd.argoproj.io'],
    },
    {
      finalizers: undefined,
      syncPolicy: { preserveResourcesOnDeletion: true },
      expected: undefined,
    },
    {
      finalizers: ['resources-finalizer.argocd.argoproj.io/background'],
      syncPolicy: { preserveResourcesOnDeletion: true },
      expected: ['resources-finalizer.argocd.argoproj.io/background'],
    },
  ])(
    'finalizers $finalizers with syncPolicy $syncPolicy give $expected',
    ({ finalizers, syncPolicy, expected }) => {
      const app = renderApplication(
        { metadata: { name: 'a', finalizers }, spec: {} },
        { one: 'two' },
        GO,
        syncPolicy,
      );
      expect(app.metadata.finalizers).toEqual(expected);
    },
  );

  it('merges a generator template over spec.template (the generator wins, empty fields are filled)', () => {
    expect(
      mergeGeneratorTemplate(
        {
          metadata: { name: 'override-{{x}}' },
          spec: { source: { path: 'p' }, destination: { namespace: '' } },
        },
        {
          metadata: { name: 'base', labels: { a: 'b' } },
          spec: {
            project: 'default',
            source: { repoURL: 'r', path: 'base' },
            destination: { namespace: 'ns', server: 's' },
          },
        },
      ),
    ).toEqual({
      metadata: { name: 'override-{{x}}', labels: { a: 'b' } },
      spec: {
        project: 'default',
        source: { repoURL: 'r', path: 'p' },
        destination: { namespace: 'ns', server: 's' },
      },
    });
  });
});

describe('templatePatch', () => {
  const app = renderApplication(
    {
      metadata: { name: 'my-cluster-guestbook' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
          targetRevision: 'HEAD',
          path: 'guestbook',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'guestbook',
        },
        syncPolicy: { syncOptions: ['A=true'] },
      },
    },
    { x: 'y' },
    GO,
    undefined,
  );

  it.each([
    [
      'JSON',
      '{"metadata":{"annotations":{"annotation-some-key":"annotation-some-value"}},"spec":{"source":{"helm":{"valueFiles":["values.test.yaml","values.big.yaml"]}},"syncPolicy":{"automated":{"prune":true}}}}',
    ],
    [
      'YAML',
      'metadata:\n  annotations:\n    annotation-some-key: annotation-some-value\nspec:\n  source:\n    helm:\n      valueFiles:\n        - values.test.yaml\n        - values.big.yaml\n  syncPolicy:\n    automated:\n      prune: true\n',
    ],
  ])('applies a %s patch as Argo CD does', (_format, patch) => {
    const patched = applyTemplatePatch(app, patch, { x: 'y' }, GO);
    expect(patched.metadata.annotations).toEqual({
      'annotation-some-key': 'annotation-some-value',
    });
    expect(patched.spec.source).toEqual({
      repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
      targetRevision: 'HEAD',
      path: 'guestbook',
      helm: { valueFiles: ['values.test.yaml', 'values.big.yaml'] },
    });
    // Lists without a merge key are replaced, objects merged.
    expect(patched.spec.syncPolicy).toEqual({
      syncOptions: ['A=true'],
      automated: { prune: true },
    });
  });

  it('is rendered with the parameters, restores the project, merges finalizers, deletes with null', () => {
    const patch = `
metadata:
  finalizers: [extra-finalizer]
spec:
  project: '{{ .other }}'
  destination:
    namespace: null
  syncPolicy:
    syncOptions: ['{{ .opt }}']
`;
    const patched = applyTemplatePatch(
      app,
      patch,
      { other: 'admin', opt: 'B=true' },
      GO,
    );
    expect(patched.spec.project).toBe('default');
    expect(patched.metadata.finalizers).toEqual([
      'resources-finalizer.argocd.argoproj.io',
      'extra-finalizer',
    ]);
    expect(patched.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
    });
    expect(patched.spec.syncPolicy).toEqual({ syncOptions: ['B=true'] });
  });

  it('refuses strategic-merge directives and patches that are not Application fragments', () => {
    expect(() =>
      applyTemplatePatch(app, 'spec:\n  $patch: replace\n', {}, GO),
    ).toThrow("strategic-merge directive 'spec.$patch' is not supported");
    expect(() => applyTemplatePatch(app, '- a\n', {}, GO)).toThrow(
      'invalid templatePatch',
    );
  });
});

describe('name helpers', () => {
  it.each([
    ['Foo_Bar/Baz..', 'foo-bar-baz'],
    ['--A.b--', 'a.b'],
    ['x'.repeat(300), 'x'.repeat(253)],
  ])('normalize(%s)', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
  });

  it.each([
    [
      'feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
      50,
      false,
      'feat-a-really-long-pull-request-name-to-test-argo',
    ],
    [
      'feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
      53,
      true,
      'feat-a-really-long-pull-request-name-to-test-argo',
    ],
    [
      'feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature',
      50,
      true,
      'feat',
    ],
    [
      'feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature',
      50,
      false,
      'feat-areallylongpullrequestnametotestargoslugifica',
    ],
  ])(
    'slugify(%s, %i, %s) (Argo CD TestSlugify)',
    (name, length, smart, expected) => {
      expect(slugifyName(name, length, smart)).toBe(expected);
    },
  );

  it.each([
    ['feat/my_branch', 'feat-my-branch'],
    ['Fix: Ünïcode & "quotes"', 'fix-unicode-and-quotes'],
    [`${'a'.repeat(40)}-${'b'.repeat(20)}`, 'a'.repeat(40)],
  ])('branch_slug(%s) = %s', (branch, expected) => {
    expect(branchSlug(branch)).toBe(expected);
  });

  it('offers normalize and slugify in Go templates', async () => {
    const result = await generateApplications({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 's' },
      spec: {
        goTemplate: true,
        generators: [{ list: { elements: [{ n: 'My_App.Name' }] } }],
        template: {
          metadata: {
            name: '{{ normalize .n }}',
            labels: { slug: '{{ slugify 10 false .n }}' },
          },
          spec: {},
        },
      },
    });
    expect(result.applications[0].metadata).toMatchObject({
      name: 'my-app.name',
      labels: { slug: 'my-app-nam' },
    });
  });
});
