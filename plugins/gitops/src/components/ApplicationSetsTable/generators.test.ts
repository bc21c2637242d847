import { describeGenerator } from './generators';

describe('describeGenerator', () => {
  it.each([
    [
      { list: { elements: [{ env: 'dev' }, { env: 'prod' }] } },
      'List of 2 elements',
    ],
    [{ list: { elements: [{ env: 'dev' }] } }, 'List of 1 element'],
    [{ clusters: {} }, 'All clusters'],
    [
      {
        clusters: {
          selector: {
            matchLabels: { env: 'prod' },
            matchExpressions: [
              { key: 'region', operator: 'In', values: ['eu', 'us'] },
            ],
          },
        },
      },
      'Clusters where env=prod,region in (eu,us)',
    ],
    [
      {
        git: {
          repoURL: 'https://github.com/acme/addons.git',
          revision: 'main',
          directories: [
            { path: 'addons/*' },
            { path: 'addons/old', exclude: true },
          ],
        },
      },
      'Git directories addons/*, !addons/old in https://github.com/acme/addons.git @ main',
    ],
    [
      {
        git: {
          repoURL: 'https://github.com/acme/config.git',
          files: [{ path: 'clusters/*/config.json' }],
        },
      },
      'Git files clusters/*/config.json in https://github.com/acme/config.git',
    ],
    [
      {
        matrix: {
          generators: [
            { clusters: { selector: { matchLabels: { env: 'prod' } } } },
            { list: { elements: [{ app: 'a' }] } },
          ],
        },
      },
      'Matrix of (Clusters where env=prod) × (List of 1 element)',
    ],
    [
      {
        merge: {
          mergeKeys: ['server'],
          generators: [{ clusters: {} }, { list: { elements: [] } }],
        },
      },
      'Merge on server of (All clusters), (List of 0 elements)',
    ],
    [
      { scmProvider: { github: { organization: 'acme' }, filters: [] } },
      'SCM provider github acme',
    ],
    [
      { pullRequest: { github: { owner: 'acme', repo: 'shop' } } },
      'Pull requests on github acme/shop',
    ],
    [
      {
        list: { elements: [{ env: 'dev' }] },
        selector: { matchLabels: { env: 'dev' } },
      },
      'List of 1 element, where env=dev',
    ],
    [{ somethingNew: {} }, 'somethingNew generator'],
  ])('describes %j as %p', (generator, expected) => {
    expect(describeGenerator(generator)).toBe(expected);
  });
});
