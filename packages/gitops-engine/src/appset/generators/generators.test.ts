import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  generateApplications,
  generateParameterSets,
} from '../ApplicationSetGenerator';
import type { ApplicationSetGeneratorContext } from './context';
import { GoInt64, goStringMap, goStringSlice } from '../template/go/values';

const TEMPLATE = {
  metadata: { name: 'x' },
  spec: {
    project: 'default',
    destination: { server: 'https://kubernetes.default.svc' },
  },
};

function appSet(generators: unknown[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'set', namespace: 'argocd' },
    spec: { generators, template: TEMPLATE, ...extra },
  };
}

async function params(
  generators: unknown[],
  options: {
    goTemplate?: boolean;
    context?: ApplicationSetGeneratorContext;
  } = {},
) {
  const sets = await generateParameterSets(
    appSet(generators, { goTemplate: options.goTemplate ?? false }),
    options.context,
  );
  return sets.flatMap(set => set.params);
}

let repo: string;
async function writeRepo(files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
}
const git = (): ApplicationSetGeneratorContext => ({
  gitCheckout: async () => repo,
});

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'driftless-appset-'));
});
afterEach(() => rm(repo, { recursive: true, force: true }));

describe('list generator', () => {
  it.each([
    {
      name: 'flat: string values and values.<key>',
      goTemplate: false,
      elements: [{ cluster: 'c1', url: 'https://c1', values: { foo: 'bar' } }],
      expected: [{ cluster: 'c1', url: 'https://c1', 'values.foo': 'bar' }],
    },
    {
      name: 'goTemplate: the element as it is, numbers as float64',
      goTemplate: true,
      elements: [{ cluster: 'c1', replicas: 3, nested: { a: [1, 'b'] } }],
      expected: [{ cluster: 'c1', replicas: 3, nested: { a: [1, 'b'] } }],
    },
  ])('$name', async ({ goTemplate, elements, expected }) => {
    expect(await params([{ list: { elements } }], { goTemplate })).toEqual(
      expected,
    );
  });

  it('appends elementsYaml unchanged, after the elements', async () => {
    expect(
      await params([
        {
          list: {
            elements: [{ a: 'first' }],
            elementsYaml: '- a: second\n  num: 2\n- a: third\n',
          },
        },
      ]),
    ).toEqual([{ a: 'first' }, { a: 'second', num: 2 }, { a: 'third' }]);
  });

  it('refuses non-string values with fasttemplate, naming the key', async () => {
    await expect(
      params([{ list: { elements: [{ replicas: 3 }] } }]),
    ).rejects.toThrow(
      "spec.generators[0].list: element 1: error parsing value as string: 'replicas' is not a string",
    );
  });
});

describe('clusters generator', () => {
  const clusters = [
    {
      name: 'production_01/west',
      server: 'https://production-01.example.com',
      labels: { environment: 'production', org: 'bar' },
      annotations: { 'foo.argoproj.io': 'production' },
      project: 'shop',
    },
    {
      name: 'staging-01',
      server: 'https://staging-01.example.com',
      labels: { environment: 'staging', org: 'foo' },
    },
  ];
  const context = { clusters };

  it('gives every cluster, then the local in-cluster entry, with flat parameters', async () => {
    expect(
      await params(
        [
          {
            clusters: {
              values: {
                lol1: 'lol',
                lol2: '{{values.lol1}}{{values.lol1}}',
                foo: 'bar{{name}}',
              },
            },
          },
        ],
        { context },
      ),
    ).toEqual([
      {
        name: 'production_01/west',
        nameNormalized: 'production-01-west',
        server: 'https://production-01.example.com',
        project: 'shop',
        'metadata.labels.environment': 'production',
        'metadata.labels.org': 'bar',
        'metadata.annotations.foo.argoproj.io': 'production',
        'values.lol1': 'lol',
        // A value cannot refer to another value: the text stays as written.
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.foo': 'barproduction_01/west',
      },
      {
        name: 'staging-01',
        nameNormalized: 'staging-01',
        server: 'https://staging-01.example.com',
        project: '',
        'metadata.labels.environment': 'staging',
        'metadata.labels.org': 'foo',
        'values.lol1': 'lol',
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.foo': 'barstaging-01',
      },
      {
        name: 'in-cluster',
        nameNormalized: 'in-cluster',
        server: 'https://kubernetes.default.svc',
        project: '',
        'values.lol1': 'lol',
        'values.lol2': '{{values.lol1}}{{values.lol1}}',
        'values.foo': 'barin-cluster',
      },
    ]);
  });

  it.each([
    {
      selector: { matchLabels: { environment: 'production' } },
      names: ['production_01/west'],
    },
    {
      selector: {
        matchExpressions: [
          {
            key: 'environment',
            operator: 'In',
            values: ['staging', 'production'],
          },
        ],
      },
      names: ['production_01/west', 'staging-01'],
    },
    {
      selector: {
        matchExpressions: [{ key: 'org', operator: 'NotIn', values: ['foo'] }],
      },
      names: ['production_01/west'],
    },
    { selector: {}, names: ['production_01/west', 'staging-01', 'in-cluster'] },
  ])(
    'selects with $selector and adds in-cluster only without a selector',
    async ({ selector, names }) => {
      const result = await params([{ clusters: { selector } }], { context });
      expect(result.map(p => p.name)).toEqual(names);
    },
  );

  it('does not add in-cluster when a supplied cluster already has its server', async () => {
    const result = await params([{ clusters: {} }], {
      context: {
        clusters: [{ name: 'local', server: 'https://kubernetes.default.svc' }],
      },
    });
    expect(result.map(p => p.name)).toEqual(['local']);
  });

  it('nests metadata and values with goTemplate, and flatList gives one set', async () => {
    const [production] = await params(
      [
        {
          clusters: {
            selector: { matchLabels: { org: 'bar' } },
            values: { env: '{{ .metadata.labels.environment }}' },
          },
        },
      ],
      {
        goTemplate: true,
        context,
      },
    );
    expect(production).toEqual({
      name: 'production_01/west',
      nameNormalized: 'production-01-west',
      server: 'https://production-01.example.com',
      project: 'shop',
      metadata: {
        labels: { environment: 'production', org: 'bar' },
        annotations: { 'foo.argoproj.io': 'production' },
      },
      values: { env: 'production' },
    });
    const flat = await params([{ clusters: { flatList: true } }], {
      goTemplate: true,
      context,
    });
    expect(flat).toHaveLength(1);
    expect((flat[0].clusters as unknown[]).map((c: any) => c.name)).toEqual([
      'production_01/west',
      'staging-01',
      'in-cluster',
    ]);
  });

  it('fails when the caller supplied no clusters', async () => {
    await expect(params([{ clusters: {} }])).rejects.toThrow(
      'no cluster list was supplied',
    );
  });
});

describe('git directories generator', () => {
  beforeEach(() =>
    writeRepo({
      'p/app1/k.yaml': '',
      'p/app2/k.yaml': '',
      'p/app3/k.yaml': '',
      'p/app3/deep/k.yaml': '',
      'p/Upper_Case/k.yaml': '',
      'p/.hidden/k.yaml': '',
      'q/app4/k.yaml': '',
    }),
  );
  const directories = (items: unknown[], extra = {}) => [
    {
      git: {
        repoURL: 'https://git.example/repo.git',
        revision: 'main',
        directories: items,
        ...extra,
      },
    },
  ];

  it('matches with path.Match (no crossing of /), and any exclude wins whatever the order', async () => {
    const includeFirst = await params(
      directories([{ path: 'p/*' }, { path: 'p/app3', exclude: true }]),
      { context: git() },
    );
    const excludeFirst = await params(
      directories([{ path: 'p/app3', exclude: true }, { path: 'p/*' }]),
      { context: git() },
    );
    expect(includeFirst.map(p => p.path)).toEqual([
      'p/Upper_Case',
      'p/app1',
      'p/app2',
    ]);
    expect(excludeFirst).toEqual(includeFirst);
  });

  it('gives path, basename, basenameNormalized and non-empty segments (flat)', async () => {
    expect(
      await params(
        directories([{ path: 'p/Upper_Case' }], {
          values: { where: '{{path[0]}}' },
        }),
        { context: git() },
      ),
    ).toEqual([
      {
        path: 'p/Upper_Case',
        'path.basename': 'Upper_Case',
        'path.basenameNormalized': 'upper-case',
        'path[0]': 'p',
        'path[1]': 'Upper_Case',
        'values.where': 'p',
      },
    ]);
  });

  it('nests under path (goTemplate) and honours pathParamPrefix in both modes', async () => {
    expect(
      await params(directories([{ path: 'q/*' }]), {
        goTemplate: true,
        context: git(),
      }),
    ).toEqual([
      {
        path: {
          path: 'q/app4',
          basename: 'app4',
          basenameNormalized: 'app4',
          segments: ['q', 'app4'],
        },
      },
    ]);
    expect(
      await params(directories([{ path: 'q/*' }], { pathParamPrefix: 'app' }), {
        goTemplate: true,
        context: git(),
      }),
    ).toEqual([
      {
        app: {
          path: {
            path: 'q/app4',
            basename: 'app4',
            basenameNormalized: 'app4',
            segments: ['q', 'app4'],
          },
        },
      },
    ]);
    expect(
      await params(directories([{ path: 'q/*' }], { pathParamPrefix: 'app' }), {
        context: git(),
      }),
    ).toEqual([
      {
        'app.path': 'q/app4',
        'app.path.basename': 'app4',
        'app.path.basenameNormalized': 'app4',
        'app.path[0]': 'q',
        'app.path[1]': 'app4',
      },
    ]);
  });

  it('names the repository and revision when the checkout fails, and refuses malformed patterns', async () => {
    await expect(
      params(directories([{ path: 'p/*' }]), {
        context: {
          gitCheckout: async () => Promise.reject(new Error('unreachable')),
        },
      }),
    ).rejects.toThrow(
      'spec.generators[0].git: cannot read repository https://git.example/repo.git at revision main: unreachable',
    );
    await expect(
      params(directories([{ path: 'p/[' }]), { context: git() }),
    ).rejects.toThrow("invalid path pattern 'p/[': a '[' is not closed");
  });
});

describe('git files generator', () => {
  beforeEach(() =>
    writeRepo({
      'cluster-config/production/config.json': JSON.stringify({
        cluster: {
          owner: 'john.doe@example.com',
          name: 'production',
          address: 'https://kubernetes.default.svc',
        },
        key1: 'val1',
        key3: 123,
        big: 1000000,
        ratio: 1.5,
        enabled: true,
        list: ['a', 'b'],
      }),
      'cluster-config/staging/config.json': '{"cluster": {"name": "staging"}}',
      'cluster-config/test/config.yaml':
        '- name: one\n  flag: yes\n- name: two\n',
      'cluster-config/deep/nested/config.json':
        '{"cluster": {"name": "nested"}}',
      'cluster-config/bad/config.json': 'just a string',
    }),
  );
  const files = (items: unknown[], extra = {}) => [
    {
      git: {
        repoURL: 'https://git.example/repo.git',
        revision: 'main',
        files: items,
        ...extra,
      },
    },
  ];

  it('flattens with dots and %v, adds path parameters, sorted by path', async () => {
    const result = await params(
      files([
        { path: 'cluster-config/production/config.json' },
        { path: 'cluster-config/staging/config.json' },
      ]),
      { context: git() },
    );
    expect(result).toEqual([
      {
        'cluster.owner': 'john.doe@example.com',
        'cluster.name': 'production',
        'cluster.address': 'https://kubernetes.default.svc',
        key1: 'val1',
        key3: '123',
        big: '1e+06',
        ratio: '1.5',
        enabled: 'true',
        'list.0': 'a',
        'list.1': 'b',
        path: 'cluster-config/production',
        'path.basename': 'production',
        'path.filename': 'config.json',
        'path.basenameNormalized': 'production',
        'path.filenameNormalized': 'config.json',
        'path[0]': 'cluster-config',
        'path[1]': 'production',
      },
      expect.objectContaining({
        'cluster.name': 'staging',
        path: 'cluster-config/staging',
      }),
    ]);
  });

  it('gives one set per list element (YAML 1.1 booleans) and nests with goTemplate', async () => {
    const result = await params(
      files([{ path: 'cluster-config/test/config.yaml' }]),
      { goTemplate: true, context: git() },
    );
    const path = {
      path: 'cluster-config/test',
      basename: 'test',
      filename: 'config.yaml',
      basenameNormalized: 'test',
      filenameNormalized: 'config.yaml',
      segments: ['cluster-config', 'test'],
    };
    expect(result).toEqual([
      { name: 'one', flag: true, path },
      { name: 'two', path },
    ]);
  });

  it.each([
    { globbing: 'legacy' as const, names: ['nested', 'production', 'staging'] },
    { globbing: 'doublestar' as const, names: ['production', 'staging'] },
  ])(
    'globs like Argo CD in $globbing mode, with excludes removing files',
    async ({ globbing, names }) => {
      const result = await params(
        files([
          { path: 'cluster-config/*/config.json' },
          { path: 'cluster-config/bad/*', exclude: true },
        ]),
        { goTemplate: true, context: { ...git(), gitFileGlobbing: globbing } },
      );
      expect(result.map((p: any) => p.cluster.name)).toEqual(names);
    },
  );

  it('doublestar ** spans directories', async () => {
    const result = await params(
      files([{ path: 'cluster-config/**/nested/*.json' }]),
      {
        goTemplate: true,
        context: { ...git(), gitFileGlobbing: 'doublestar' },
      },
    );
    expect(result.map((p: any) => p.cluster.name)).toEqual(['nested']);
  });

  it('names the file and repository of a file it cannot use', async () => {
    await expect(
      params(files([{ path: 'cluster-config/bad/config.json' }]), {
        context: git(),
      }),
    ).rejects.toThrow(
      "unable to process file 'cluster-config/bad/config.json' from repository 'https://git.example/repo.git' at revision main",
    );
  });
});

describe('matrix generator', () => {
  const list = (elements: unknown[]) => ({ list: { elements } });

  it('gives the cartesian product, the second child interpolated with the first', async () => {
    const result = await params([
      {
        matrix: {
          generators: [
            list([{ env: 'dev' }, { env: 'prod' }]),
            list([
              { app: 'web', ns: '{{env}}-web' },
              { app: 'api', ns: '{{env}}-api' },
            ]),
          ],
        },
      },
    ]);
    expect(result).toEqual([
      { env: 'dev', app: 'web', ns: 'dev-web' },
      { env: 'dev', app: 'api', ns: 'dev-api' },
      { env: 'prod', app: 'web', ns: 'prod-web' },
      { env: 'prod', app: 'api', ns: 'prod-api' },
    ]);
  });

  it('refuses conflicting flat keys but accepts equal ones', async () => {
    await expect(
      params([
        { matrix: { generators: [list([{ a: '1' }]), list([{ a: '2' }])] } },
      ]),
    ).rejects.toThrow('found duplicate key a with different value, a: 1 ,b: 2');
    expect(
      await params([
        {
          matrix: {
            generators: [list([{ a: '1' }]), list([{ a: '1', b: '2' }])],
          },
        },
      ]),
    ).toEqual([{ a: '1', b: '2' }]);
  });

  it('lets the first child win with goTemplate, merging nested maps', async () => {
    const result = await params(
      [
        {
          matrix: {
            generators: [
              list([{ a: '1', nested: { x: 'first' } }]),
              list([{ a: '2', b: '3', nested: { x: 'second', y: 'second' } }]),
            ],
          },
        },
      ],
      { goTemplate: true },
    );
    expect(result).toEqual([
      { a: '1', b: '3', nested: { x: 'first', y: 'second' } },
    ]);
  });

  it('resolves the second child values from the first, keeping its own keys for later', async () => {
    const result = await params(
      [
        {
          matrix: {
            generators: [
              list([{ path: { basename: 'guestbook' } }]),
              {
                clusters: {
                  values: {
                    env: '{{ .path.basename }}',
                    cluster: '{{ .name }}',
                  },
                },
              },
            ],
          },
        },
      ],
      {
        goTemplate: true,
        context: {
          clusters: [{ name: 'c1', server: 'https://c1', labels: { a: 'b' } }],
        },
      },
    );
    expect(result[0].values).toEqual({ env: 'guestbook', cluster: 'c1' });
  });

  it('nests a matrix and a merge one level deep', async () => {
    const result = await params([
      {
        matrix: {
          generators: [
            {
              matrix: {
                generators: [
                  list([{ a: '1' }, { a: '2' }]),
                  list([{ b: 'x' }, { b: 'y' }]),
                ],
              },
            },
            {
              merge: {
                mergeKeys: ['c'],
                generators: [
                  list([{ c: 'k', d: 'base' }]),
                  list([{ c: 'k', d: 'override' }]),
                ],
              },
            },
          ],
        },
      },
    ]);
    expect(result).toEqual([
      { a: '1', b: 'x', c: 'k', d: 'override' },
      { a: '1', b: 'y', c: 'k', d: 'override' },
      { a: '2', b: 'x', c: 'k', d: 'override' },
      { a: '2', b: 'y', c: 'k', d: 'override' },
    ]);
  });

  it.each([1, 3])('refuses %i children', async count => {
    await expect(
      params([
        {
          matrix: {
            generators: Array.from({ length: count }, () => list([{ a: '1' }])),
          },
        },
      ]),
    ).rejects.toThrow(
      count < 2
        ? 'found less than two generators, Matrix support only two'
        : 'found more than two generators, Matrix support only two',
    );
  });
});

describe('merge generator', () => {
  const list = (elements: unknown[]) => ({ list: { elements } });

  it('left-joins on the merge keys, later generators overriding, unmatched sets dropped', async () => {
    expect(
      await params([
        {
          merge: {
            mergeKeys: ['a'],
            generators: [
              list([
                { a: '1', b: '2' },
                { a: '3', b: '4' },
              ]),
              list([
                { a: '1', b: 'override' },
                { a: 'unmatched', b: 'x' },
              ]),
              list([{ a: '3', c: 'added' }]),
            ],
          },
        },
      ]),
    ).toEqual([
      { a: '1', b: 'override' },
      { a: '3', b: '4', c: 'added' },
    ]);
  });

  it('joins on several keys, and deep-merges with goTemplate', async () => {
    expect(
      await params(
        [
          {
            merge: {
              mergeKeys: ['server', 'env'],
              generators: [
                list([
                  { server: 's', env: 'dev', values: { a: '1', b: '1' } },
                  { server: 's', env: 'prod' },
                ]),
                list([{ server: 's', env: 'dev', values: { b: '2' } }]),
              ],
            },
          },
        ],
        { goTemplate: true },
      ),
    ).toEqual([
      { server: 's', env: 'dev', values: { a: '1', b: '2' } },
      { server: 's', env: 'prod' },
    ]);
  });

  it('refuses parameter sets that are not unique by the merge keys', async () => {
    await expect(
      params([
        {
          merge: {
            mergeKeys: ['a'],
            generators: [list([{ a: '1' }, { a: '1' }]), list([{ a: '1' }])],
          },
        },
      ]),
    ).rejects.toThrow(
      'Merge requires all param sets to be unique. Duplicate key was {"a":"1"}',
    );
  });
});

describe('post-generation selector', () => {
  it('filters on flattened parameters, values included (flat and goTemplate)', async () => {
    const elements = [
      { name: 'a', values: { foo: 'bar' } },
      { name: 'b', values: { foo: 'baz' } },
    ];
    const selector = { matchLabels: { 'values.foo': 'bar' } };
    expect(
      (await params([{ list: { elements }, selector }])).map(p => p.name),
    ).toEqual(['a']);
    expect(
      (
        await params([{ list: { elements }, selector }], { goTemplate: true })
      ).map(p => p.name),
    ).toEqual(['a']);
  });

  it('matches values Kubernetes labels could not hold, such as URLs', async () => {
    const result = await params([
      {
        list: {
          elements: [
            { server: 'https://a.example:6443' },
            { server: 'https://b.example' },
          ],
        },
        selector: {
          matchExpressions: [
            {
              key: 'server',
              operator: 'In',
              values: ['https://a.example:6443'],
            },
          ],
        },
      },
    ]);
    expect(result).toEqual([{ server: 'https://a.example:6443' }]);
  });
});

describe('requeue interval', () => {
  it.each([
    { generators: [{ list: { elements: [{ a: '1' }] } }], expected: undefined },
    {
      generators: [{ git: { repoURL: 'r', directories: [{ path: '*' }] } }],
      expected: 180_000,
    },
    {
      generators: [
        {
          git: {
            repoURL: 'r',
            requeueAfterSeconds: 30,
            directories: [{ path: '*' }],
          },
        },
      ],
      expected: 30_000,
    },
    {
      generators: [
        {
          matrix: {
            generators: [
              {
                git: {
                  repoURL: 'r',
                  requeueAfterSeconds: 600,
                  directories: [{ path: '*' }],
                },
              },
              { list: { elements: [{ a: '1' }] } },
            ],
          },
        },
        {
          git: {
            repoURL: 'r',
            requeueAfterSeconds: 900,
            directories: [{ path: '*' }],
          },
        },
      ],
      expected: 600_000,
    },
  ])('is $expected ms', async ({ generators, expected }) => {
    await writeRepo({ 'dir/file': '' });
    const result = await generateApplications(
      {
        ...appSet(generators),
        spec: {
          ...appSet(generators).spec,
          template: {
            ...TEMPLATE,
            metadata: { name: 'app-{{path.basename}}{{a}}' },
          },
        },
      },
      git(),
    );
    expect(result.requeueAfterMs).toBe(expected);
  });
});

it('types Go values as Argo CD does: labels map[string]string, segments []string, ids int64', () => {
  // The helpers mark values so templates and selectors treat them as Go would.
  expect(goStringMap({ a: 'b' })).toEqual({ a: 'b' });
  expect(goStringSlice(['a'])).toEqual(['a']);
  expect(new GoInt64(12n).toJSON()).toBe(12);
});
