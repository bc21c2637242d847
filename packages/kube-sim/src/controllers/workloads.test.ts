import * as k8s from '@kubernetes/client-node';
import { startWireSim, waitFor, WireSim } from '../__testUtils__/wire';
import { EXIT_CODE_ANNOTATION } from './pods';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/** The simulated workload controllers, observed over the wire as a GitOps controller would. */
describe('workload controllers', () => {
  let wire: WireSim;
  const ns = 'apps';

  beforeAll(async () => {
    wire = await startWireSim({ namespaces: [ns] });
  });

  afterAll(async () => {
    await wire?.stop();
  });

  const apply = (object: any) =>
    wire.objects.patch(
      { ...object, metadata: { namespace: ns, ...object.metadata } },
      undefined,
      undefined,
      'driftless',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  const read = (apiVersion: string, kind: string, name: string) =>
    wire.objects.read({
      apiVersion,
      kind,
      metadata: { name, namespace: ns },
    }) as Promise<any>;
  const condition = (object: any, type: string) =>
    (object.status?.conditions ?? []).find((c: any) => c.type === type);

  const deployment = (
    name: string,
    image: string,
    extra: Record<string, unknown> = {},
  ) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image }] },
      },
      ...extra,
    },
  });

  it('rolls a Deployment out to Available through a ReplicaSet and Ready pods, then rolls a new template', async () => {
    await apply(deployment('web', 'nginx:1.27'));
    const ready = await waitFor(async () => {
      const d = await read('apps/v1', 'Deployment', 'web');
      return (
        condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && d
      );
    }, 'web to finish rolling out');
    expect(ready.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(condition(ready, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(
      ready.metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('1');
    const replicaSets = await wire.apps.listNamespacedReplicaSet({
      namespace: ns,
      labelSelector: 'app=web',
    });
    expect(replicaSets.items).toHaveLength(1);
    const hash = replicaSets.items[0].metadata!.labels!['pod-template-hash'];
    expect(replicaSets.items[0].metadata!.name).toBe(`web-${hash}`);
    expect(condition(ready, 'Progressing').message).toBe(
      `ReplicaSet "web-${hash}" has successfully progressed.`,
    );
    const pods = await wire.core.listNamespacedPod({
      namespace: ns,
      labelSelector: 'app=web',
    });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.metadata!.name).toMatch(
        new RegExp(`^web-${hash}-[a-z0-9]{5}$`),
      );
      expect(pod.status).toMatchObject({
        phase: 'Running',
        qosClass: 'BestEffort',
        hostIP: '172.18.0.2',
      });
      expect(pod.status!.conditions!.map(c => `${c.type}=${c.status}`)).toEqual(
        [
          'PodReadyToStartContainers=True',
          'Initialized=True',
          'Ready=True',
          'ContainersReady=True',
          'PodScheduled=True',
        ],
      );
      expect(pod.status!.containerStatuses![0]).toMatchObject({
        name: 'main',
        ready: true,
        restartCount: 0,
        started: true,
        image: 'docker.io/library/nginx:1.27',
      });
      expect(pod.spec!.nodeName).toBe('kube-sim-node');
    }

    await apply(deployment('web', 'nginx:1.28'));
    const rolled = await waitFor(async () => {
      const d = await read('apps/v1', 'Deployment', 'web');
      return (
        d.status.observedGeneration === 2 &&
        condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' &&
        d.status.replicas === 3 &&
        d
      );
    }, 'web to roll the new template out');
    expect(
      rolled.metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('2');
    const after = await wire.apps.listNamespacedReplicaSet({
      namespace: ns,
      labelSelector: 'app=web',
    });
    const bySize = after.items
      .map(
        rs =>
          `${rs.metadata!.annotations!['deployment.kubernetes.io/revision']}:${
            rs.spec!.replicas
          }`,
      )
      .sort();
    expect(bySize).toEqual(['1:0', '2:3']);
  });

  it('puts pods of a failing image into CrashLoopBackOff and the Deployment past its progress deadline', async () => {
    await apply(
      deployment('broken', 'fail:crash', {
        progressDeadlineSeconds: 20,
        replicas: 1,
      }),
    );
    const pod = await waitFor(async () => {
      const pods = await wire.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app=broken',
      });
      const p = pods.items[0];
      return p?.status?.containerStatuses?.[0]?.restartCount! >= 1 && p;
    }, 'the broken pod to restart');
    const status = pod.status!.containerStatuses![0];
    expect(status.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(status.ready).toBe(false);
    expect(pod.status!.phase).toBe('Running');
    expect(pod.status!.conditions!.find(c => c.type === 'Ready')).toMatchObject(
      {
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [main]',
      },
    );

    const stuck = await waitFor(async () => {
      const d = await read('apps/v1', 'Deployment', 'broken');
      return condition(d, 'Progressing')?.status === 'False' && d;
    }, 'the progress deadline to pass');
    expect(condition(stuck, 'Progressing')).toMatchObject({
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(
        /^ReplicaSet "broken-[a-z0-9]+" has timed out progressing\.$/,
      ),
    });
    expect(condition(stuck, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    expect(stuck.status.unavailableReplicas).toBe(1);
  });

  it('runs a Job to Complete, and fails one whose pods exit non-zero', async () => {
    const job = (
      name: string,
      podAnnotations: Record<string, string>,
      command?: string[],
    ) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 1,
        template: {
          metadata: { annotations: podAnnotations },
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'hook',
                image: 'busybox:1.36',
                ...(command ? { command } : {}),
              },
            ],
          },
        },
      },
    });
    await apply(job('migrate', {}));
    await apply(job('broken-hook', { [EXIT_CODE_ANNOTATION]: '2' }));
    await apply(job('exits-three', {}, ['sh', '-c', 'echo failing; exit 3']));
    const done = await waitFor(async () => {
      const j = await read('batch/v1', 'Job', 'migrate');
      return condition(j, 'Complete')?.status === 'True' && j;
    }, 'the migrate job to complete');
    expect(done.status).toMatchObject({
      succeeded: 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
    });
    expect(done.status.completionTime).toBeTruthy();
    expect(
      done.status.conditions.map(
        (c: any) => `${c.type}=${c.status}:${c.reason}`,
      ),
    ).toEqual([
      'SuccessCriteriaMet=True:CompletionsReached',
      'Complete=True:CompletionsReached',
    ]);
    expect(
      done.spec.template.metadata.labels['batch.kubernetes.io/job-name'],
    ).toBe('migrate');

    for (const name of ['broken-hook', 'exits-three']) {
      const failed = await waitFor(async () => {
        const j = await read('batch/v1', 'Job', name);
        return condition(j, 'Failed')?.status === 'True' && j;
      }, `${name} to fail`);
      expect(failed.status.failed).toBe(2);
      expect(condition(failed, 'Failed')).toMatchObject({
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      });
      expect(condition(failed, 'FailureTarget')?.status).toBe('True');
    }
    const pods = await wire.core.listNamespacedPod({
      namespace: ns,
      labelSelector: 'job-name=exits-three',
    });
    expect(
      pods.items[0].status!.containerStatuses![0].state!.terminated,
    ).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(pods.items[0].status!.phase).toBe('Failed');
  });

  it('brings up a StatefulSet in order with bound claims, and a DaemonSet on the node', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 2,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'pg', image: 'postgres:16' }] },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '1Gi' } },
            },
          },
        ],
      },
    });
    await apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { containers: [{ name: 'agent', image: 'agent:1' }] },
        },
      },
    });
    const sts = await waitFor(async () => {
      const s = await read('apps/v1', 'StatefulSet', 'db');
      return (
        s.status?.readyReplicas === 2 && s.status.availableReplicas === 2 && s
      );
    }, 'db to be ready');
    expect(sts.status).toMatchObject({
      replicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
      collisionCount: 0,
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const claims = await waitFor(async () => {
      const list = await wire.core.listNamespacedPersistentVolumeClaim({
        namespace: ns,
        labelSelector: 'app=db',
      });
      return (
        list.items.length === 2 &&
        list.items.every(c => c.status?.phase === 'Bound') &&
        list.items
      );
    }, 'claims to bind');
    expect(claims.map(c => c.metadata!.name)).toEqual([
      'data-db-0',
      'data-db-1',
    ]);
    expect(claims[0].status).toMatchObject({
      phase: 'Bound',
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
    });
    expect(claims[0].spec?.storageClassName).toBe('standard');
    const ds = await waitFor(async () => {
      const d = await read('apps/v1', 'DaemonSet', 'agent');
      return d.status?.numberReady === 1 && d.status.numberAvailable === 1 && d;
    }, 'agent to be ready');
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      updatedNumberScheduled: 1,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
  });

  it('gives LoadBalancer Services an ingress IP and Ingresses an address', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'public' },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ port: 443 }],
      },
    });
    await apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    const service = await waitFor(async () => {
      const s = await read('v1', 'Service', 'public');
      return s.status?.loadBalancer?.ingress?.length && s;
    }, 'a load balancer IP');
    expect(service.status.loadBalancer.ingress[0]).toEqual({
      ip: expect.stringMatching(/^172\.18\.255\.\d+$/),
      ipMode: 'VIP',
    });
    expect(service.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(service.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
    });
    const ingress = await waitFor(async () => {
      const i = await read('networking.k8s.io/v1', 'Ingress', 'web');
      return i.status?.loadBalancer?.ingress?.length && i;
    }, 'an ingress address');
    expect(ingress.status.loadBalancer.ingress).toEqual([
      { ip: '172.18.0.100' },
    ]);
  });

  it('keeps an autoscaled Deployment within the HPA range and reports the HPA conditions', async () => {
    await apply(deployment('scaled', 'nginx:1.27', { replicas: 1 }));
    await apply({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'scaled' },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'scaled',
        },
        minReplicas: 2,
        maxReplicas: 4,
      },
    });
    const hpa = await waitFor(async () => {
      const h = await read(
        'autoscaling/v2',
        'HorizontalPodAutoscaler',
        'scaled',
      );
      return h.status?.currentReplicas === 2 && h;
    }, 'the HPA to scale the deployment into range');
    expect(hpa.status).toMatchObject({
      desiredReplicas: 2,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 10 } },
        },
      ],
    });
    expect(
      hpa.status.conditions.map(
        (c: any) => `${c.type}=${c.status}:${c.reason}`,
      ),
    ).toEqual([
      'AbleToScale=True:ReadyForNewScale',
      'ScalingActive=True:ValidMetricFound',
      'ScalingLimited=False:DesiredWithinRange',
    ]);
    expect((await read('apps/v1', 'Deployment', 'scaled')).spec.replicas).toBe(
      2,
    );
  });

  it('reports image pull failures as ErrImagePull, then ImagePullBackOff', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'no-image' },
      spec: {
        containers: [
          { name: 'main', image: 'registry.example.com/pull-fail:1' },
        ],
      },
    });
    const pod = await waitFor(async () => {
      const p = await read('v1', 'Pod', 'no-image');
      return (
        p.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
          'ImagePullBackOff' && p
      );
    }, 'image pull back-off');
    expect(pod.status.phase).toBe('Pending');
  });
});
