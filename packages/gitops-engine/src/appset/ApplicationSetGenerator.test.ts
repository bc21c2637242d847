import {
  ApplicationSetGenerationError,
  ApplicationSetGenerator,
  generateApplications,
} from './ApplicationSetGenerator';
import {
  ApplicationSetValidationError,
  parseApplicationSet,
} from './parseApplicationSet';

const base = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'guestbook', namespace: 'argocd' },
  spec: {
    generators: [
      {
        list: {
          elements: [{ cluster: 'engineering-dev', url: 'https://1.2.3.4' }],
        },
      },
    ],
    template: {
      metadata: { name: '{{cluster}}-guestbook' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://git.example/apps.git',
          path: 'guestbook/{{cluster}}',
        },
        destination: { server: '{{url}}', namespace: 'guestbook' },
      },
    },
  },
};
const withSpec = (spec: Record<string, unknown>) => ({
  ...base,
  spec: { ...base.spec, ...spec },
});

function problemsOf(document: unknown): string[] {
  try {
    parseApplicationSet(document, 'appset.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationSetValidationError);
    return (error as ApplicationSetValidationError).problems;
  }
  throw new Error('expected the document to be refused');
}

describe('parseApplicationSet', () => {
  it('accepts an Argo CD ApplicationSet and keeps unknown fields', () => {
    const document = withSpec({ somethingNewer: true });
    expect(parseApplicationSet(document)).toBe(document);
  });

  it.each([
    [{ ...base, kind: 'Application' }, 'kind: kind must be ApplicationSet'],
    [
      withSpec({ generators: [] }),
      'spec.generators: at least one generator is required',
    ],
    [
      withSpec({ generators: [{}] }),
      'spec.generators[0]: names no generator (list, clusters, git, scmProvider, pullRequest, matrix or merge)',
    ],
    [
      withSpec({ generators: [{ plugin: {} }] }),
      'spec.generators[0].plugin: the plugin generator is not supported by Driftless',
    ],
    [
      withSpec({ generators: [{ lists: {} }] }),
      "spec.generators[0]: unrecognized generator 'lists'",
    ],
    [
      withSpec({ generators: [{ git: { repoURL: 'r' } }] }),
      'spec.generators[0].git: set directories or files',
    ],
    [
      withSpec({ generators: [{ matrix: { generators: [{ list: {} }] } }] }),
      'spec.generators[0].matrix: found less than two generators, Matrix support only two',
    ],
    [
      withSpec({
        generators: [{ merge: { generators: [{ list: {} }, { list: {} }] } }],
      }),
      'spec.generators[0].merge.mergeKeys: no merge keys were specified',
    ],
    [
      withSpec({
        generators: [
          {
            matrix: { generators: [{ list: {}, clusters: {} }, { list: {} }] },
          },
        ],
      }),
      'spec.generators[0].matrix.generators[0]: a matrix or merge child must hold exactly one generator, found list and clusters',
    ],
    [
      withSpec({
        generators: [
          {
            matrix: {
              generators: [
                {
                  matrix: {
                    generators: [
                      { matrix: { generators: [{ list: {} }, { list: {} }] } },
                      { list: {} },
                    ],
                  },
                },
                { list: {} },
              ],
            },
          },
        ],
      }),
      'spec.generators[0].matrix.generators[0].matrix.generators[0].matrix: matrix may be nested only one level deep',
    ],
    [
      withSpec({ generators: [{ scmProvider: { github: {}, gitlab: {} } }] }),
      'spec.generators[0].scmProvider: set exactly one provider',
    ],
    [
      withSpec({ generators: [{ pullRequest: { azuredevops: {} } }] }),
      'spec.generators[0].pullRequest.azuredevops: Azure DevOps is not supported by Driftless',
    ],
    [
      withSpec({ goTemplateOptions: ['missingkey=panic'] }),
      "spec.goTemplateOptions: goTemplateOptions entry 'missingkey=panic'",
    ],
    [
      withSpec({ syncPolicy: { applicationsSync: 'everything' } }),
      'spec.syncPolicy.applicationsSync: must be one of create-only, create-update, create-delete, sync',
    ],
    [
      withSpec({ template: { metadata: { generateName: 'x-' }, spec: {} } }),
      'spec.template.metadata.generateName: is not supported',
    ],
  ])('names the wrong field (%#)', (document, problem) => {
    expect(problemsOf(document).join('\n')).toContain(problem);
  });
});

describe('generateApplications', () => {
  it('generates the Applications in the set namespace, with the resources finalizer', async () => {
    const result = await new ApplicationSetGenerator().generate(base);
    expect(result.applications).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'engineering-dev-guestbook',
          namespace: 'argocd',
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example/apps.git',
            path: 'guestbook/engineering-dev',
          },
          destination: { server: 'https://1.2.3.4', namespace: 'guestbook' },
        },
      },
    ]);
    expect(result.sources).toEqual([
      { generator: 'spec.generators[0].list', paramSet: 1 },
    ]);
  });

  it('uses a per-generator template over spec.template', async () => {
    const result = await generateApplications(
      withSpec({
        generators: [
          {
            list: {
              elements: [{ cluster: 'a', url: 'u' }],
              template: {
                metadata: { name: 'override-{{cluster}}' },
                spec: {},
              },
            },
          },
          { list: { elements: [{ cluster: 'b', url: 'u' }] } },
        ],
      }),
    );
    expect(result.applications.map(app => app.metadata.name)).toEqual([
      'override-a',
      'b-guestbook',
    ]);
    expect(result.applications[0].spec.source).toEqual({
      repoURL: 'https://git.example/apps.git',
      path: 'guestbook/a',
    });
  });

  it('refuses duplicate names, naming both generators and parameter sets, and generates nothing', async () => {
    const duplicate = withSpec({
      generators: [
        { list: { elements: [{ cluster: 'dev', url: 'a' }] } },
        {
          list: {
            elements: [
              { cluster: 'prod', url: 'b' },
              { cluster: 'dev', url: 'c' },
            ],
          },
        },
      ],
    });
    await expect(generateApplications(duplicate)).rejects.toThrow(
      'ApplicationSet guestbook: contains applications with duplicate name: dev-guestbook, generated from spec.generators[0].list parameter set 1 (cluster=dev, url=a) and from spec.generators[1].list parameter set 2 (cluster=dev, url=c)',
    );
  });

  it('refuses an Application without a name', async () => {
    const nameless = withSpec({
      template: { ...base.spec.template, metadata: { name: '{{missing}}' } },
      templatePatch: 'metadata:\n  name: ""\n',
    });
    await expect(generateApplications(nameless)).rejects.toThrow(
      'contains an application with no name',
    );
  });

  it('fails the whole generation on a template error, naming the parameter set (missingkey=error)', async () => {
    const error = await generateApplications(
      withSpec({
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        template: {
          ...base.spec.template,
          metadata: { name: '{{ .cluster }}-{{ .nope }}' },
        },
      }),
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApplicationSetGenerationError);
    expect(error.message).toContain(
      'spec.generators[0].list: error rendering the template with parameter set 1 (cluster=engineering-dev, url=https://1.2.3.4): failed to execute go template {{ .cluster }}-{{ .nope }}: template: base:1:18: executing "base" at <.nope>: map has no entry for key "nope"',
    );
    expect(error.generator).toBe('spec.generators[0].list');
  });

  it('applies templatePatch with the same parameters', async () => {
    const result = await generateApplications(
      withSpec({
        goTemplate: true,
        template: {
          metadata: { name: '{{ .cluster }}' },
          spec: { project: 'default', destination: { server: '{{ .url }}' } },
        },
        templatePatch:
          '{{- if eq .cluster "engineering-dev" }}\nspec:\n  syncPolicy:\n    automated: {}\n{{- end }}\n',
      }),
    );
    expect(result.applications[0].spec.syncPolicy).toEqual({ automated: {} });
  });
});
