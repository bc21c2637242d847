import { mockServices } from '@backstage/backend-test-utils';
import {
  ApplicationSourceRenderer,
  DefaultHealthAssessor,
  GitMirrorSource,
  ResourceTracking,
  type ClusterConfig,
  type KubernetesObject,
  type Renderer,
} from '@driftless/gitops-engine';
import { FAST_TIMINGS, startKubeSim, type KubeSim } from '@driftless/kube-sim';
import type { Knex } from 'knex';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseGitOpsStore } from '../../../database/GitOpsStore';
import {
  ApplicationController,
  type ApplicationControllerOptions,
} from '../ApplicationController';
import {
  DEFAULT_CONTROLLER_SETTINGS,
  type ControllerSettings,
} from '../readControllerConfig';

const run = promisify(execFile);

// Tests' git sees neither the host's nor the user's configuration.
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Driftless Test',
  GIT_AUTHOR_EMAIL: 'test@driftless.invalid',
  GIT_COMMITTER_NAME: 'Driftless Test',
  GIT_COMMITTER_EMAIL: 'test@driftless.invalid',
};

/** Runs git asynchronously (kube-sim serves from this very process, so nothing may block it). */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: GIT_ENV });
  return stdout.trim();
}

/** A bare "server" repository and a working clone that commits and pushes to it. */
export class TestGitRepo {
  private constructor(
    readonly root: string,
    readonly work: string,
    readonly bare: string,
  ) {}

  static async create(root: string, name = 'platform'): Promise<TestGitRepo> {
    const work = join(root, `${name}-work`);
    const bare = join(root, `${name}.git`);
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    return new TestGitRepo(root, work, bare);
  }

  get url(): string {
    return pathToFileURL(this.bare).href;
  }

  /** Writes (or, with null, deletes) files, commits, pushes the branch and returns the commit. */
  async commit(
    message: string,
    files: Record<string, string | null>,
    branch = 'main',
  ): Promise<string> {
    const current = await git(this.work, 'branch', '--show-current').catch(
      () => '',
    );
    if (current !== branch) {
      const exists = await git(
        this.work,
        'rev-parse',
        '--verify',
        '--quiet',
        branch,
      )
        .then(() => true)
        .catch(() => false);
      await git(
        this.work,
        'checkout',
        '--quiet',
        ...(exists ? [] : ['-b']),
        branch,
      );
    }
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) {
        await rm(full, { force: true });
      } else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    await git(this.work, 'add', '--all');
    await git(this.work, 'commit', '--quiet', '--allow-empty', '-m', message);
    await git(this.work, 'push', '--quiet', '--force', this.bare, branch);
    return git(this.work, 'rev-parse', 'HEAD');
  }
}

/** A Kustomize app: base Deployment + Service + generated ConfigMap, one overlay per environment. */
export function kustomizeAppFiles(
  app: string,
  image = 'nginx:1.27',
): Record<string, string> {
  return {
    [`apps/${app}/base/kustomization.yaml`]: [
      'resources: [deployment.yaml, service.yaml]',
      'configMapGenerator:',
      `  - name: ${app}-config`,
      '    literals: [LOG_LEVEL=info]',
      'labels:',
      `  - pairs: {app.kubernetes.io/name: ${app}}`,
      '    includeSelectors: true',
      '',
    ].join('\n'),
    [`apps/${app}/base/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: ${app}}`,
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {}}',
      '  template:',
      '    metadata: {labels: {}}',
      '    spec:',
      '      containers:',
      `        - {name: main, image: "${image}"}`,
      '',
    ].join('\n'),
    [`apps/${app}/base/service.yaml`]: [
      'apiVersion: v1',
      'kind: Service',
      `metadata: {name: ${app}}`,
      'spec:',
      '  selector: {}',
      '  ports: [{port: 80, targetPort: 8080}]',
      '',
    ].join('\n'),
    [`apps/${app}/overlays/dev/kustomization.yaml`]: [
      'resources: [../../base]',
      '',
    ].join('\n'),
  };
}

/** An Application manifest as YAML. */
export function applicationYaml(options: {
  name: string;
  repoURL: string;
  path: string;
  namespace?: string;
  destinationNamespace?: string;
  targetRevision?: string;
  project?: string;
  syncPolicy?: string;
  finalizers?: string[];
}): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${options.name}`,
    ...(options.namespace ? [`  namespace: ${options.namespace}`] : []),
    ...(options.finalizers
      ? ['  finalizers:', ...options.finalizers.map(f => `    - ${f}`)]
      : []),
    'spec:',
    `  project: ${options.project ?? 'default'}`,
    '  source:',
    `    repoURL: ${options.repoURL}`,
    `    targetRevision: ${options.targetRevision ?? 'main'}`,
    `    path: ${options.path}`,
    '  destination:',
    '    name: in-cluster',
    `    namespace: ${options.destinationNamespace ?? options.name}`,
    ...(options.syncPolicy ? ['  syncPolicy:', options.syncPolicy] : []),
    '',
  ].join('\n');
}

/** Polls until `probe` returns something truthy. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${
          lastError ? ` (last error: ${(lastError as Error).message})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** Settings for tests: no periodic refresh unless asked, short leases and waits. */
export const TEST_SETTINGS: ControllerSettings = {
  ...DEFAULT_CONTROLLER_SETTINGS,
  reconciliationPeriodMs: 0,
  reconciliationJitterMs: 0,
  concurrency: 4,
  leaseTtlMs: 3_000,
  clusterEventDebounceMs: 50,
  refreshWaitMs: 10_000,
  selfHealBackoff: { initialMs: 100, factor: 2, maxMs: 1_000 },
};

/** kube-sim, a temp dir, the real Git mirror and renderer: what every controller test shares. */
export class ControllerTestEnv {
  readonly tracking = new ResourceTracking();
  readonly health = new DefaultHealthAssessor();
  readonly logger = mockServices.logger.mock();
  private readonly controllers: ApplicationController[] = [];

  private constructor(
    readonly dir: string,
    readonly sim: KubeSim,
    readonly cluster: ClusterConfig,
  ) {}

  static async start(): Promise<ControllerTestEnv> {
    const dir = await mkdtemp(join(tmpdir(), 'driftless-controller-'));
    const sim = await startKubeSim({ timings: FAST_TIMINGS });
    const cluster: ClusterConfig = {
      name: 'in-cluster',
      server: sim.url,
      labels: {},
      auth: { provider: 'serviceAccount', token: sim.token! },
      caData: sim.caCertificate,
    };
    return new ControllerTestEnv(dir, sim, cluster);
  }

  async store(knex: Knex): Promise<DatabaseGitOpsStore> {
    return DatabaseGitOpsStore.create({
      database: { getClient: async () => knex },
    });
  }

  /** A controller on this env; `stop()` stops it. */
  controller(
    store: DatabaseGitOpsStore,
    options: Omit<Partial<ApplicationControllerOptions>, 'settings'> & {
      name?: string;
      settings?: Partial<ControllerSettings>;
      wrapRenderer?: (renderer: Renderer) => Renderer;
    } = {},
  ): ApplicationController {
    const name = options.name ?? `controller-${this.controllers.length}`;
    const renderer = new ApplicationSourceRenderer();
    const controller = new ApplicationController({
      store,
      clusters: {
        list: async () => [{ cluster: this.cluster, source: 'test' }],
      },
      git: new GitMirrorSource({
        cacheRoot: join(this.dir, `git-${name}`),
        branchResolutionTtlMs: 100,
      }),
      renderer: options.wrapRenderer?.(renderer) ?? renderer,
      health: this.health,
      tracking: this.tracking,
      logger: this.logger,
      holder: name,
      ...options,
      settings: { ...TEST_SETTINGS, ...options.settings },
    });
    this.controllers.push(controller);
    return controller;
  }

  /** Applies objects to kube-sim as a sync would (server-side apply as `driftless`). */
  async apply(objects: KubernetesObject[]): Promise<void> {
    const namespaces = new Set(
      objects
        .map(object => object.metadata.namespace)
        .filter((namespace): namespace is string => Boolean(namespace)),
    );
    this.sim.apply(
      [...namespaces].map(name => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      })) as never,
      { fieldManager: 'test-setup', force: true },
    );
    this.sim.apply(objects as never, {
      fieldManager: 'driftless',
      force: true,
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.controllers.map(controller => controller.stop()));
    await this.sim.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
