import * as k8s from '@kubernetes/client-node';
import {
  failureOf,
  kubectl,
  startWireSim,
  waitFor,
  WireSim,
} from '../__testUtils__/wire';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/**
 * The Events the simulated controllers record, read as `kubectl describe`
 * and GitOps tools read them: by field selectors on the involved object.
 */
describe('controller events', () => {
  let wire: WireSim;
  const ns = 'events';

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

  const deployment = (name: string, image: string, replicas = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image }] },
      },
    },
  });

  /** The events about one object, found as kubectl describe finds them. */
  async function eventsAbout(object: k8s.KubernetesObject) {
    const { items } = await wire.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: [
        `involvedObject.name=${object.metadata!.name}`,
        `involvedObject.namespace=${ns}`,
        `involvedObject.kind=${object.kind ?? ''}`,
        `involvedObject.uid=${object.metadata!.uid}`,
      ].join(','),
    });
    return items;
  }

  const summary = (events: k8s.CoreV1Event[]) =>
    events.map(
      event =>
        `${event.type} ${event.reason} [${event.source?.component}] ${event.message}`,
    );

  async function podsOf(app: string): Promise<k8s.V1Pod[]> {
    const { items } = await wire.core.listNamespacedPod({
      namespace: ns,
      labelSelector: `app=${app}`,
    });
    return items.map(pod => ({ ...pod, kind: 'Pod' }));
  }

  it('records the Deployment, ReplicaSet, scheduler and kubelet events of a rollout, each about its own object', async () => {
    await apply(deployment('web', 'nginx:1.27', 2));
    const pods = await waitFor(async () => {
      const found = await podsOf('web');
      return (
        found.length === 2 &&
        found.every(pod => pod.status?.phase === 'Running') &&
        found
      );
    }, 'two running web pods');
    const web = {
      ...(await wire.apps.readNamespacedDeployment({
        name: 'web',
        namespace: ns,
      })),
      kind: 'Deployment',
    };
    const [replicaSet] = (
      await wire.apps.listNamespacedReplicaSet({
        namespace: ns,
        labelSelector: 'app=web',
      })
    ).items;

    expect(summary(await eventsAbout(web))).toEqual([
      `Normal ScalingReplicaSet [deployment-controller] Scaled up replica set ${
        replicaSet.metadata!.name
      } from 0 to 2`,
    ]);
    const replicaSetEvents = await eventsAbout({
      ...replicaSet,
      kind: 'ReplicaSet',
    });
    expect(summary(replicaSetEvents).sort()).toEqual(
      pods
        .map(
          pod =>
            `Normal SuccessfulCreate [replicaset-controller] Created pod: ${
              pod.metadata!.name
            }`,
        )
        .sort(),
    );

    // The first pod pulls the image; the second finds it on the node.
    const podEvents = await Promise.all(pods.map(eventsAbout));
    const ordered = podEvents
      .map(events =>
        [...events].sort(
          (a, b) =>
            Number(a.metadata!.resourceVersion) -
            Number(b.metadata!.resourceVersion),
        ),
      )
      .sort((a, b) => (a.length > b.length ? -1 : 1));
    const assigned = (index: number) =>
      `Normal Scheduled [default-scheduler] Successfully assigned ${ns}/${ordered[index][0].involvedObject.name} to kube-sim-node`;
    expect(summary(ordered[0])).toEqual([
      assigned(0),
      'Normal Pulling [kubelet] Pulling image "nginx:1.27"',
      expect.stringMatching(
        /^Normal Pulled \[kubelet\] Successfully pulled image "nginx:1\.27" in \d+ms \(\d+ms including waiting\)\. Image size: \d+ bytes\.$/,
      ),
      'Normal Created [kubelet] Created container: main',
      'Normal Started [kubelet] Started container main',
    ]);
    expect(summary(ordered[1])).toEqual([
      assigned(1),
      'Normal Pulled [kubelet] Container image "nginx:1.27" already present on machine',
      'Normal Created [kubelet] Created container: main',
      'Normal Started [kubelet] Started container main',
    ]);
    const started = ordered[0].find(event => event.reason === 'Started')!;
    expect(started.involvedObject).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      fieldPath: 'spec.containers{main}',
      uid: ordered[0][0].involvedObject.uid,
    });
    expect(started.source).toEqual({
      component: 'kubelet',
      host: 'kube-sim-node',
    });
    expect(started).toMatchObject({ count: 1, reportingComponent: 'kubelet' });
    expect(started.firstTimestamp).toEqual(started.lastTimestamp);

    // kubectl describe finds the same events by the same selector.
    const described = await kubectl(wire, [
      'describe',
      'deployment',
      'web',
      '-n',
      ns,
    ]);
    expect(described.stderr).toBe('');
    expect(described.stdout).toMatch(
      /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 2/,
    );
  });

  it('selects events by reason, type and source, and refuses other field labels', async () => {
    const byReason = await wire.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'reason=Scheduled',
    });
    expect(byReason.items.length).toBeGreaterThanOrEqual(2);
    expect(new Set(byReason.items.map(event => event.reason))).toEqual(
      new Set(['Scheduled']),
    );

    const bySource = await wire.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'source=default-scheduler',
    });
    expect(bySource.items.map(event => event.reason).sort()).toEqual(
      byReason.items.map(event => event.reason).sort(),
    );
    const notKubelet = await wire.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'source!=kubelet,type=Normal',
    });
    expect(
      new Set(notKubelet.items.map(event => event.source?.component)),
    ).toEqual(
      new Set([
        'default-scheduler',
        'deployment-controller',
        'replicaset-controller',
      ]),
    );
    const warnings = await wire.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'type=Warning,involvedObject.kind=Deployment',
    });
    expect(warnings.items).toEqual([]);

    const refused = await failureOf(
      wire.core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: 'message=Started',
      }),
    );
    expect(refused).toMatchObject({
      code: 400,
      message: 'field label not supported: message',
    });
  });

  it('aggregates the repeated BackOff of a crash-looping container into one event with a count', async () => {
    await apply(deployment('crash', 'fail:crash'));
    const backOff = await waitFor(async () => {
      const [pod] = await podsOf('crash');
      if (!pod) return undefined;
      const events = await eventsAbout(pod);
      const found = events.filter(event => event.reason === 'BackOff');
      return found.length === 1 && found[0].count! >= 3 && found;
    }, 'three back-offs of the crashing container');
    const [pod] = await podsOf('crash');
    expect(backOff[0]).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container main in pod ${
        pod.metadata!.name
      }_${ns}(${pod.metadata!.uid})`,
      involvedObject: { fieldPath: 'spec.containers{main}' },
    });
    expect(
      new Date(backOff[0].lastTimestamp!).getTime(),
    ).toBeGreaterThanOrEqual(new Date(backOff[0].firstTimestamp!).getTime());
  });

  it('records the pull failure and back-off of an image that cannot be pulled', async () => {
    await apply(deployment('nopull', 'example.com/pull-fail:1'));
    const events = await waitFor(async () => {
      const [pod] = await podsOf('nopull');
      if (!pod) return undefined;
      const found = await eventsAbout(pod);
      return (
        found.some(event => event.message === 'Error: ImagePullBackOff') &&
        found
      );
    }, 'the image pull back-off');
    const kubelet = events
      .filter(event => event.source?.component === 'kubelet')
      .sort(
        (a, b) =>
          Number(a.metadata!.resourceVersion) -
          Number(b.metadata!.resourceVersion),
      );
    expect(summary(kubelet)).toEqual([
      'Normal Pulling [kubelet] Pulling image "example.com/pull-fail:1"',
      'Warning Failed [kubelet] Failed to pull image "example.com/pull-fail:1": failed to pull and unpack image "example.com/pull-fail:1": not found',
      'Warning Failed [kubelet] Error: ErrImagePull',
      'Normal BackOff [kubelet] Back-off pulling image "example.com/pull-fail:1"',
      'Warning Failed [kubelet] Error: ImagePullBackOff',
    ]);
  });

  it('records what a Job controller reports for a Job that completes and one that fails', async () => {
    const job = (name: string, exitCode: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: {
            annotations: { 'kube-sim.driftless.dev/exit-code': exitCode },
          },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'task', image: 'busybox:1.36' }],
          },
        },
      },
    });
    await apply(job('migrate', '0'));
    await apply(job('broken', '1'));
    const read = (name: string) =>
      wire.objects.read({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: ns },
      });
    const finished = async (name: string, reason: string) =>
      waitFor(async () => {
        const found = await read(name);
        const events = await eventsAbout(found);
        return events.some(event => event.reason === reason) && events;
      }, `${name} to report ${reason}`);

    const completed = await finished('migrate', 'Completed');
    expect(summary(completed).sort()).toEqual([
      'Normal Completed [job-controller] Job completed',
      expect.stringMatching(
        /^Normal SuccessfulCreate \[job-controller\] Created pod: migrate-[a-z0-9]+$/,
      ),
    ]);
    const failed = await finished('broken', 'BackoffLimitExceeded');
    expect(summary(failed).sort()).toEqual([
      expect.stringMatching(
        /^Normal SuccessfulCreate \[job-controller\] Created pod: broken-[a-z0-9]+$/,
      ),
      'Warning BackoffLimitExceeded [job-controller] Job has reached the specified backoff limit',
    ]);
  });
});
