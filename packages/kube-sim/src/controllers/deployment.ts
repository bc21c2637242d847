import { templateHash } from '../machinery/naming';
import { cloneJson, JsonObject, KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import {
  Controller,
  controllerOf,
  getCondition,
  keyOf,
  ownerReference,
  splitKey,
} from './controller';
import { intOrPercent, ownedObjects, revisionOf } from './workloadHelpers';

const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';

/** The pod-template-hash of a template, as the deployment controller labels ReplicaSets. */
export function podTemplateHash(
  template: JsonObject,
  collisionCount = 0,
): string {
  return templateHash(template, collisionCount);
}

/**
 * Deployments: one ReplicaSet per pod template (named `<deployment>-<hash>`,
 * labelled pod-template-hash), rolling updates within maxSurge/maxUnavailable
 * or Recreate, revision annotations, history cleanup, and the status the real
 * controller writes: counts, observedGeneration, and the Available and
 * Progressing conditions (including ProgressDeadlineExceeded).
 */
export class DeploymentController extends Controller {
  readonly name = 'deployment';
  readonly manager = 'kube-controller-manager';
  readonly eventSource = 'deployment-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'deployments.apps') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'replicasets.apps') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'Deployment')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const deployment of this.client.list('apps', 'Deployment'))
      this.enqueue(keyOf(deployment));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    let deployment = this.client.get('apps', 'Deployment', namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const hash = podTemplateHash(
      deployment.spec.template,
      deployment.status?.collisionCount ?? 0,
    );
    let replicaSets = ownedObjects(this.context.api, deployment, 'ReplicaSet');
    let newRS = replicaSets.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const maxRevision = Math.max(
      0,
      ...replicaSets.map(rs => revisionOf(rs, REVISION)),
    );
    let createdNew = false;
    const desired = Number(deployment.spec.replicas ?? 1);
    const { maxSurge, maxUnavailable } = this.limits(deployment, desired);

    if (!newRS) {
      newRS = this.client.create(
        this.newReplicaSet(
          deployment,
          hash,
          maxRevision + 1,
          desired + maxSurge,
        ),
      );
      createdNew = true;
      replicaSets = [...replicaSets, newRS];
    } else if (revisionOf(newRS, REVISION) < maxRevision) {
      // Rolled back to an older template: it becomes the newest revision.
      newRS = this.client.update({
        ...newRS,
        metadata: {
          ...newRS.metadata,
          annotations: {
            ...newRS.metadata.annotations,
            [REVISION]: String(maxRevision + 1),
          },
        },
      });
    }
    const revision = newRS.metadata.annotations?.[REVISION];
    if (deployment.metadata.annotations?.[REVISION] !== revision) {
      deployment = this.client.update({
        ...deployment,
        metadata: {
          ...deployment.metadata,
          annotations: {
            ...deployment.metadata.annotations,
            [REVISION]: revision!,
          },
        },
      });
    }
    const oldRSs = replicaSets.filter(
      rs => rs !== newRS && rs.metadata.uid !== newRS!.metadata.uid,
    );

    if (!deployment.spec.paused) {
      if (deployment.spec.strategy?.type === 'Recreate')
        this.recreate(deployment, newRS, oldRSs, desired);
      else
        this.rollingUpdate(
          deployment,
          newRS,
          oldRSs,
          desired,
          maxSurge,
          maxUnavailable,
        );
    }
    this.cleanup(deployment, oldRSs);
    this.writeStatus(
      deployment,
      newRS.metadata.name!,
      createdNew,
      desired,
      maxUnavailable,
    );
  }

  private limits(deployment: KubeObject, desired: number) {
    if (deployment.spec.strategy?.type === 'Recreate')
      return { maxSurge: 0, maxUnavailable: desired };
    const rolling = deployment.spec.strategy?.rollingUpdate ?? {};
    const maxSurge = intOrPercent(rolling.maxSurge ?? '25%', desired, true);
    let maxUnavailable = intOrPercent(
      rolling.maxUnavailable ?? '25%',
      desired,
      false,
    );
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    return { maxSurge, maxUnavailable };
  }

  private newReplicaSet(
    deployment: KubeObject,
    hash: string,
    revision: number,
    maxReplicas: number,
  ): KubeObject {
    const template = cloneJson(deployment.spec.template);
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: {
        ...(template.metadata?.labels ?? {}),
        'pod-template-hash': hash,
      },
    };
    const selector = cloneJson(deployment.spec.selector ?? {});
    selector.matchLabels = {
      ...(selector.matchLabels ?? {}),
      'pod-template-hash': hash,
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels: {
          ...(deployment.spec.template.metadata?.labels ?? {}),
          'pod-template-hash': hash,
        },
        annotations: {
          [DESIRED]: String(deployment.spec.replicas ?? 1),
          [MAX]: String(maxReplicas),
          [REVISION]: String(revision),
        },
        ownerReferences: [ownerReference(deployment) as any],
      },
      spec: {
        replicas: 0,
        minReadySeconds: deployment.spec.minReadySeconds,
        selector,
        template,
      },
    };
  }

  private scale(
    rs: KubeObject,
    replicas: number,
    deployment: KubeObject,
  ): KubeObject {
    if (rs.spec.replicas === replicas) return rs;
    const direction = replicas > rs.spec.replicas ? 'up' : 'down';
    const updated = this.client.update({
      ...rs,
      metadata: {
        ...rs.metadata,
        annotations: {
          ...rs.metadata.annotations,
          [DESIRED]: String(deployment.spec.replicas ?? 1),
        },
      },
      spec: { ...rs.spec, replicas },
    });
    this.client.event(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rs.metadata.name} from ${rs.spec.replicas} to ${replicas}`,
      this.now(),
    );
    return updated;
  }

  private rollingUpdate(
    deployment: KubeObject,
    currentNewRS: KubeObject,
    oldRSs: KubeObject[],
    desired: number,
    maxSurge: number,
    maxUnavailable: number,
  ): void {
    const total = (list: KubeObject[]) =>
      list.reduce((sum, rs) => sum + Number(rs.spec.replicas ?? 0), 0);
    const allReplicas = total(oldRSs) + Number(currentNewRS.spec.replicas ?? 0);
    let newRS = currentNewRS;
    if (newRS.spec.replicas > desired) {
      newRS = this.scale(newRS, desired, deployment);
    } else if (newRS.spec.replicas < desired) {
      const room = desired + maxSurge - allReplicas;
      const scaleUp = Math.min(room, desired - newRS.spec.replicas);
      if (scaleUp > 0)
        newRS = this.scale(newRS, newRS.spec.replicas + scaleUp, deployment);
    }
    const active = oldRSs.filter(rs => Number(rs.spec.replicas ?? 0) > 0);
    if (active.length === 0) return;
    const minAvailable = desired - maxUnavailable;
    const newUnavailable =
      Number(newRS.spec.replicas ?? 0) -
      Number(newRS.status?.availableReplicas ?? 0);
    const everything = total(oldRSs) + Number(newRS.spec.replicas ?? 0);
    let budget = everything - minAvailable - newUnavailable;
    // Unhealthy old pods go first; they do not count against availability.
    for (const rs of active) {
      const unhealthy =
        Number(rs.spec.replicas) - Number(rs.status?.availableReplicas ?? 0);
      if (
        unhealthy > 0 &&
        rs.status?.observedGeneration === rs.metadata.generation
      ) {
        this.scale(rs, Number(rs.spec.replicas) - unhealthy, deployment);
        rs.spec = {
          ...rs.spec,
          replicas: Number(rs.spec.replicas) - unhealthy,
        };
      }
    }
    for (const rs of [...active].sort(
      (a, b) => revisionOf(a, REVISION) - revisionOf(b, REVISION),
    )) {
      if (budget <= 0) break;
      const current = Number(rs.spec.replicas ?? 0);
      if (current === 0) continue;
      const down = Math.min(current, budget);
      this.scale(
        this.client.get(
          'apps',
          'ReplicaSet',
          rs.metadata.namespace,
          rs.metadata.name!,
        )!,
        current - down,
        deployment,
      );
      budget -= down;
    }
  }

  private recreate(
    deployment: KubeObject,
    newRS: KubeObject,
    oldRSs: KubeObject[],
    desired: number,
  ): void {
    let oldRunning = false;
    for (const rs of oldRSs) {
      if (Number(rs.spec.replicas ?? 0) > 0) this.scale(rs, 0, deployment);
      if (Number(rs.status?.replicas ?? 0) > 0) oldRunning = true;
    }
    if (!oldRunning && Number(newRS.spec.replicas) !== desired)
      this.scale(newRS, desired, deployment);
  }

  private cleanup(deployment: KubeObject, oldRSs: KubeObject[]): void {
    const limit = Number(deployment.spec.revisionHistoryLimit ?? 10);
    const idle = oldRSs
      .filter(
        rs =>
          Number(rs.spec.replicas ?? 0) === 0 &&
          Number(rs.status?.replicas ?? 0) === 0,
      )
      .sort((a, b) => revisionOf(a, REVISION) - revisionOf(b, REVISION));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      this.client.delete(rs);
  }

  private writeStatus(
    deployment: KubeObject,
    newRSName: string,
    createdNew: boolean,
    desired: number,
    maxUnavailable: number,
  ): void {
    const replicaSets = ownedObjects(
      this.context.api,
      deployment,
      'ReplicaSet',
    );
    const newRS = replicaSets.find(rs => rs.metadata.name === newRSName);
    const sum = (field: string) =>
      replicaSets.reduce(
        (total, rs) => total + Number(rs.status?.[field] ?? 0),
        0,
      );
    const previous: JsonObject = deployment.status ?? {};
    const status: JsonObject = {
      observedGeneration: deployment.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: Number(newRS?.status?.replicas ?? 0),
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
    };
    const unavailable = Math.max(
      0,
      Math.max(desired, status.replicas) - status.availableReplicas,
    );
    if (unavailable > 0) status.unavailableReplicas = unavailable;
    for (const field of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
    ]) {
      if (status[field] === 0) delete status[field];
    }
    if (previous.collisionCount !== undefined)
      status.collisionCount = previous.collisionCount;

    const now = this.timestamp();
    let conditions: JsonObject[] = [...(previous.conditions ?? [])];
    const put = (condition: JsonObject, keepTransition: boolean) => {
      const existing = conditions.find(c => c.type === condition.type);
      const next = {
        type: condition.type,
        status: condition.status,
        lastUpdateTime: now,
        lastTransitionTime:
          keepTransition && existing && existing.status === condition.status
            ? existing.lastTransitionTime
            : now,
        reason: condition.reason,
        message: condition.message,
      };
      conditions = [...conditions.filter(c => c.type !== condition.type), next];
      this.noteMoment(`${deployment.metadata.uid}/${condition.type}`, now);
    };
    const progressMoment = (c: JsonObject) =>
      this.momentOf(
        `${deployment.metadata.uid}/Progressing`,
        c.lastUpdateTime ?? c.lastTransitionTime,
      );
    const same = (type: string, statusValue: string, reason: string) => {
      const existing = conditions.find(c => c.type === type);
      return existing?.status === statusValue && existing.reason === reason;
    };

    const available =
      Number(status.availableReplicas ?? 0) >= desired - maxUnavailable;
    if (available && !same('Available', 'True', 'MinimumReplicasAvailable')) {
      put(
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        true,
      );
    } else if (
      !available &&
      !same('Available', 'False', 'MinimumReplicasUnavailable')
    ) {
      put(
        {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
        true,
      );
    }

    const progressing = getCondition(
      { ...deployment, status: { conditions } } as KubeObject,
      'Progressing',
    );
    const complete =
      Number(status.updatedReplicas ?? 0) === desired &&
      Number(status.replicas ?? 0) === desired &&
      Number(status.availableReplicas ?? 0) === desired &&
      Number(newRS?.status?.observedGeneration ?? 0) >=
        Number(newRS?.metadata.generation ?? 0);
    const deadlineMs = this.specSeconds(
      Number(deployment.spec.progressDeadlineSeconds ?? 600),
    );
    if (deployment.spec.paused) {
      if (!same('Progressing', 'Unknown', 'DeploymentPaused')) {
        put(
          {
            type: 'Progressing',
            status: 'Unknown',
            reason: 'DeploymentPaused',
            message: 'Deployment is paused',
          },
          false,
        );
      }
    } else if (complete) {
      if (!same('Progressing', 'True', 'NewReplicaSetAvailable')) {
        put(
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${newRSName}" has successfully progressed.`,
          },
          true,
        );
      }
    } else if (createdNew) {
      put(
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: `Created new replica set "${newRSName}"`,
        },
        true,
      );
    } else if (
      this.progressed(previous, status) ||
      !progressing ||
      progressing.reason === 'DeploymentPaused' ||
      progressing.reason === 'NewReplicaSetAvailable'
    ) {
      put(
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${newRSName}" is progressing.`,
        },
        true,
      );
    } else if (progressing.reason !== 'ProgressDeadlineExceeded') {
      const due = progressMoment(progressing) + deadlineMs;
      if (Date.now() >= due) {
        put(
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${newRSName}" has timed out progressing.`,
          },
          true,
        );
      } else {
        this.enqueue(keyOf(deployment), due - Date.now() + 5);
      }
    }
    if (!complete && !deployment.spec.paused) {
      const current = conditions.find(c => c.type === 'Progressing');
      if (current && current.reason !== 'ProgressDeadlineExceeded') {
        const due = progressMoment(current) + deadlineMs;
        this.enqueue(keyOf(deployment), Math.max(0, due - Date.now()) + 5);
      }
    }
    status.conditions = conditions;
    if (JSON.stringify(previous) !== JSON.stringify(status))
      this.client.updateStatus({ ...deployment, status });
  }

  private progressed(before: JsonObject, after: JsonObject): boolean {
    const n = (value: unknown) => Number(value ?? 0);
    return (
      n(after.updatedReplicas) > n(before.updatedReplicas) ||
      n(after.readyReplicas) > n(before.readyReplicas) ||
      n(after.availableReplicas) > n(before.availableReplicas) ||
      n(before.replicas) - n(before.updatedReplicas) >
        n(after.replicas) - n(after.updatedReplicas)
    );
  }
}
