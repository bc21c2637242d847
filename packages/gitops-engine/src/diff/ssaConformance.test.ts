import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  startTestCluster,
  type TestCluster,
} from '../cluster/__testUtils__/testCluster';
import type { KubernetesObject } from '../render/types';
import { compareWithPrediction } from './compare';
import { DiffSettings, IgnoreDifferences } from './ignoreDifferences';
import { ObjectDiffer } from './ObjectDiffer';

// The dry runs go to a kube-sim over HTTPS; a busy machine is slow.
jest.setTimeout(30_000);

/**
 * Argo CD's server-side and structured-merge diff test data
 * (__fixtures__/ssa-diff/SOURCE.md), with the expectations of
 * gitops-engine's `TestServerSideDiff` and `TestStructuredMergeDiff`.
 *
 * - With the recorded prediction (what a real API server answered to the
 *   dry-run, webhook mutations included), the pure comparison must reach the
 *   upstream results: webhook fields removed, composite keys kept, removed
 *   fields shown, ignoreDifferences applied.
 * - The structured-merge cases have no recorded prediction upstream (it is
 *   computed locally there); here kube-sim answers a real dry-run apply over
 *   HTTPS for the seeded live object, and the differ must reach the same
 *   results, in particular no difference from defaulted fields.
 */

const FIXTURES = join(__dirname, '__fixtures__', 'ssa-diff');
const read = (name: string): KubernetesObject => {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return name.endsWith('.json') ? JSON.parse(text) : parse(text);
};
const MANAGER = 'argocd-controller';
const NO_RULES = new IgnoreDifferences(
  [],
  DiffSettings.fromConfig({
    'resource.compareoptions': 'ignoreResourceStatusField: none',
  }),
);

const containers = (object: KubernetesObject | undefined): any[] =>
  (object as any).spec.template.spec.containers;

describe('server-side diff with recorded predictions (TestServerSideDiff)', () => {
  it('removes what a mutating webhook added, and keeps it with IncludeMutationWebhook', () => {
    const live = read('ssd-service-live.yaml');
    const predicted = read('ssd-service-predicted-live.json');
    const result = compareWithPrediction({ predicted, live, manager: MANAGER });
    expect(result.modified).toBe(true);
    expect((result.predictedLive as any).spec.internalTrafficPolicy).toBe(
      'Cluster',
    );
    expect((result.normalizedLive as any).spec.internalTrafficPolicy).toBe(
      'Cluster',
    );
    expect(result.predictedLive!.metadata.labels?.event).toBeUndefined();
    expect(
      result.predictedLive!.metadata.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toBeUndefined();
    expect(result.predictedLive!.metadata).not.toHaveProperty('managedFields');
    expect(result.predictedLive!.metadata).not.toHaveProperty(
      'resourceVersion',
    );

    const withWebhook = compareWithPrediction({
      predicted,
      live,
      manager: MANAGER,
      includeMutationWebhook: true,
    });
    expect(withWebhook.modified).toBe(true);
    expect(withWebhook.predictedLive!.metadata.labels?.event).toBe(
      'FROM-MUTATION-WEBHOOK',
    );
  });

  it('undoes webhook changes while showing a removed field (Deployment2)', () => {
    const result = compareWithPrediction({
      predicted: read('smd-deploy2-predicted-live.json'),
      live: read('smd-deploy2-live.yaml'),
      manager: MANAGER,
    });
    expect(result.modified).toBe(true);
    expect(containers(result.predictedLive)).toHaveLength(1);
    expect(containers(result.normalizedLive)).toHaveLength(1);
    expect(containers(result.predictedLive)[0].resources.requests).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
    expect(containers(result.normalizedLive)[0].resources.requests).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
  });

  it('includes nested list changes: ports and env', () => {
    const result = compareWithPrediction({
      predicted: read('ssd-deploy-nested-predicted-live.json'),
      live: read('ssd-deploy-nested-live.yaml'),
      manager: MANAGER,
    });
    expect(result.modified).toBe(true);
    const [predicted] = containers(result.predictedLive);
    const [live] = containers(result.normalizedLive);
    expect(predicted.ports.map((p: any) => p.containerPort)).toEqual([80, 443]);
    expect(live.ports).toHaveLength(1);
    expect(predicted.env.map((e: any) => e.name)).toEqual([
      'ENV_VAR1',
      'ENV_VAR2',
    ]);
    expect(live.env).toHaveLength(1);
  });

  it('shows a port added over a kubectl apply, without the webhook label', () => {
    const result = compareWithPrediction({
      predicted: read('ssd-deploy-with-manual-apply-predicted-live.json'),
      live: read('ssd-deploy-with-manual-apply-live.yaml'),
      manager: MANAGER,
    });
    expect(result.modified).toBe(true);
    expect(
      containers(result.predictedLive)[0].ports.map(
        (p: any) => p.containerPort,
      ),
    ).toEqual([80, 40]);
    expect(containers(result.normalizedLive)[0].ports).toHaveLength(1);
    expect(
      result.predictedLive!.metadata.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toBeUndefined();
    expect(
      result.normalizedLive!.metadata.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toBeUndefined();
  });

  it('reflects a label the manager stopped applying', () => {
    const result = compareWithPrediction({
      predicted: read('ssd-svc-no-label-predicted-live.json'),
      live: read('ssd-svc-label-live.yaml'),
      manager: MANAGER,
    });
    expect(result.modified).toBe(true);
    expect(result.predictedLive!.metadata.labels).not.toHaveProperty(
      'delete-me',
    );
    expect(result.normalizedLive!.metadata.labels).toHaveProperty('delete-me');
  });

  it('keeps composite key fields (protocol) that a webhook, not the manager, owns', () => {
    const result = compareWithPrediction({
      predicted: read('ssd-deploy-composite-key-predicted-live.json'),
      live: read('ssd-deploy-composite-key-live.yaml'),
      manager: MANAGER,
    });
    expect(result.modified).toBe(true);
    const [nginx] = containers(result.predictedLive);
    expect(containers(result.predictedLive)).toHaveLength(2);
    expect(nginx.name).toBe('nginx');
    expect(nginx.ports).toHaveLength(3);
    expect(containers(result.normalizedLive)[0].ports).toHaveLength(2);
    expect(nginx.ports.find((p: any) => p.containerPort === 8080)).toEqual({
      containerPort: 8080,
      name: 'metrics',
      protocol: 'TCP',
    });
    for (const port of nginx.ports) expect(port.protocol).toBe('TCP');
  });

  it('respects ignoreDifferences after the prediction', () => {
    const rules = new IgnoreDifferences([
      { kind: 'Service', jsonPointers: ['/spec/sessionAffinity'] },
    ]).rulesFor('', 'Service', 'httpbin-svc', 'httpbin');
    const result = compareWithPrediction({
      predicted: read('ssd-service-predicted-live.json'),
      live: read('ssd-service-live.yaml'),
      manager: MANAGER,
      rules,
    });
    expect(result.modified).toBe(true);
    const predicted = JSON.stringify(result.predictedLive);
    expect(predicted).toContain('port');
    expect(predicted).toContain('selector');
    expect(predicted).not.toContain('sessionAffinity');
    expect(JSON.stringify(result.normalizedLive)).not.toContain(
      'sessionAffinity',
    );
  });

  it('does not count a resourceVersion-only change as a difference', () => {
    const live = read('ssd-service-live.yaml');
    const predicted = structuredClone(live);
    predicted.metadata.resourceVersion = '99999';
    expect(
      compareWithPrediction({ predicted, live, manager: MANAGER }).modified,
    ).toBe(false);
  });
});

describe('structured-merge cases against a real dry-run (TestStructuredMergeDiff)', () => {
  let cluster: TestCluster;
  let differ: ObjectDiffer;

  beforeAll(async () => {
    cluster = await startTestCluster();
    differ = new ObjectDiffer({
      connection: cluster.connection,
      fieldManager: MANAGER,
      predictionCache: false,
    });
  });
  afterAll(() => cluster.stop());

  async function diffAgainst(liveFile: string, configFile: string) {
    cluster.sim.faults.clear();
    const [seeded] = cluster.sim.seed([read(liveFile)]);
    const rules = NO_RULES.rulesFor(
      '',
      seeded.kind,
      seeded.metadata.name!,
      seeded.metadata.namespace ?? '',
    );
    return differ.diff(read(configFile), seeded as KubernetesObject, { rules });
  }

  it('applies default values: the defaulted internalTrafficPolicy is no difference', async () => {
    const result = await diffAgainst(
      'smd-service-live.yaml',
      'smd-service-config.yaml',
    );
    expect(result.method).toBe('server-side');
    expect(result.modified).toBe(true);
    // The changed targetPort is the difference ...
    expect(result.diff).toContain(
      '-      targetPort: 1935\n+      targetPort: 1936',
    );
    // ... not internalTrafficPolicy: the server defaults it in the dry run,
    // no manager owns it and the recorded live object lacks it, so, as with
    // Argo CD's server-side diff, it is on neither side (upstream's local
    // structured-merge diff adds the default to both sides instead).
    expect(
      (result.predictedLive as any).spec.internalTrafficPolicy,
    ).toBeUndefined();
    expect(
      (result.normalizedLive as any).spec.internalTrafficPolicy,
    ).toBeUndefined();
    const raw = await cluster.connection.apply(
      read('smd-service-config.yaml'),
      {
        dryRun: true,
        force: true,
        fieldManager: MANAGER,
      },
    );
    expect((raw as any).spec.internalTrafficPolicy).toBe('Cluster');
    expect(
      result.predictedLive!.metadata.annotations?.[
        'kubectl.kubernetes.io/last-applied-configuration'
      ],
    ).toBeUndefined();
  });

  it('removes list entries the manager stopped applying', async () => {
    const result = await diffAgainst(
      'smd-service-live.yaml',
      'smd-service-config-2-ports.yaml',
    );
    expect(result.modified).toBe(true);
    expect((result.predictedLive as any).spec.ports).toHaveLength(2);
  });

  it('removes a previously added field that is not desired any more', async () => {
    // The manager owned type: NodePort and stops applying it; the server
    // defaults it back to ClusterIP. Argo CD's webhook-mutation removal would
    // predict NodePort here; the differ keeps the fields a manager gives up.
    const result = await diffAgainst(
      'smd-service-live-with-type.yaml',
      'smd-service-config.yaml',
    );
    expect(result.modified).toBe(true);
    expect((result.predictedLive as any).spec.type).toBe('ClusterIP');
    expect((result.normalizedLive as any).spec.type).toBe('NodePort');
    expect(result.diff).toContain('-  type: NodePort\n+  type: ClusterIP');
  });

  it('keeps ports that differ only by protocol apart', async () => {
    const result = await diffAgainst(
      'smd-service-live.yaml',
      'smd-service-config-ports.yaml',
    );
    expect(result.modified).toBe(true);
    expect((result.predictedLive as any).spec.ports).toHaveLength(5);
  });

  it('finds no difference where only defaults differ (Deployment)', async () => {
    const result = await diffAgainst(
      'smd-deploy-live.yaml',
      'smd-deploy-config.yaml',
    );
    expect(result.diff).toBe('');
    expect(result.modified).toBe(false);
    const predicted = result.predictedLive as any;
    expect(containers(predicted)).toHaveLength(1);
    expect(containers(predicted)[0].resources).toEqual({});
    expect(predicted.spec.strategy.rollingUpdate.maxSurge).toBe('25%');
    expect(predicted.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });
});
