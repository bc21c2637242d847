import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../__testUtils__/runCli';

// The engine's seed ApplicationSets and the repository they read.
const FIXTURES = resolve(
  __dirname,
  '../../../gitops-engine/src/appset/__fixtures__',
);
const REPO = join(FIXTURES, 'platform-repo');

const documentsOf = (text: string) =>
  parseAllDocuments(text).map(document => document.toJS());

describe('driftless appset generate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-cli-appset-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints the 9 Applications of the matrix seed as a YAML stream, in generation order', async () => {
    const result = await runCli(
      'appset',
      'generate',
      join(FIXTURES, 'seeds/matrix-envs-apps.yaml'),
      '--repo-root',
      REPO,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const applications = documentsOf(result.stdout);
    expect(applications.map(app => app.metadata.name)).toEqual([
      'api-dev',
      'web-dev',
      'worker-dev',
      'api-prod',
      'web-prod',
      'worker-prod',
      'api-staging',
      'web-staging',
      'worker-staging',
    ]);
    expect(applications).toEqual(
      documentsOf(
        await readFile(
          join(FIXTURES, 'seeds/matrix-envs-apps.expected.yaml'),
          'utf8',
        ),
      ),
    );
  });

  it('selects clusters from a clusters file shaped like gitops.clusters', async () => {
    const clusters = join(dir, 'clusters.yaml');
    await writeFile(
      clusters,
      `- name: prod-eu
  url: https://prod-eu.k8s.example.internal
  labels: {env: prod}
  annotations: {region: eu-west-1}
  authProvider: serviceAccount
  serviceAccountToken: not-needed-here
- name: dev
  url: https://dev.k8s.example.internal
  labels: {env: dev}
`,
    );
    const appSet = join(dir, 'appset.yaml');
    await writeFile(
      appSet,
      `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: guestbook}
spec:
  goTemplate: true
  generators:
    - clusters:
        selector: {matchLabels: {env: prod}}
  template:
    metadata:
      name: 'guestbook-{{ .name }}'
      annotations: {region: '{{ index .metadata.annotations "region" }}'}
    spec:
      project: default
      source: {repoURL: https://git.example.internal/apps.git, path: guestbook}
      destination: {server: '{{ .server }}', namespace: guestbook}
`,
    );
    const result = await runCli(
      'appset',
      'generate',
      appSet,
      '--clusters',
      clusters,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(documentsOf(result.stdout)).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'guestbook-prod-eu',
          annotations: { region: 'eu-west-1' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example.internal/apps.git',
            path: 'guestbook',
          },
          destination: {
            server: 'https://prod-eu.k8s.example.internal',
            namespace: 'guestbook',
          },
        },
      },
    ]);
  });

  it('exits 1 naming the problems of an invalid set', async () => {
    const appSet = join(dir, 'appset.yaml');
    await writeFile(
      appSet,
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec:\n  generators: [{matrix: {generators: [{list: {}}]}}]\n  template: {metadata: {name: x}, spec: {}}\n',
    );
    const result = await runCli('appset', 'generate', appSet);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `driftless: ${appSet} document 1 is not a valid ApplicationSet: spec.generators[0].matrix: found less than two generators, Matrix support only two\n`,
    );
  });

  it('exits 1 on a generation error, printing nothing on stdout', async () => {
    const result = await runCli(
      'appset',
      'generate',
      join(FIXTURES, 'seeds/monorepo-git-directories.yaml'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'ApplicationSet monorepo-apps: spec.generators[0].git: cannot read repository https://git.example.internal/platform.git at revision main: the set reads Git (https://git.example.internal/platform.git at main); pass --repo-root with a checkout of it',
    );
  });

  it('refuses a clusters file that is not a list of named clusters with URLs', async () => {
    const clusters = join(dir, 'clusters.yaml');
    await writeFile(clusters, '- name: a\n');
    const result = await runCli(
      'appset',
      'generate',
      join(FIXTURES, 'seeds/multi-env-list.yaml'),
      '--clusters',
      clusters,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `driftless: ${clusters} entry 1 (a) needs a url\n`,
    );
  });
});
