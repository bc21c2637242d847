import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationSourceRenderer } from './ApplicationSourceRenderer';
import type {
  ApplicationSourceHelm,
  KubernetesObject,
  RenderRequest,
} from './types';
import {
  copyFixture,
  recordingRunner,
  removeTemporaryDirectories,
  snapshotTree,
  temporaryDirectory,
  renderError,
} from './__testUtils__';

jest.setTimeout(60_000);

const SHA = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e';

function request(
  checkoutDir: string,
  helm?: ApplicationSourceHelm,
  extra: Partial<RenderRequest> = {},
): RenderRequest {
  return {
    checkoutDir,
    repoURL: 'https://git.example.com/charts.git',
    sha: SHA,
    source: { path: 'web', ...(helm ? { helm } : {}) },
    appName: 'web-app',
    destinationNamespace: 'web',
    ...extra,
  };
}

function find(objects: KubernetesObject[], kind: string): any {
  const found = objects.filter(object => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

const env = (deployment: any) =>
  Object.fromEntries(
    deployment.spec.template.spec.containers[0].env.map(
      (entry: { name: string; value: string }) => [entry.name, entry.value],
    ),
  );

/** The chart fixture with its file:// dependency already in charts/, as a vendored repo would have it. */
async function vendoredChart(): Promise<string> {
  const checkout = await copyFixture('helm');
  await cp(
    join(checkout, 'common-labels'),
    join(checkout, 'web', 'charts', 'common-labels'),
    { recursive: true },
  );
  return checkout;
}

afterAll(removeTemporaryDirectories);

describe('Helm charts from Git, rendered with the installed helm', () => {
  let checkout: string;
  const renderer = new ApplicationSourceRenderer();

  beforeAll(async () => {
    checkout = await vendoredChart();
  });

  it('uses the app name as release name and the destination namespace, with CRDs and test hooks', async () => {
    const result = await renderer.render(request(checkout));
    expect(result.sourceType).toBe('Helm');
    expect(result.renderedBy.tool).toBe('helm');
    expect(result.renderedBy.version).toMatch(/^v3\./);
    expect(result.objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition/widgets.example.com',
      'ConfigMap/web-app-config',
      'Service/web-app-web',
      'Deployment/web-app-web',
      'Pod/web-app-test-connection',
    ]);
    const configMap = find(result.objects, 'ConfigMap');
    expect(configMap.metadata.namespace).toBe('web');
    // The labels come from the library chart dependency.
    expect(configMap.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web-app',
      'app.kubernetes.io/managed-by': 'Helm',
      team: 'web',
    });
    const deployment = find(result.objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example/web:1.0.0',
    );
  });

  it('applies releaseName, namespace, valueFiles, values, parameters and fileParameters in Helm order', async () => {
    const { objects } = await renderer.render(
      request(checkout, {
        releaseName: 'shop',
        namespace: 'shop-system',
        valueFiles: ['values-prod.yaml'],
        values: 'config:\n  logLevel: warn\n',
        parameters: [
          { name: 'replicaCount', value: '5' },
          { name: 'image.tag', value: '1.10', forceString: true },
          { name: 'team', value: 'checkout,payments' },
        ],
        fileParameters: [{ name: 'config.extra', path: 'config/app.conf' }],
      }),
    );
    const deployment = find(objects, 'Deployment');
    expect(deployment.metadata.name).toBe('shop-web');
    expect(deployment.metadata.labels.team).toBe('checkout,payments');
    expect(deployment.spec.replicas).toBe(5);
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example/web:1.10',
    );
    expect(find(objects, 'Service').spec.type).toBe('LoadBalancer');
    const configMap = find(objects, 'ConfigMap');
    expect(configMap.metadata.namespace).toBe('shop-system');
    expect(configMap.data).toEqual({
      logLevel: 'warn',
      'app.conf': 'listen = 0.0.0.0:8080\nworkers = 4\n',
    });
  });

  it('prefers valuesObject to values, and substitutes the build environment in parameters', async () => {
    const { objects } = await renderer.render(
      request(checkout, {
        values: 'config:\n  logLevel: warn\n',
        valuesObject: { config: { logLevel: 'error' } },
        parameters: [{ name: 'team', value: '${ARGOCD_APP_NAMESPACE}-team' }],
      }),
    );
    expect(find(objects, 'ConfigMap').data.logLevel).toBe('error');
    expect(find(objects, 'Deployment').metadata.labels.team).toBe('web-team');
  });

  it('skips CRDs and tests when asked', async () => {
    const { objects } = await renderer.render(
      request(checkout, { skipCrds: true, skipTests: true }),
    );
    expect(objects.map(o => o.kind)).toEqual([
      'ConfigMap',
      'Service',
      'Deployment',
    ]);
  });

  it('passes the kube version and API versions, from the source or else from the cluster', async () => {
    const fromCluster = await renderer.render(
      request(checkout, undefined, {
        kubeVersion: 'v1.31.2',
        apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
      }),
    );
    expect(env(find(fromCluster.objects, 'Deployment')).KUBE_VERSION).toBe(
      'v1.31.2',
    );
    expect(find(fromCluster.objects, 'ConfigMap').data.monitoring).toBe(
      'prometheus-operator',
    );

    const fromSource = await renderer.render(
      request(
        checkout,
        { kubeVersion: 'v1.29.4-gke.1200', apiVersions: ['v1/Pod'] },
        {
          kubeVersion: 'v1.31.2',
          apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
        },
      ),
    );
    expect(env(find(fromSource.objects, 'Deployment')).KUBE_VERSION).toBe(
      'v1.29.4',
    );
    expect(
      find(fromSource.objects, 'ConfigMap').data.monitoring,
    ).toBeUndefined();
  });

  it('resolves an absolute value file from the repository root', async () => {
    const { objects } = await renderer.render(
      request(checkout, { valueFiles: ['/web/values-prod.yaml'] }),
    );
    expect(find(objects, 'Deployment').spec.replicas).toBe(3);
  });
});

describe('Helm chart dependencies', () => {
  it('builds file:// dependencies in a copy when charts/ lacks them, leaving the checkout as it was', async () => {
    const checkout = await copyFixture('helm');
    const before = await snapshotTree(checkout);
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    const { objects } = await renderer.render(request(checkout));
    expect(find(objects, 'Service').metadata.labels.team).toBe('web');
    expect(recorder.runs.map(run => run.args.slice(0, 2).join(' '))).toEqual([
      'template .',
      'dependency build',
      'template .',
    ]);
    expect(await snapshotTree(checkout)).toEqual(before);
  });

  it('runs helm template once when the dependency is vendored', async () => {
    const checkout = await vendoredChart();
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    await renderer.render(request(checkout));
    expect(recorder.runs.map(run => run.args[0])).toEqual(['template']);
  });

  it('explains that a missing dependency from a chart repository is not downloaded', async () => {
    const checkout = await copyFixture('helm');
    const chartFile = join(checkout, 'web', 'Chart.yaml');
    await writeFile(
      chartFile,
      `${await readFile(
        chartFile,
        'utf8',
      )}  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com/stable\n`,
    );
    const recorder = recordingRunner();
    const renderer = new ApplicationSourceRenderer({
      runTool: recorder.runTool,
    });
    const error = await renderError(renderer, request(checkout));
    expect(error.code).toBe('MissingDependency');
    expect(error.message).toContain(
      "'redis' comes from https://charts.example.com/stable; charts are not downloaded while rendering",
    );
    expect(recorder.runs.map(run => run.args[0])).toEqual(['template']);
  });
});

describe('Helm errors', () => {
  let checkout: string;

  beforeAll(async () => {
    checkout = await vendoredChart();
  });

  it('reports a missing value file, or skips it with ignoreMissingValueFiles', async () => {
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(checkout, { valueFiles: ['values-staging.yaml'] }),
    );
    expect(error.code).toBe('InvalidSource');
    expect(error.message).toContain(
      "source.helm.valueFiles 'values-staging.yaml' does not exist (looked for 'web/values-staging.yaml'); fix the path or set ignoreMissingValueFiles",
    );
    const ignored = await renderer.render(
      request(checkout, {
        valueFiles: ['values-staging.yaml'],
        ignoreMissingValueFiles: true,
      }),
    );
    expect(ignored.objects).toHaveLength(5);
  });

  it('refuses value files and file parameters outside the checkout', async () => {
    const renderer = new ApplicationSourceRenderer();
    const dotdot = await renderError(
      renderer,
      request(checkout, { valueFiles: ['../../../../etc/hostname'] }),
    );
    expect(dotdot.code).toBe('OutsideCheckout');
    expect(dotdot.message).toContain(
      "source.helm.valueFiles entry '../../../../etc/hostname' resolves outside the repository",
    );

    const fileParameter = await renderError(
      renderer,
      request(checkout, {
        fileParameters: [{ name: 'config.extra', path: '../../etc/hostname' }],
      }),
    );
    expect(fileParameter.code).toBe('OutsideCheckout');

    const url = await renderError(
      renderer,
      request(checkout, {
        valueFiles: ['https://example.com/values.yaml'],
      }),
    );
    expect(url.code).toBe('InvalidSource');
    expect(url.message).toContain("the URL scheme 'https' is not allowed");
  });

  it('refuses a value file that is a symlink leading out of the checkout', async () => {
    const linked = await vendoredChart();
    const outside = join(await temporaryDirectory(), 'values.yaml');
    await writeFile(outside, 'replicaCount: 99\n');
    await symlink(outside, join(linked, 'web', 'values-linked.yaml'));
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(linked, { valueFiles: ['values-linked.yaml'] }),
    );
    expect(error.code).toBe('SymlinkOutsideCheckout');
    expect(error.location.file).toBe('web/values-linked.yaml');
  });

  it('ends a helm failure with its stderr, and never repeats parameter values', async () => {
    const broken = await vendoredChart();
    await writeFile(
      join(broken, 'web', 'templates', 'broken.yaml'),
      'kind: {{ .Values.missing.deeply }\n',
    );
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(
      renderer,
      request(broken, {
        parameters: [{ name: 'db.password', value: 'hunter2-do-not-print' }],
      }),
    );
    expect(error.code).toBe('ToolFailed');
    expect(error.message).toContain('helm template failed (exit code 1)');
    expect(error.message).toContain('templates/broken.yaml');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain(broken);
  });

  it('names the template of an invalid object in helm output', async () => {
    const invalid = await vendoredChart();
    await writeFile(
      join(invalid, 'web', 'templates', 'unnamed.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    release: {{ .Release.Name }}\n',
    );
    const renderer = new ApplicationSourceRenderer();
    const error = await renderError(renderer, request(invalid));
    expect(error.code).toBe('InvalidManifest');
    expect(error.message).toMatch(
      /helm template output, document \d+ \(index \d+\) \(template web\/templates\/unnamed\.yaml\): the ConfigMap has no metadata\.name/,
    );
  });

  it('names what is missing when no helm binary is configured or found', async () => {
    const configured = new ApplicationSourceRenderer({
      tools: { helm: { command: '/opt/nowhere/helm' } },
    });
    const error = await renderError(configured, request(checkout));
    expect(error.code).toBe('ToolNotFound');
    expect(error.message).toContain(
      "a Helm source needs helm, and '/opt/nowhere/helm' is not an executable file; install it, or set the renderer's tools.helm.command to where it is",
    );

    const emptyPath = await temporaryDirectory();
    const notOnPath = new ApplicationSourceRenderer({
      tools: { envPath: emptyPath },
    });
    const onPath = await renderError(notOnPath, request(checkout));
    expect(onPath.message).toContain(
      "'helm' was not found on PATH (1 directory searched)",
    );
  });
});
