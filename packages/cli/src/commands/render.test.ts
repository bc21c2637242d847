import {
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../__testUtils__/runCli';

// The engine's Kustomize fixture: a base and dev/staging/prod overlays.
const KUSTOMIZE_FIXTURE = resolve(
  __dirname,
  '../../../gitops-engine/src/render/__fixtures__/kustomize',
);

const application = (source: Record<string, unknown>) => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop-prod
spec:
  project: default
  source: ${JSON.stringify(source)}
  destination:
    name: in-cluster
    namespace: shop-prod
`;

function objectsOf(yamlText: string) {
  return parseAllDocuments(yamlText).map(document => document.toJS());
}

describe('driftless render', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'driftless-cli-render-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('renders a Kustomize overlay from a local directory with kubectl kustomize', async () => {
    const appFile = join(dir, 'app.yaml');
    await writeFile(
      appFile,
      application({
        repoURL: 'https://git.example.internal/shop.git',
        path: 'overlays/prod',
      }),
    );

    const result = await runCli(
      'render',
      appFile,
      '--repo-root',
      KUSTOMIZE_FIXTURE,
    );

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const objects = objectsOf(result.stdout);
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment.metadata.namespace).toBeDefined();
    expect(deployment.spec.replicas).toBeGreaterThan(1);
    expect(objects.map(o => o.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'Service']),
    );
  });

  it('clones the repository at targetRevision when no --repo-root is given', async () => {
    const repo = join(dir, 'repo');
    await cp(KUSTOMIZE_FIXTURE, repo, { recursive: true });
    const git = (...args: string[]) => {
      const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(result.stderr);
    };
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'init',
    );
    const appFile = join(dir, 'app.yaml');
    await writeFile(
      appFile,
      application({
        repoURL: `file://${repo}`,
        targetRevision: 'main',
        path: 'overlays/dev',
      }),
    );

    const result = await runCli(
      'render',
      appFile,
      '--cache-dir',
      join(dir, 'cache'),
      '-o',
      'json',
    );

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const kinds = (JSON.parse(result.stdout) as Array<{ kind: string }>).map(
      o => o.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service']));
  });

  it('names what is wrong with an invalid Application', async () => {
    const appFile = join(dir, 'app.yaml');
    await writeFile(
      appFile,
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop}\nspec:\n  destination: {namespace: x}\n',
    );
    const result = await runCli('render', appFile);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `driftless: ${appFile} document 1 is not a valid Application: spec: set source or sources; spec.destination: set server or name\n`,
    );
  });

  it('reports a render error with the file and document', async () => {
    const repo = join(dir, 'repo');
    await cp(KUSTOMIZE_FIXTURE, repo, { recursive: true });
    await writeFile(
      join(repo, 'bad.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
    );
    const appFile = join(dir, 'app.yaml');
    await writeFile(
      appFile,
      application({
        repoURL: 'https://git.example.internal/x.git',
        path: '.',
        directory: { include: 'bad.yaml' },
      }),
    );
    const result = await runCli('render', appFile, '--repo-root', repo);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /file 'bad\.yaml', document 1.*metadata\.name/,
    );
  });

  it('says when the file has no Application', async () => {
    const appFile = join(dir, 'app.yaml');
    await writeFile(
      appFile,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    );
    const result = await runCli('render', appFile);
    expect(result).toMatchObject({
      code: 1,
      stderr: `driftless: ${appFile} has no Application\n`,
    });
  });

  it('renders every Application of the demo repository (examples/)', async () => {
    const examples = resolve(__dirname, '../../../../examples');
    const bootstrap = join(examples, 'bootstrap');
    const applications: Array<{ file: string; namespace: string }> = [];
    for (const file of await readdir(bootstrap)) {
      const text = await readFile(join(bootstrap, file), 'utf8');
      if (!/^kind: Application$/m.test(text)) continue;
      const namespace = /^ {4}namespace: (\S+)$/m.exec(text)?.[1];
      applications.push({ file, namespace: namespace! });
    }
    // The shop apps and the platform's argo-rollouts app, at least.
    expect(applications.length).toBeGreaterThanOrEqual(10);
    for (const { file, namespace } of applications) {
      const result = await runCli(
        'render',
        join(bootstrap, file),
        '--repo-root',
        examples,
      );
      expect({ file, stderr: result.stderr }).toEqual({ file, stderr: '' });
      const objects = objectsOf(result.stdout);
      expect(objects.length).toBeGreaterThan(0);
      // Kustomize puts every namespaced object into the app's destination.
      const elsewhere = objects
        .map(object => object.metadata.namespace)
        .filter(found => found !== undefined && found !== namespace);
      expect({ file, elsewhere }).toEqual({ file, elsewhere: [] });
    }
  });
});
