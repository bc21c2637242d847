import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  resourceEventLastSeen,
  type ResourceNode,
} from '@driftless/backstage-plugin-gitops-common';
import type { Application } from '@driftless/gitops-engine';
import { createTestDatabases } from '../../__testUtils__/databases';
import type { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey } from '../../database/types';
import type { ApplicationController } from './ApplicationController';
import type { ApplicationStatusBody } from './statusDocument';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';
import {
  ControllerTestEnv,
  eventually,
  kustomizeAppFiles,
  TestGitRepo,
} from './__testUtils__/controllerTestEnv';

// A real sync into kube-sim, whose controllers start the pods and record their events.
jest.setTimeout(120_000);

const databases = createTestDatabases();

describe('ApplicationController.getResourceEvents', () => {
  let env: ControllerTestEnv;
  let store: DatabaseGitOpsStore;
  let gitops: ApplicationController;
  let tree: ResourceNode[];
  const key: ApplicationKey = { namespace: 'argocd', name: 'events' };

  const nodeOf = (kind: string) => {
    const node = tree.find(candidate => candidate.kind === kind);
    if (!node) throw new Error(`the tree has no ${kind}`);
    return node;
  };

  beforeAll(async () => {
    env = await ControllerTestEnv.start();
    const repo = await TestGitRepo.create(env.dir, 'platform-events');
    await repo.commit('events', kustomizeAppFiles('events'));
    store = await env.store(await databases.init('SQLITE_3'));
    const application: Application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'events', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: repo.url,
          targetRevision: 'main',
          path: 'apps/events/overlays/dev',
        },
        destination: { name: 'in-cluster', namespace: 'events' },
        syncPolicy: { automated: {}, syncOptions: ['CreateNamespace=true'] },
      },
    };
    await store.upsertApplication({ application, origin: 'api' });
    gitops = env.controller(store, {
      operationRunner: new SyncEngineOperationRunner({
        waveDelayMs: 50,
        stepIntervalMs: 25,
      }),
    });
    await gitops.refresh(key, { hard: false });
    await eventually(async () => {
      const status = (await store.getApplication(key))?.status?.status as
        | ApplicationStatusBody
        | undefined;
      return (
        status?.sync.status === 'Synced' &&
        status.health.status === 'Healthy' &&
        !(await store.getCurrentOperation(key))
      );
    }, 'the app to be Synced and Healthy');
    // A Deployment of the same name outside the app, whose events must not show.
    await env.apply([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'events', namespace: 'elsewhere' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'stray' } },
          template: {
            metadata: { labels: { app: 'stray' } },
            spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
          },
        },
      },
    ]);
    tree =
      (await eventually(async () => {
        await gitops.refresh(key, { hard: false });
        const { nodes } = await gitops.getResourceTree(key);
        return nodes.some(node => node.kind === 'Pod') ? nodes : undefined;
      }, 'the pod in the resource tree')) ?? [];
  });
  afterAll(() => env.stop());

  it("lists the Deployment's own events from the destination cluster, not those of its namesake elsewhere", async () => {
    const deployment = nodeOf('Deployment');
    const replicaSet = nodeOf('ReplicaSet');
    const strayScaled = await eventually(
      () =>
        env.sim
          .snapshot()
          .objects.map(entry => entry.object as any)
          .find(
            object =>
              object.kind === 'Event' &&
              object.involvedObject.namespace === 'elsewhere' &&
              object.reason === 'ScalingReplicaSet',
          ),
      'the stray Deployment to scale',
    );
    expect(strayScaled.involvedObject.name).toBe('events');

    const events = await gitops.getResourceEvents(key, {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'events',
      name: 'events',
    });

    expect(events).toEqual([
      expect.objectContaining({
        apiVersion: 'v1',
        kind: 'Event',
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${replicaSet.name} from 0 to 1`,
        count: 1,
        source: { component: 'deployment-controller' },
        involvedObject: expect.objectContaining({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'events',
          name: 'events',
          uid: deployment.uid,
        }),
      }),
    ]);
    expect(events[0].metadata).not.toHaveProperty('managedFields');
  });

  it("lists a pod's scheduler and kubelet events, newest first", async () => {
    const pod = nodeOf('Pod');
    const events = await gitops.getResourceEvents(key, {
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'events',
      name: pod.name,
      uid: pod.uid,
    });

    expect(events.map(event => event.reason).sort()).toEqual(
      ['Created', 'Pulled', 'Scheduled', 'Started', 'Pulling'].sort(),
    );
    expect(
      events.every(
        event =>
          event.involvedObject.uid === pod.uid &&
          event.involvedObject.kind === 'Pod',
      ),
    ).toBe(true);
    const times = events.map(event =>
      Date.parse(resourceEventLastSeen(event)!),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const versions = events.map(event =>
      Number(event.metadata.resourceVersion),
    );
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(events[events.length - 1]).toMatchObject({
      reason: 'Scheduled',
      source: { component: 'default-scheduler' },
    });
  });

  it('refuses a resource outside the tree and a uid that is not the live object', async () => {
    const stray = gitops.getResourceEvents(key, {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'elsewhere',
      name: 'events',
    });
    await expect(stray).rejects.toThrow(NotFoundError);
    await expect(stray).rejects.toThrow(
      'apps/Deployment elsewhere/events is not a live resource of application argocd/events',
    );

    const deployment = nodeOf('Deployment');
    const stale = gitops.getResourceEvents(key, {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'events',
      name: 'events',
      uid: 'a-deleted-uid',
    });
    await expect(stale).rejects.toThrow(NotFoundError);
    await expect(stale).rejects.toThrow(
      `apps/Deployment events/events of application argocd/events is now another object (uid ${deployment.uid}, not a-deleted-uid): it was deleted and created again; reload the resource tree`,
    );
  });

  it('says which resource and cluster failed when the cluster refuses to list events', async () => {
    const fault = env.sim.faults.add({
      verbs: ['list'],
      resources: ['events'],
      effect: { type: 'error', code: 403, message: 'events is forbidden' },
    });
    try {
      const refused = gitops.getResourceEvents(key, {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'events',
        name: 'events',
      });
      await expect(refused).rejects.toThrow(ServiceUnavailableError);
      await expect(refused).rejects.toThrow(
        /^Cannot read the events of apps\/Deployment events\/events: cluster 'in-cluster' forbids list .*403 Forbidden.*; grant/,
      );
    } finally {
      fault.remove();
    }
  });
});
