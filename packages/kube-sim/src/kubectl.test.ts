import {
  kubectl,
  startWireSim,
  waitFor,
  WireSim,
  writeManifest,
} from './__testUtils__/wire';
import { fixtureCrdPath } from './fixtureCrds';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/**
 * The installed kubectl (1.32, from tools/bin via scripts/env.sh) against
 * kube-sim over HTTPS, with the flags people and scripts use.
 */
describe('kubectl against kube-sim', () => {
  let wire: WireSim;

  beforeAll(async () => {
    wire = await startWireSim();
  });

  afterAll(async () => {
    await wire?.stop();
  });

  const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
`;

  it('lists API resources (kubectl api-resources)', async () => {
    const result = await kubectl(wire, ['api-resources', '-o', 'wide']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.find(line => line.startsWith('deployments '))).toMatch(
      /deploy\s+apps\/v1\s+true\s+Deployment\s+create,delete,deletecollection,get,list,patch,update,watch/,
    );
    expect(lines.find(line => line.startsWith('namespaces '))).toMatch(
      /ns\s+v1\s+false\s+Namespace/,
    );
  });

  it('applies server-side, waits for Available, gets JSON, and deletes', async () => {
    const file = await writeManifest(wire, 'web.yaml', manifest);
    const applied = await kubectl(wire, ['apply', '--server-side', '-f', file]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe(
      'deployment.apps/web serverside-applied\nservice/web serverside-applied\n',
    );

    const waited = await kubectl(wire, [
      'wait',
      '--for=condition=Available',
      'deployment/web',
      '--timeout=20s',
    ]);
    expect(waited.stdout).toBe('deployment.apps/web condition met\n');

    const got = await kubectl(wire, [
      'get',
      'deployment',
      'web',
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    const deployment = JSON.parse(got.stdout);
    expect(deployment.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    expect(deployment.metadata.managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
    });

    const table = await kubectl(wire, ['get', 'pods', '-l', 'app=web']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    );
    expect(table.stdout).toMatch(
      /web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0/,
    );

    const again = await kubectl(wire, ['apply', '--server-side', '-f', file]);
    expect(again.stdout).toBe(
      'deployment.apps/web serverside-applied\nservice/web serverside-applied\n',
    );
    const unchanged = await kubectl(wire, [
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.metadata.generation}',
    ]);
    expect(unchanged.stdout).toBe('1');

    const deleted = await kubectl(wire, ['delete', '-f', file]);
    expect(deleted.stdout).toBe(
      'deployment.apps "web" deleted\nservice "web" deleted\n',
    );
    const gone = await kubectl(wire, ['get', 'deployment', 'web']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(
      'Error from server (NotFound): deployments.apps "web" not found',
    );
  });

  it('reports apply conflicts and takes fields over with --force-conflicts', async () => {
    const file = await writeManifest(
      wire,
      'cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {key: one}\n',
    );
    expect(
      (
        await kubectl(wire, [
          'apply',
          '--server-side',
          '--field-manager=team-one',
          '-f',
          file,
        ])
      ).code,
    ).toBe(0);
    const other = await writeManifest(
      wire,
      'cm2.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {key: two}\n',
    );
    const refused = await kubectl(wire, [
      'apply',
      '--server-side',
      '--field-manager=team-two',
      '-f',
      other,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "team-one" using v1: .data.key',
    );
    const forced = await kubectl(wire, [
      'apply',
      '--server-side',
      '--field-manager=team-two',
      '--force-conflicts',
      '-f',
      other,
    ]);
    expect(forced.code).toBe(0);
    const value = await kubectl(wire, [
      'get',
      'configmap',
      'shared',
      '-o',
      'jsonpath={.data.key}',
    ]);
    expect(value.stdout).toBe('two');
  });

  it('installs the fixture CRDs and serves their kinds to kubectl', async () => {
    const applied = await kubectl(wire, [
      'apply',
      '--server-side',
      '-f',
      fixtureCrdPath('argo-rollouts'),
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io serverside-applied',
    );
    const resources = await kubectl(wire, [
      'api-resources',
      '--api-group=argoproj.io',
    ]);
    expect(resources.stdout).toMatch(
      /rollouts\s+ro\s+argoproj.io\/v1alpha1\s+true\s+Rollout/,
    );
    const empty = await kubectl(wire, ['get', 'rollouts']);
    expect(empty.stderr).toContain('No resources found in default namespace.');
    const established = await kubectl(wire, [
      'wait',
      '--for=condition=Established',
      'crd/rollouts.argoproj.io',
      '--timeout=10s',
    ]);
    expect(established.code).toBe(0);
  });

  it('promotes a paused canary Rollout with kubectl patch --subresource=status', async () => {
    await kubectl(wire, [
      'apply',
      '--server-side',
      '-f',
      fixtureCrdPath('argo-rollouts'),
    ]);
    const rollout = (image: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: canary}}
  template:
    metadata: {labels: {app: canary}}
    spec: {containers: [{name: app, image: '${image}'}]}
  strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}]}}
`;
    const v1 = await writeManifest(wire, 'ro1.yaml', rollout('app:1'));
    expect(
      (await kubectl(wire, ['apply', '--server-side', '-f', v1])).code,
    ).toBe(0);
    await waitFor(
      async () =>
        (
          await kubectl(wire, [
            'get',
            'rollout',
            'canary',
            '-o',
            'jsonpath={.status.phase}',
          ])
        ).stdout === 'Healthy',
      'v1 healthy',
    );
    const v2 = await writeManifest(wire, 'ro2.yaml', rollout('app:2'));
    expect(
      (await kubectl(wire, ['apply', '--server-side', '-f', v2])).code,
    ).toBe(0);
    await waitFor(
      async () =>
        (
          await kubectl(wire, [
            'get',
            'rollout',
            'canary',
            '-o',
            'jsonpath={.status.phase}',
          ])
        ).stdout === 'Paused',
      'v2 paused',
    );
    const table = await kubectl(wire, ['get', 'rollout', 'canary']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+DESIRED\s+CURRENT\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/,
    );
    const promoted = await kubectl(wire, [
      'patch',
      'rollout',
      'canary',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"pauseConditions":null}}',
    ]);
    expect(promoted.stdout).toBe('rollout.argoproj.io/canary patched\n');
    await waitFor(
      async () =>
        (
          await kubectl(wire, [
            'get',
            'rollout',
            'canary',
            '-o',
            'jsonpath={.status.phase}/{.status.currentStepIndex}',
          ])
        ).stdout === 'Healthy/2',
      'v2 promoted',
    );
  });

  it('shows a server-side diff (kubectl diff --server-side)', async () => {
    const file = await writeManifest(
      wire,
      'diff.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: diffed}\ndata: {key: one}\n',
    );
    await kubectl(wire, ['apply', '--server-side', '-f', file]);
    const changed = await writeManifest(
      wire,
      'diff2.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: diffed}\ndata: {key: two}\n',
    );
    const diff = await kubectl(wire, ['diff', '--server-side', '-f', changed]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('-  key: one');
    expect(diff.stdout).toContain('+  key: two');
  });
});
