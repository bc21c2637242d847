import {
  DiffSettings,
  IgnoreDifferences,
  IgnoreDifferencesConfigError,
  type ResourceIgnoreRules,
} from './ignoreDifferences';
import { parseJsonPointer, removeAtJsonPointer } from './jsonPointer';

const summary = (rules: ResourceIgnoreRules) => ({
  jsonPointers: rules.jsonPointers.map(pointer => pointer.source),
  jqPathExpressions: rules.jqPathExpressions.map(
    expression => expression.source,
  ),
  managedFieldsManagers: rules.managedFieldsManagers,
});

describe('JSON pointers', () => {
  it('parses RFC 6901 escapes', () => {
    expect(parseJsonPointer('/metadata/annotations/a~1b~0c')).toEqual([
      'metadata',
      'annotations',
      'a/b~c',
    ]);
    expect(parseJsonPointer('')).toEqual([]);
    expect(() => parseJsonPointer('spec/replicas')).toThrow(
      `JSON pointer "spec/replicas": it must start with '/' (for example /spec/replicas)`,
    );
    expect(() => parseJsonPointer('/a~2')).toThrow(
      "'~' must be followed by 0 (for ~) or 1 (for /)",
    );
  });

  it('removes what exists and ignores what does not, as an RFC 6902 remove that Argo CD lets fail', () => {
    const object = {
      spec: { replicas: 2, ports: [{ port: 80 }, { port: 443 }] },
    };
    expect(removeAtJsonPointer(object, parseJsonPointer('/spec/ports/0'))).toBe(
      true,
    );
    expect(
      removeAtJsonPointer(object, parseJsonPointer('/spec/replicas')),
    ).toBe(true);
    expect(
      removeAtJsonPointer(object, parseJsonPointer('/spec/missing/deeper')),
    ).toBe(false);
    expect(removeAtJsonPointer(object, parseJsonPointer('/spec/ports/7'))).toBe(
      false,
    );
    expect(removeAtJsonPointer(object, parseJsonPointer('/spec/ports/-'))).toBe(
      false,
    );
    expect(object).toEqual({ spec: { ports: [{ port: 443 }] } });
  });
});

describe('DiffSettings', () => {
  it("ignores status of every kind by default, as Argo CD's ignoreResourceStatusField: all", () => {
    const rules = new IgnoreDifferences([], DiffSettings.defaults).rulesFor(
      'apps',
      'Deployment',
      'web',
      'shop',
    );
    expect(summary(rules)).toEqual({
      jsonPointers: ['/status'],
      jqPathExpressions: [],
      managedFieldsManagers: [],
    });
    expect(DiffSettings.defaults.ignoreResourceStatusField).toBe('all');
  });

  it.each([
    ['ignoreResourceStatusField: crd', 'crd'],
    ['ignoreResourceStatusField: none', 'none'],
    ['ignoreResourceStatusField: off', 'none'],
    ['ignoreResourceStatusField: false', 'none'],
  ])('reads resource.compareoptions %j', (text, expected) => {
    const settings = DiffSettings.fromConfig({
      'resource.compareoptions': text,
    });
    expect(settings.ignoreResourceStatusField).toBe(expected);
    const deployment = new IgnoreDifferences([], settings).rulesFor(
      'apps',
      'Deployment',
      'web',
      'shop',
    );
    const crd = new IgnoreDifferences([], settings).rulesFor(
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      'x',
      '',
    );
    expect(deployment.jsonPointers).toEqual([]);
    expect(crd.jsonPointers.map(p => p.source)).toEqual(
      expected === 'crd' ? ['/status'] : [],
    );
  });

  it('reads resource.customizations.ignoreDifferences.<group_Kind> and .all split keys', () => {
    const settings = DiffSettings.fromConfig({
      'resource.customizations.ignoreDifferences.apps_Deployment':
        'jsonPointers:\n- /spec/replicas\nmanagedFieldsManagers:\n- kube-controller-manager\n',
      'resource.customizations.ignoreDifferences.Service':
        'jqPathExpressions:\n- .spec.clusterIP\n',
      'resource.customizations.ignoreDifferences.all':
        'jsonPointers:\n- /metadata/labels/build\n',
      'resource.customizations.health.apps_Deployment': 'return {}',
    });
    const ignore = new IgnoreDifferences([], settings);
    expect(
      summary(ignore.rulesFor('apps', 'Deployment', 'web', 'shop')),
    ).toEqual({
      jsonPointers: ['/spec/replicas', '/metadata/labels/build', '/status'],
      jqPathExpressions: [],
      managedFieldsManagers: ['kube-controller-manager'],
    });
    expect(summary(ignore.rulesFor('', 'Service', 'web', 'shop'))).toEqual({
      jsonPointers: ['/metadata/labels/build', '/status'],
      jqPathExpressions: ['.spec.clusterIP'],
      managedFieldsManagers: [],
    });
  });

  it('reads ignoreDifferences in the resource.customizations YAML, as text or a map', () => {
    const settings = DiffSettings.fromConfig({
      'resource.customizations': [
        'admissionregistration.k8s.io/MutatingWebhookConfiguration:',
        '  ignoreDifferences: |',
        '    jqPathExpressions:',
        '    - .webhooks[]?.clientConfig.caBundle',
        'argoproj.io/*:',
        '  ignoreDifferences:',
        '    jsonPointers: [/spec/paused]',
        'apps/Deployment:',
        '  health.lua: return {}',
      ].join('\n'),
    });
    const ignore = new IgnoreDifferences([], settings);
    expect(
      ignore
        .rulesFor(
          'admissionregistration.k8s.io',
          'MutatingWebhookConfiguration',
          'w',
          '',
        )
        .jqPathExpressions.map(e => e.source),
    ).toEqual(['.webhooks[]?.clientConfig.caBundle']);
    expect(
      ignore
        .rulesFor('argoproj.io', 'Rollout', 'r', 'shop')
        .jsonPointers.map(p => p.source),
    ).toEqual(['/spec/paused', '/status']);
  });

  it('names the key of a malformed setting', () => {
    expect(() =>
      DiffSettings.fromConfig({
        'resource.customizations.ignoreDifferences.apps_Deployment':
          'jqPathExpressions:\n- .spec | map(.x)\n',
      }),
    ).toThrow(
      new IgnoreDifferencesConfigError(
        `argocd-cm key resource.customizations.ignoreDifferences.apps_Deployment: jqPathExpressions[0]: jq path expression ".spec | map(.x)": function 'map' is not supported; supported are select, empty, not, startswith, endswith, test, has, contains, length, type`,
      ),
    );
    expect(() =>
      DiffSettings.fromConfig({
        'resource.customizations.ignoreDifferences.a_b_c': 'jsonPointers: []',
      }),
    ).toThrow(
      /argocd-cm key resource.customizations.ignoreDifferences.a_b_c: the group and kind should read <group>_<Kind>/,
    );
    expect(() =>
      DiffSettings.fromConfig({
        'resource.customizations.ignoreDifferences.all': 'jsonPointers: /spec',
      }),
    ).toThrow(
      'argocd-cm key resource.customizations.ignoreDifferences.all: jsonPointers must be a list of strings',
    );
    expect(() =>
      DiffSettings.fromConfig({
        'resource.compareoptions': 'ignoreResourceStatusField: some',
      }),
    ).toThrow(
      'argocd-cm key resource.compareoptions: ignoreResourceStatusField "some" is not one of all, crd, none',
    );
  });
});

describe('IgnoreDifferences', () => {
  const ignore = new IgnoreDifferences(
    [
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      {
        group: 'apps',
        kind: 'Deployment',
        name: 'worker',
        jqPathExpressions: ['.spec.template.spec.containers[].image'],
      },
      {
        group: '*',
        kind: 'Stateful*',
        namespace: 'data',
        managedFieldsManagers: ['operator'],
      },
      {
        kind: 'ConfigMap',
        jsonPointers: ['/data/generated', '/spec/replicas'],
      },
    ],
    DiffSettings.fromConfig({
      'resource.compareoptions': 'ignoreResourceStatusField: none',
    }),
  );

  it('matches group and kind as globs, name and namespace exactly when set', () => {
    expect(
      summary(ignore.rulesFor('apps', 'Deployment', 'web', 'shop'))
        .jsonPointers,
    ).toEqual(['/spec/replicas']);
    expect(
      summary(ignore.rulesFor('apps', 'Deployment', 'worker', 'shop')),
    ).toEqual({
      jsonPointers: ['/spec/replicas'],
      jqPathExpressions: ['.spec.template.spec.containers[].image'],
      managedFieldsManagers: [],
    });
    expect(
      summary(ignore.rulesFor('apps', 'StatefulSet', 'db', 'data'))
        .managedFieldsManagers,
    ).toEqual(['operator']);
    expect(
      summary(ignore.rulesFor('apps', 'StatefulSet', 'db', 'other'))
        .managedFieldsManagers,
    ).toEqual([]);
    // An empty group matches only the core group.
    expect(
      summary(ignore.rulesFor('', 'ConfigMap', 'c', 'shop')).jsonPointers,
    ).toEqual(['/data/generated', '/spec/replicas']);
    expect(
      summary(ignore.rulesFor('example.com', 'ConfigMap', 'c', 'shop'))
        .jsonPointers,
    ).toEqual([]);
  });

  it('names the Application rule that cannot be used', () => {
    expect(
      () =>
        new IgnoreDifferences([
          {
            group: 'apps',
            kind: 'Deployment',
            jsonPointers: ['spec/replicas'],
          },
        ]),
    ).toThrow(
      `Application spec.ignoreDifferences[0] (apps/Deployment): jsonPointers[0]: JSON pointer "spec/replicas": it must start with '/' (for example /spec/replicas)`,
    );
    expect(
      () =>
        new IgnoreDifferences([
          { kind: 'Service', jqPathExpressions: ['.spec.ports[0:1]'] },
        ]),
    ).toThrow(
      'Application spec.ignoreDifferences[0] (Service): jqPathExpressions[0]: jq path expression ".spec.ports[0:1]": slices are not supported',
    );
  });
});
