import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationSourceRenderer } from './ApplicationSourceRenderer';
import type {
  ApplicationSourceKustomize,
  KubernetesObject,
  RendererOptions,
  RenderRequest,
} from './types';
import {
  copyFixture,
  FIXTURES,
  readLines,
  removeTemporaryDirectories,
  snapshotTree,
  temporaryDirectory,
  writeLoggingKustomize,
  writeScript,
  renderError,
} from './__testUtils__';

jest.setTimeout(60_000);

const SHA = '9b2e7c41d0a3f5e6b7c8d9e0f1a2b3c4d5e6f7a8';
const KUSTOMIZE_FIXTURE = join(FIXTURES, 'kustomize');

function request(
  checkoutDir: string,
  path: string,
  kustomize?: ApplicationSourceKustomize,
): RenderRequest {
  return {
    checkoutDir,
    repoURL: 'https://git.example.com/web/deploy.git',
    sha: SHA,
    source: { path, ...(kustomize ? { kustomize } : {}) },
    appName: 'web-app',
    destinationNamespace: 'web',
  };
}

function find(objects: KubernetesObject[], kind: string): any {
  const found = objects.filter(object => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

afterAll(removeTemporaryDirectories);

describe('Kustomize overlays, rendered with the installed kubectl', () => {
  const renderer = new ApplicationSourceRenderer();

  it('renders dev: prefix, namespace, image tag, generator merge and a JSON patch', async () => {
    const result = await renderer.render(
      request(KUSTOMIZE_FIXTURE, 'overlays/dev'),
    );
    expect(result.sourceType).toBe('Kustomize');
    expect(result.renderedBy.tool).toBe('kubectl-kustomize');
    expect(result.renderedBy.version).toMatch(/kustomize v5\./);
    expect(result.objects.map(o => o.kind)).toEqual([
      'ConfigMap',
      'Service',
      'Deployment',
    ]);
    for (const object of result.objects) {
      expect(object.metadata.namespace).toBe('web-dev');
      expect(object.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'web',
      });
    }
    const configMap = find(result.objects, 'ConfigMap');
    expect(configMap.metadata.name).toMatch(/^dev-web-config-[a-z0-9]{10}$/);
    expect(configMap.data).toEqual({
      LOG_LEVEL: 'debug',
      'app.properties': 'greeting=hello\nfeature.search=on\n',
    });
    const deployment = find(result.objects, 'Deployment');
    expect(deployment.metadata.name).toBe('dev-web');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      component: 'frontend',
    });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/example/web:1.1.0-rc.1');
    expect(container.env).toEqual([{ name: 'ENVIRONMENT', value: 'dev' }]);
    // The generated name with its hash is what the Deployment refers to.
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap.metadata.name } },
    ]);
    expect(find(result.objects, 'Service').metadata.name).toBe('dev-web');
  });

  it('renders staging: replicas and a strategic-merge patch file', async () => {
    const { objects } = await renderer.render(
      request(KUSTOMIZE_FIXTURE, 'overlays/staging'),
    );
    const deployment = find(objects, 'Deployment');
    expect(deployment.metadata).toMatchObject({
      name: 'staging-web',
      namespace: 'web-staging',
    });
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/example/web:1.1.0');
    expect(container.resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '50m', memory: '64Mi' },
    });
    expect(find(objects, 'ConfigMap').data.LOG_LEVEL).toBe('info');
  });

  it('renders prod: image rename by digest, replicas, affinity, Service type patch', async () => {
    const { objects } = await renderer.render(
      request(KUSTOMIZE_FIXTURE, 'overlays/prod'),
    );
    const deployment = find(objects, 'Deployment');
    expect(deployment.metadata.name).toBe('prod-web');
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/web@sha256:3f2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
    );
    expect(
      deployment.spec.template.spec.affinity.podAntiAffinity
        .preferredDuringSchedulingIgnoredDuringExecution[0].weight,
    ).toBe(100);
    const service = find(objects, 'Service');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.namespace).toBe('web-prod');
  });

  it('detects Kustomize from the kustomization file and renders the base alone', async () => {
    const { objects, sourceType } = await renderer.render(
      request(KUSTOMIZE_FIXTURE, 'base'),
    );
    expect(sourceType).toBe('Kustomize');
    expect(objects.map(o => o.metadata.name)).toEqual([
      expect.stringMatching(/^web-config-/),
      'web',
      'web',
    ]);
  });
});

describe("the Application's source.kustomize options", () => {
  const renderer = new ApplicationSourceRenderer();
  let checkout: string;
  let untouched: Record<string, string>;

  beforeAll(async () => {
    checkout = await copyFixture('kustomize');
    untouched = await snapshotTree(checkout);
  });

  const staging = (options: ApplicationSourceKustomize) =>
    renderer.render(request(checkout, 'overlays/staging', options));

  it('namePrefix replaces the overlay prefix (not stacked), nameSuffix appends', async () => {
    const { objects } = await staging({
      namePrefix: 'blue-',
      nameSuffix: '-v2',
    });
    expect(find(objects, 'Deployment').metadata.name).toBe('blue-web-v2');
    expect(find(objects, 'Service').metadata.name).toBe('blue-web-v2');
    expect(find(objects, 'ConfigMap').metadata.name).toMatch(
      /^blue-web-config-v2-[a-z0-9]{10}$/,
    );
  });

  it('images override the overlay, with build-environment substitution and * to keep a field', async () => {
    const tagged = await staging({ images: ['ghcr.io/example/web:9.9.9'] });
    expect(
      find(tagged.objects, 'Deployment').spec.template.spec.containers[0].image,
    ).toBe('ghcr.io/example/web:9.9.9');

    const renamed = await staging({
      images: [
        'ghcr.io/example/web=mirror.example.com/web:${ARGOCD_APP_REVISION_SHORT}',
      ],
    });
    expect(
      find(renamed.objects, 'Deployment').spec.template.spec.containers[0]
        .image,
    ).toBe(`mirror.example.com/web:${SHA.slice(0, 7)}`);

    const kept = await renderer.render(
      request(checkout, 'overlays/prod', {
        images: ['ghcr.io/example/web=*:2.0.0'],
      }),
    );
    expect(
      find(kept.objects, 'Deployment').spec.template.spec.containers[0].image,
    ).toBe('registry.example.com/web:2.0.0');
  });

  it('replicas take numbers and numeric strings, and reject anything else', async () => {
    const { objects } = await staging({
      replicas: [{ name: 'web', count: '7' }],
    });
    expect(find(objects, 'Deployment').spec.replicas).toBe(7);

    const error = await renderError(
      renderer,
      request(checkout, 'overlays/staging', {
        replicas: [{ name: 'web', count: 'many' }],
      }),
    );
    expect(error.code).toBe('InvalidSource');
    expect(error.message).toContain(
      'expected integer value for count. Received: many',
    );
  });

  it('commonLabels go into selectors, unless labelWithoutSelector; labelIncludeTemplates adds them to pod templates', async () => {
    const withSelector = await staging({
      commonLabels: { team: '${ARGOCD_APP_NAME}' },
    });
    const deployment = find(withSelector.objects, 'Deployment');
    expect(deployment.metadata.labels.team).toBe('web-app');
    expect(deployment.spec.selector.matchLabels.team).toBe('web-app');
    expect(deployment.spec.template.metadata.labels.team).toBe('web-app');

    const withoutSelector = await staging({
      commonLabels: { team: 'payments' },
      labelWithoutSelector: true,
    });
    const plain = find(withoutSelector.objects, 'Deployment');
    expect(plain.metadata.labels.team).toBe('payments');
    expect(plain.spec.selector.matchLabels.team).toBeUndefined();
    expect(plain.spec.template.metadata.labels.team).toBeUndefined();

    const withTemplates = await staging({
      commonLabels: { team: 'payments' },
      labelWithoutSelector: true,
      labelIncludeTemplates: true,
    });
    const templated = find(withTemplates.objects, 'Deployment');
    expect(templated.spec.selector.matchLabels.team).toBeUndefined();
    expect(templated.spec.template.metadata.labels.team).toBe('payments');

    const invalid = await renderError(
      renderer,
      request(checkout, 'overlays/staging', {
        commonLabels: { team: 'payments' },
        labelIncludeTemplates: true,
      }),
    );
    expect(invalid.message).toContain(
      'labelIncludeTemplates needs source.kustomize.labelWithoutSelector',
    );
  });

  it('commonAnnotations are literal unless commonAnnotationsEnvsubst is set', async () => {
    const literal = await staging({
      commonAnnotations: { 'example.com/deployed-by': '$ARGOCD_APP_NAME' },
    });
    expect(
      find(literal.objects, 'Service').metadata.annotations[
        'example.com/deployed-by'
      ],
    ).toBe('$ARGOCD_APP_NAME');

    const substituted = await staging({
      commonAnnotations: { 'example.com/deployed-by': '$ARGOCD_APP_NAME' },
      commonAnnotationsEnvsubst: true,
    });
    expect(
      find(substituted.objects, 'Service').metadata.annotations[
        'example.com/deployed-by'
      ],
    ).toBe('web-app');
  });

  it('namespace overrides the overlay namespace', async () => {
    const { objects } = await staging({ namespace: 'web-blue' });
    expect(objects.every(o => o.metadata.namespace === 'web-blue')).toBe(true);
  });

  it('patches are appended after the overlay patches', async () => {
    const { objects } = await staging({
      patches: [
        {
          target: { kind: 'Deployment', name: 'web' },
          patch:
            '- op: add\n  path: /spec/template/metadata/annotations\n  value:\n    example.com/rollout: canary\n',
        },
      ],
    });
    const deployment = find(objects, 'Deployment');
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'example.com/rollout': 'canary',
    });
    expect(
      deployment.spec.template.spec.containers[0].resources.limits,
    ).toEqual({ cpu: '500m', memory: '256Mi' });
  });

  it('components are added; a missing one is an error unless ignoreMissingComponents', async () => {
    const { objects } = await staging({
      components: ['../../components/pdb'],
    });
    const budget = find(objects, 'PodDisruptionBudget');
    expect(budget.metadata).toMatchObject({
      name: 'staging-web',
      namespace: 'web-staging',
    });

    const missing = await renderError(
      renderer,
      request(checkout, 'overlays/staging', {
        components: ['../../components/pdb', '../../components/absent'],
      }),
    );
    expect(missing.code).toBe('InvalidSource');
    expect(missing.message).toContain(
      "components entry '../../components/absent' does not exist",
    );

    const ignored = await staging({
      components: ['../../components/pdb', '../../components/absent'],
      ignoreMissingComponents: true,
    });
    expect(ignored.objects.map(o => o.kind)).toContain('PodDisruptionBudget');
  });

  it('refuses to overwrite a label the kustomization sets, unless forceCommonLabels', async () => {
    const dir = await copyFixture('kustomize');
    await writeFile(
      join(dir, 'overlays', 'staging', 'kustomization.yaml'),
      'resources:\n  - ../../base\ncommonLabels:\n  team: platform\n',
    );
    const refused = await renderError(
      renderer,
      request(dir, 'overlays/staging', { commonLabels: { team: 'web' } }),
    );
    expect(refused.message).toContain(
      'label team already in kustomization file; set source.kustomize.forceCommonLabels',
    );
    expect(refused.location.file).toBe('overlays/staging/kustomization.yaml');

    const forced = await renderer.render(
      request(dir, 'overlays/staging', {
        commonLabels: { team: 'web' },
        forceCommonLabels: true,
      }),
    );
    expect(find(forced.objects, 'Service').metadata.labels.team).toBe('web');
  });

  // Runs last in this block: every option above was applied to a copy.
  it('leaves the checkout exactly as it was', async () => {
    expect(await snapshotTree(checkout)).toEqual(untouched);
  });
});

describe('Kustomize errors', () => {
  it('ends a tool failure with its stderr, without temporary paths', async () => {
    const workDir = await temporaryDirectory();
    const renderer = new ApplicationSourceRenderer({ workDir });
    const checkout = await copyFixture('kustomize');
    const error = await renderError(
      renderer,
      request(checkout, 'broken', { namePrefix: 'x-' }),
    );
    expect(error.code).toBe('ToolFailed');
    expect(error.message).toContain('kubectl kustomize failed (exit code 1)');
    expect(error.message).toContain('deployment-that-does-not-exist.yaml');
    expect(error.message).not.toContain(workDir);
    expect(error.message).not.toContain(checkout);
    // The copy the options were applied to is gone.
    expect(await readdir(workDir)).toEqual([]);

    const inPlace = await renderError(renderer, request(checkout, 'broken'));
    expect(inPlace.code).toBe('ToolFailed');
    expect(inPlace.message).toContain('deployment-that-does-not-exist.yaml');
    expect(inPlace.message).not.toContain(checkout);
  });

  it('refuses a per-app kustomize version rather than ignoring it', async () => {
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(KUSTOMIZE_FIXTURE, 'overlays/dev', { version: 'v4.5.7' }),
    );
    expect(error.code).toBe('Unsupported');
    expect(error.message).toContain("source.kustomize.version 'v4.5.7'");
  });

  it('refuses a remote base before running anything', async () => {
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(KUSTOMIZE_FIXTURE, 'remote-base'),
    );
    expect(error.code).toBe('RemoteBaseRefused');
    expect(error.location.file).toBe('remote-base/kustomization.yaml');
    expect(error.message).toContain(
      "lists the remote 'https://github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v5.4.3'",
    );
  });

  it('refuses a base outside the checkout, and a remote component from the Application', async () => {
    const root = await temporaryDirectory();
    const checkout = join(root, 'checkout');
    await mkdir(join(checkout, 'app'), { recursive: true });
    await mkdir(join(root, 'other-team'));
    await writeFile(
      join(root, 'other-team', 'kustomization.yaml'),
      'resources: [secret.yaml]\n',
    );
    await writeFile(
      join(root, 'other-team', 'secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: theirs}\n',
    );
    await writeFile(
      join(checkout, 'app', 'kustomization.yaml'),
      'resources:\n  - ../../other-team\n',
    );
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(renderer, request(checkout, 'app'));
    expect(error.code).toBe('OutsideCheckout');
    expect(error.message).toContain(
      "'app/kustomization.yaml' resources lists '../../other-team', which is outside the repository",
    );

    await writeFile(
      join(checkout, 'app', 'kustomization.yaml'),
      'resources: []\n',
    );
    const remote = await renderError(
      renderer,
      request(checkout, 'app', {
        components: ['github.com/example/components//pdb?ref=v1'],
      }),
    );
    expect(remote.code).toBe('RemoteBaseRefused');
  });

  it('refuses a checkout with a symlink leading out, before running the tool', async () => {
    const checkout = await copyFixture('kustomize');
    const outside = await temporaryDirectory();
    await symlink(outside, join(checkout, 'base', 'shared'));
    const runs: string[] = [];
    const renderer = new ApplicationSourceRenderer({
      runTool: async () => {
        runs.push('ran');
        return { stdout: '', stderr: '' };
      },
    });
    const error = await renderError(
      renderer,
      request(checkout, 'overlays/dev'),
    );
    expect(error.code).toBe('SymlinkOutsideCheckout');
    expect(error.location.file).toBe('base/shared');
    expect(runs).toEqual([]);
  });

  it('says what is missing when source.kustomize is set on a directory without a kustomization', async () => {
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(join(FIXTURES, 'directory'), 'app', { namePrefix: 'x-' }),
    );
    expect(error.code).toBe('InvalidSource');
    expect(error.message).toContain(
      "'app' has no kustomization.yaml, kustomization.yml or Kustomization",
    );
  });
});

describe('which Kustomize binary runs', () => {
  it('runs `kustomize build` when a kustomize binary is configured', async () => {
    const dir = await temporaryDirectory();
    const log = join(dir, 'invocations.log');
    const kustomize = await writeLoggingKustomize(dir, log);
    const renderer = new ApplicationSourceRenderer({
      tools: { kustomize: { command: kustomize } },
    });
    const result = await renderer.render(
      request(KUSTOMIZE_FIXTURE, 'overlays/dev'),
    );
    expect(result.renderedBy).toEqual({ tool: 'kustomize', version: 'v5.5.0' });
    expect(find(result.objects, 'Deployment').metadata.name).toBe('dev-web');
    expect(await readLines(log)).toEqual([
      'version',
      `build ${join(KUSTOMIZE_FIXTURE, 'overlays', 'dev')}`,
    ]);
  });

  it('finds kustomize on PATH in auto mode, else falls back to kubectl kustomize', async () => {
    const dir = await temporaryDirectory();
    const log = join(dir, 'invocations.log');
    await writeLoggingKustomize(dir, log);
    const withStandalone = new ApplicationSourceRenderer({
      tools: { envPath: `${dir}:${process.env.PATH}` },
    });
    expect(
      (await withStandalone.render(request(KUSTOMIZE_FIXTURE, 'overlays/dev')))
        .renderedBy.tool,
    ).toBe('kustomize');

    const emptyDir = await temporaryDirectory();
    const kubectlOnly = new ApplicationSourceRenderer({
      tools: { envPath: `${emptyDir}:${process.env.PATH}` },
    });
    expect(
      (await kubectlOnly.render(request(KUSTOMIZE_FIXTURE, 'overlays/dev')))
        .renderedBy.tool,
    ).toBe('kubectl-kustomize');
  });

  it('names the missing binary when the configured one does not exist', async () => {
    const renderer = new ApplicationSourceRenderer({
      tools: { kustomize: { command: '/nonexistent/bin/kustomize' } },
    });
    const error = await renderError(
      renderer,
      request(KUSTOMIZE_FIXTURE, 'overlays/dev'),
    );
    expect(error.code).toBe('ToolNotFound');
    expect(error.message).toContain(
      "a Kustomize source needs kustomize, and '/nonexistent/bin/kustomize' is not an executable file",
    );
  });

  it('stops a render that runs past its timeout', async () => {
    const dir = await temporaryDirectory();
    const slow = await writeScript(
      join(dir, 'kustomize'),
      'if [ "$1" = version ]; then echo v5.5.0; exit 0; fi\nexec sleep 30',
    );
    const options: RendererOptions = {
      tools: { kustomize: { command: slow } },
      timeoutMs: 500,
    };
    const renderer = new ApplicationSourceRenderer(options);
    const started = Date.now();
    const error = await renderError(
      renderer,
      request(KUSTOMIZE_FIXTURE, 'overlays/dev'),
    );
    expect(error.code).toBe('Timeout');
    expect(error.message).toContain(
      'the render took longer than 500 ms (stopped while running kustomize build)',
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
