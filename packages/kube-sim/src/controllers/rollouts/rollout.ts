import { templateHash } from '../../machinery/naming';
import { cloneJson, JsonObject, KubeObject } from '../../machinery/types';
import { ChangeEvent } from '../../store/objectStore';
import {
  Controller,
  controllerOf,
  keyOf,
  ownerReference,
  splitKey,
} from '../controller';
import { ownedObjects, revisionOf, selectorString } from '../workloadHelpers';
import { ANALYSIS_RESULT_ANNOTATION, parseDuration } from './analysisRun';

const REVISION = 'rollout.argoproj.io/revision';
const HASH_LABEL = 'rollouts-pod-template-hash';
const SCALE_DOWN_DEADLINE = 'scale-down-deadline';
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';

type Phase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

/** What one reconcile decided, before it is written as status. */
interface Outcome {
  phase: Phase;
  message: string;
  progressing: { status: string; reason: string; message: string };
  completed: boolean;
}

/**
 * Argo Rollouts, simulated: canary (setWeight, pause with and without
 * duration, analysis steps, setCanaryScale) and blue-green (active and
 * preview Services, autoPromotionEnabled/Seconds, previewReplicaCount,
 * scaleDownDelaySeconds), with abort, retry, promote (clearing
 * pauseConditions), promote-full (`status.promoteFull`), skip-current-step
 * and restart (`spec.restartAt`). Replica counts follow the weights (basic
 * canary, no traffic router); the status fields are those the real
 * controller writes.
 */
export class RolloutController extends Controller {
  readonly name = 'rollout';
  readonly manager = 'rollouts-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'rollouts.argoproj.io') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (
      event.storageKey === 'replicasets.apps' ||
      event.storageKey === 'analysisruns.argoproj.io'
    ) {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'Rollout')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const rollout of this.client.list('argoproj.io', 'Rollout'))
      this.enqueue(keyOf(rollout));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    let rollout = this.client.get('argoproj.io', 'Rollout', namespace, name);
    if (!rollout || rollout.metadata.deletionTimestamp) return;
    const spec: JsonObject = rollout.spec ?? {};
    const status: JsonObject = cloneJson(rollout.status ?? {});
    const now = this.timestamp();
    const canary: JsonObject | undefined = spec.strategy?.canary;
    const blueGreen: JsonObject | undefined = spec.strategy?.blueGreen;

    if (!canary && !blueGreen) {
      this.writeInvalid(
        rollout,
        status,
        `The Rollout "${name}" is invalid: spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'`,
      );
      return;
    }
    if (!spec.template) {
      this.writeInvalid(
        rollout,
        status,
        `The Rollout "${name}" is invalid: spec.template: Required value: Rollout has missing field '.spec.template'`,
      );
      return;
    }

    const desired = Number(spec.replicas ?? 1);
    const podHash = templateHash(spec.template);
    const steps: JsonObject[] = canary?.steps ?? [];
    const stepHash = templateHash(canary ? steps : blueGreen ?? {});
    let replicaSets = ownedObjects(this.context.api, rollout, 'ReplicaSet');
    let newRS = replicaSets.find(
      rs => rs.metadata.labels?.[HASH_LABEL] === podHash,
    );
    if (!newRS) {
      const maxRevision = Math.max(
        0,
        ...replicaSets.map(rs => revisionOf(rs, REVISION)),
      );
      newRS = this.client.create(
        this.replicaSet(rollout, podHash, maxRevision + 1),
      );
      replicaSets = [...replicaSets, newRS];
    }
    const revision = newRS.metadata.annotations?.[REVISION] ?? '1';
    if (rollout.metadata.annotations?.[REVISION] !== revision) {
      rollout = this.client.update({
        ...rollout,
        metadata: {
          ...rollout.metadata,
          annotations: {
            ...(rollout.metadata.annotations ?? {}),
            [REVISION]: revision,
          },
        },
      });
    }

    // A new pod template or new steps start the update over.
    if (
      status.currentPodHash !== podHash ||
      (canary && status.currentStepHash !== stepHash)
    ) {
      const firstDeploy = !status.stableRS;
      status.currentPodHash = podHash;
      status.currentStepHash = stepHash;
      if (canary && steps.length > 0)
        status.currentStepIndex =
          firstDeploy || status.stableRS === podHash ? steps.length : 0;
      delete status.pauseConditions;
      delete status.controllerPause;
      delete status.abort;
      delete status.abortedAt;
      delete status.promoteFull;
      if (status.canary) delete status.canary.currentStepAnalysisRunStatus;
      if (firstDeploy) status.stableRS = podHash;
    }
    if (!status.abort) delete status.abortedAt;
    status.observedGeneration = String(rollout.metadata.generation ?? 1);

    const stableRS = replicaSets.find(
      rs => rs.metadata.labels?.[HASH_LABEL] === status.stableRS,
    );
    const others = replicaSets.filter(rs => rs !== newRS && rs !== stableRS);
    const outcome = blueGreen
      ? this.blueGreen(
          rollout,
          status,
          blueGreen,
          newRS,
          stableRS,
          others,
          desired,
          now,
        )
      : this.canary(
          rollout,
          status,
          canary!,
          steps,
          newRS,
          stableRS,
          others,
          desired,
          now,
        );

    this.restart(rollout, status, [
      newRS,
      ...(stableRS && stableRS !== newRS ? [stableRS] : []),
    ]);
    this.writeStatus(rollout, status, outcome, desired, newRS, now);
  }

  // ---------------------------------------------------------------------------

  private replicaSet(
    rollout: KubeObject,
    hash: string,
    revision: number,
  ): KubeObject {
    const template = cloneJson(rollout.spec.template);
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
    };
    const selector = cloneJson(rollout.spec.selector ?? {});
    selector.matchLabels = {
      ...(selector.matchLabels ?? {}),
      [HASH_LABEL]: hash,
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${rollout.metadata.name}-${hash}`,
        namespace: rollout.metadata.namespace,
        labels: {
          ...(rollout.spec.template.metadata?.labels ?? {}),
          [HASH_LABEL]: hash,
        },
        annotations: {
          [REVISION]: String(revision),
          'rollout.argoproj.io/desired-replicas': String(
            rollout.spec.replicas ?? 1,
          ),
        },
        ownerReferences: [ownerReference(rollout) as any],
      },
      spec: {
        replicas: 0,
        minReadySeconds: rollout.spec.minReadySeconds,
        selector,
        template,
      },
    };
  }

  private scale(rs: KubeObject | undefined, replicas: number): void {
    if (!rs) return;
    const current = this.client.get(
      'apps',
      'ReplicaSet',
      rs.metadata.namespace,
      rs.metadata.name!,
    );
    if (!current || Number(current.spec.replicas ?? 0) === replicas) return;
    const annotations = { ...(current.metadata.annotations ?? {}) };
    if (replicas > 0) delete annotations[SCALE_DOWN_DEADLINE];
    this.client.update({
      ...current,
      metadata: { ...current.metadata, annotations },
      spec: { ...current.spec, replicas },
    });
  }

  private available(rs: KubeObject | undefined): number {
    if (!rs) return 0;
    const current = this.client.get(
      'apps',
      'ReplicaSet',
      rs.metadata.namespace,
      rs.metadata.name!,
    );
    return Number(current?.status?.availableReplicas ?? 0);
  }

  private podCount(rs: KubeObject | undefined): number {
    if (!rs) return 0;
    const current = this.client.get(
      'apps',
      'ReplicaSet',
      rs.metadata.namespace,
      rs.metadata.name!,
    );
    return Number(current?.status?.replicas ?? 0);
  }

  private pause(
    rollout: KubeObject,
    status: JsonObject,
    reason: string,
    now: string,
  ): void {
    const conditions: JsonObject[] = status.pauseConditions ?? [];
    if (!conditions.some(c => c.reason === reason)) {
      status.pauseConditions = [...conditions, { reason, startTime: now }];
      this.noteMoment(`${rollout.metadata.uid}/pause/${reason}`, now);
    }
    status.controllerPause = true;
  }

  /** When a pause condition began (exact when this controller set it). */
  private pauseStarted(
    rollout: KubeObject,
    status: JsonObject,
    reason: string,
  ): number {
    const condition = (status.pauseConditions ?? []).find(
      (c: JsonObject) => c.reason === reason,
    );
    return this.momentOf(
      `${rollout.metadata.uid}/pause/${reason}`,
      condition.startTime,
    );
  }

  private resumed(status: JsonObject): boolean {
    return (
      status.controllerPause === true &&
      (status.pauseConditions ?? []).length === 0
    );
  }

  private abortMessage(status: JsonObject, revision: string): string {
    const analysis: JsonObject | undefined =
      status.canary?.currentStepAnalysisRunStatus;
    const failed =
      analysis && (analysis.status === 'Failed' || analysis.status === 'Error');
    const detail = failed
      ? `: ${
          analysis.message ??
          `AnalysisRun "${analysis.name}" ${analysis.status}`
        }`
      : '';
    return `Rollout aborted update to revision ${revision}${detail}`;
  }

  private scaleDownOld(others: KubeObject[]): void {
    for (const rs of others) this.scale(rs, 0);
  }

  // ---------------------------------------------------------------------------
  // Canary

  private canaryWeight(steps: JsonObject[], index: number): number {
    let weight = 0;
    for (let i = 0; i < Math.min(index + 1, steps.length); i++) {
      if (steps[i].setWeight !== undefined) weight = Number(steps[i].setWeight);
    }
    return weight;
  }

  private canary(
    rollout: KubeObject,
    status: JsonObject,
    canary: JsonObject,
    steps: JsonObject[],
    newRS: KubeObject,
    stableRS: KubeObject | undefined,
    others: KubeObject[],
    desired: number,
    now: string,
  ): Outcome {
    status.canary ??= {};
    delete status.blueGreen;
    status.blueGreen = {};
    const revision = newRS.metadata.annotations?.[REVISION] ?? '1';
    const newName = newRS.metadata.name!;
    const promoted = status.stableRS === status.currentPodHash;

    if (promoted) {
      this.scale(newRS, desired);
      this.scaleDownOld(
        others.concat(stableRS && stableRS !== newRS ? [stableRS] : []),
      );
      if (steps.length > 0) status.currentStepIndex = steps.length;
      return this.settle(newRS, desired, newName);
    }

    if (status.promoteFull) {
      delete status.abort;
      delete status.abortedAt;
    }
    if (status.abort) {
      status.abortedAt ??= now;
      status.currentStepIndex = 0;
      delete status.pauseConditions;
      delete status.controllerPause;
      this.scale(newRS, 0);
      this.scale(stableRS, desired);
      const message = this.abortMessage(status, revision);
      return {
        phase: 'Degraded',
        message: `RolloutAborted: ${message}`,
        progressing: { status: 'False', reason: 'RolloutAborted', message },
        completed: false,
      };
    }
    if (status.promoteFull) {
      status.currentStepIndex = steps.length;
      delete status.pauseConditions;
      delete status.controllerPause;
    }
    if (rollout.spec.paused) {
      this.pause(rollout, status, 'PausedByUser', now);
      return this.paused(status);
    }

    // Walk the steps from currentStepIndex as far as they complete now.
    for (let guard = 0; guard < steps.length + 1; guard++) {
      const index = Number(status.currentStepIndex ?? 0);
      if (index >= steps.length) break;
      const step = steps[index];
      const done = this.canaryStep(
        rollout,
        status,
        step,
        index,
        newRS,
        stableRS,
        desired,
        steps,
        now,
      );
      if (done === 'blocked') break;
      if (done === 'aborted')
        return this.canary(
          rollout,
          status,
          canary,
          steps,
          newRS,
          stableRS,
          others,
          desired,
          now,
        );
      status.currentStepIndex = index + 1;
      delete status.pauseConditions;
      delete status.controllerPause;
    }
    if ((status.pauseConditions ?? []).length > 0) return this.paused(status);

    const index = Number(status.currentStepIndex ?? 0);
    if (index >= steps.length) {
      // All steps done: the canary takes all replicas, then becomes stable.
      this.scale(newRS, desired);
      if (this.available(newRS) >= desired) {
        status.stableRS = status.currentPodHash;
        delete status.promoteFull;
        this.scale(stableRS, 0);
        this.scaleDownOld(others);
        return this.settle(newRS, desired, newName);
      }
      return this.progressingOutcome(
        newRS,
        desired,
        newName,
        'updated replicas are still becoming available',
      );
    }
    return this.progressingOutcome(
      newRS,
      desired,
      newName,
      'waiting for all steps to complete',
    );
  }

  /** Runs one canary step; 'done' moves to the next step. */
  private canaryStep(
    rollout: KubeObject,
    status: JsonObject,
    step: JsonObject,
    index: number,
    newRS: KubeObject,
    stableRS: KubeObject | undefined,
    desired: number,
    steps: JsonObject[],
    now: string,
  ): 'done' | 'blocked' | 'aborted' {
    const weight = this.canaryWeight(steps, index);
    const canaryReplicas = Math.min(
      desired,
      Math.ceil((desired * weight) / 100),
    );
    if (step.setWeight !== undefined || step.setCanaryScale !== undefined) {
      let target = canaryReplicas;
      if (step.setCanaryScale?.replicas !== undefined)
        target = Number(step.setCanaryScale.replicas);
      else if (step.setCanaryScale?.weight !== undefined)
        target = Math.ceil(
          (desired * Number(step.setCanaryScale.weight)) / 100,
        );
      this.scale(newRS, target);
      this.scale(
        stableRS,
        Math.max(0, desired - (step.setCanaryScale ? canaryReplicas : target)),
      );
      return this.available(newRS) >= target ? 'done' : 'blocked';
    }
    this.scale(newRS, canaryReplicas);
    this.scale(stableRS, Math.max(0, desired - canaryReplicas));
    if (step.pause !== undefined) {
      const existing: JsonObject | undefined = (
        status.pauseConditions ?? []
      ).find((c: JsonObject) => c.reason === 'CanaryPauseStep');
      if (this.resumed(status) && !existing) return 'done';
      if (!existing) this.pause(rollout, status, 'CanaryPauseStep', now);
      const duration = parseDuration(step.pause?.duration);
      if (step.pause?.duration !== undefined) {
        const due =
          this.pauseStarted(rollout, status, 'CanaryPauseStep') +
          this.specSeconds(duration);
        if (Date.now() >= due) return 'done';
        this.enqueue(keyOf(rollout), due - Date.now() + 1);
      }
      return 'blocked';
    }
    if (step.analysis !== undefined) {
      const run = this.analysisRun(
        rollout,
        status,
        step.analysis,
        index,
        newRS,
      );
      const phase: string = run.status?.phase ?? 'Pending';
      status.canary.currentStepAnalysisRunStatus = {
        name: run.metadata.name,
        status: phase,
        ...(run.status?.message ? { message: run.status.message } : {}),
      };
      if (phase === 'Successful') return 'done';
      if (phase === 'Failed' || phase === 'Error') {
        status.abort = true;
        status.abortedAt = now;
        return 'aborted';
      }
      if (phase === 'Inconclusive') {
        this.pause(rollout, status, 'InconclusiveAnalysisRun', now);
        if (this.resumed(status)) return 'done';
      }
      return 'blocked';
    }
    // experiment and steps kube-sim does not model complete at once.
    return 'done';
  }

  private analysisRun(
    rollout: KubeObject,
    status: JsonObject,
    analysis: JsonObject,
    index: number,
    newRS: KubeObject,
  ): KubeObject {
    const revision = newRS.metadata.annotations?.[REVISION] ?? '1';
    const hash = newRS.metadata.labels?.[HASH_LABEL];
    const base = `${rollout.metadata.name}-${hash}-${revision}-${index}`;
    const attempts = this.client
      .list('argoproj.io', 'AnalysisRun', rollout.metadata.namespace)
      .filter(
        run =>
          run.metadata.name === base ||
          run.metadata.name!.startsWith(`${base}.`),
      )
      .sort(
        (a, b) =>
          attemptNumber(a.metadata.name!) - attemptNumber(b.metadata.name!),
      );
    const latest = attempts[attempts.length - 1];
    // A failed run this rollout already reported (and aborted on) predates a
    // retry: the step runs a new analysis. One not yet reported aborts now.
    const reported: JsonObject | undefined =
      status.canary?.currentStepAnalysisRunStatus;
    const alreadyAborted =
      latest &&
      ['Failed', 'Error'].includes(latest.status?.phase) &&
      reported?.name === latest.metadata.name &&
      ['Failed', 'Error'].includes(reported?.status);
    if (latest && !alreadyAborted) return latest;
    const name = latest ? `${base}.${attempts.length}` : base;
    const metrics: JsonObject[] = [];
    const annotations: Record<string, string> = {};
    const args: JsonObject[] = [...(analysis.args ?? [])];
    for (const reference of analysis.templates ?? []) {
      const template = reference.clusterScope
        ? this.client.get(
            'argoproj.io',
            'ClusterAnalysisTemplate',
            undefined,
            reference.templateName,
          )
        : this.client.get(
            'argoproj.io',
            'AnalysisTemplate',
            rollout.metadata.namespace,
            reference.templateName,
          );
      if (!template) continue;
      metrics.push(...(template.spec?.metrics ?? []));
      for (const [key, value] of Object.entries(
        template.metadata.annotations ?? {},
      )) {
        if (key.startsWith(ANALYSIS_RESULT_ANNOTATION))
          annotations[key] = value;
      }
      for (const arg of template.spec?.args ?? []) {
        if (!args.some(a => a.name === arg.name)) args.push(arg);
      }
    }
    return this.client.create({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: {
        name,
        namespace: rollout.metadata.namespace,
        labels: {
          [HASH_LABEL]: hash!,
          'rollout-type': 'Step',
          'step-index': String(index),
          'rollouts-pod-template-hash-revision': revision,
        } as Record<string, string>,
        annotations: {
          'rollout.argoproj.io/revision': revision,
          ...annotations,
        },
        ownerReferences: [ownerReference(rollout) as any],
      },
      spec: { metrics, args: args.length > 0 ? args : undefined },
    });
  }

  // ---------------------------------------------------------------------------
  // Blue-green

  private setServiceSelector(
    namespace: string,
    serviceName: string | undefined,
    hash: string,
    rolloutName: string,
  ): void {
    if (!serviceName) return;
    const service = this.client.get('', 'Service', namespace, serviceName);
    if (!service) return;
    if (
      service.spec?.selector?.[HASH_LABEL] === hash &&
      service.metadata.annotations?.[MANAGED_BY] === rolloutName
    )
      return;
    this.client.update({
      ...service,
      metadata: {
        ...service.metadata,
        annotations: {
          ...(service.metadata.annotations ?? {}),
          [MANAGED_BY]: rolloutName,
        },
      },
      spec: {
        ...service.spec,
        selector: { ...(service.spec?.selector ?? {}), [HASH_LABEL]: hash },
      },
    });
  }

  private blueGreen(
    rollout: KubeObject,
    status: JsonObject,
    blueGreen: JsonObject,
    newRS: KubeObject,
    stableRS: KubeObject | undefined,
    others: KubeObject[],
    desired: number,
    now: string,
  ): Outcome {
    delete status.canary;
    status.canary = {};
    status.blueGreen ??= {};
    delete status.currentStepIndex;
    const namespace = rollout.metadata.namespace!;
    const rolloutName = rollout.metadata.name!;
    const newHash = status.currentPodHash;
    const newName = newRS.metadata.name!;
    const revision = newRS.metadata.annotations?.[REVISION] ?? '1';
    const scaleDownDelayMs = this.specSeconds(
      Number(blueGreen.scaleDownDelaySeconds ?? 30),
    );

    // Old ReplicaSets leave after scaleDownDelaySeconds (the active one stays).
    const retire = (list: KubeObject[]) => {
      for (const rs of list) {
        const current = this.client.get(
          'apps',
          'ReplicaSet',
          rs.metadata.namespace,
          rs.metadata.name!,
        );
        if (!current || Number(current.spec.replicas ?? 0) === 0) continue;
        const deadline = current.metadata.annotations?.[SCALE_DOWN_DEADLINE];
        if (!deadline) {
          const at = new Date(Date.now() + scaleDownDelayMs)
            .toISOString()
            .replace(/\.\d+Z$/, 'Z');
          this.client.update({
            ...current,
            metadata: {
              ...current.metadata,
              annotations: {
                ...current.metadata.annotations,
                [SCALE_DOWN_DEADLINE]: at,
              },
            },
          });
          this.enqueue(keyOf(rollout), scaleDownDelayMs + 5);
        } else if (Date.parse(deadline) <= Date.now()) {
          this.scale(current, 0);
        } else {
          this.enqueue(keyOf(rollout), Date.parse(deadline) - Date.now() + 5);
        }
      }
    };

    if (status.stableRS === newHash) {
      this.scale(newRS, desired);
      this.setServiceSelector(
        namespace,
        blueGreen.activeService,
        newHash,
        rolloutName,
      );
      status.blueGreen.activeSelector = newHash;
      if (
        this.available(newRS) >= desired &&
        status.blueGreen.previewSelector !== undefined
      ) {
        this.setServiceSelector(
          namespace,
          blueGreen.previewService,
          newHash,
          rolloutName,
        );
        status.blueGreen.previewSelector = newHash;
      }
      retire(others.concat(stableRS && stableRS !== newRS ? [stableRS] : []));
      return this.settle(newRS, desired, newName);
    }

    if (status.abort) {
      status.abortedAt ??= now;
      delete status.pauseConditions;
      delete status.controllerPause;
      this.scale(newRS, 0);
      this.scale(stableRS, desired);
      if (status.blueGreen.activeSelector) {
        this.setServiceSelector(
          namespace,
          blueGreen.previewService,
          status.blueGreen.activeSelector,
          rolloutName,
        );
        status.blueGreen.previewSelector = status.blueGreen.activeSelector;
      }
      const message = this.abortMessage(status, revision);
      return {
        phase: 'Degraded',
        message: `RolloutAborted: ${message}`,
        progressing: { status: 'False', reason: 'RolloutAborted', message },
        completed: false,
      };
    }

    const previewReplicas =
      blueGreen.previewReplicaCount !== undefined
        ? Number(blueGreen.previewReplicaCount)
        : desired;
    this.scale(newRS, status.promoteFull ? desired : previewReplicas);
    this.setServiceSelector(
      namespace,
      blueGreen.previewService,
      newHash,
      rolloutName,
    );
    status.blueGreen.previewSelector = newHash;
    if (this.available(newRS) < previewReplicas) {
      return this.progressingOutcome(
        newRS,
        previewReplicas,
        newName,
        'updated replicas are still becoming available',
      );
    }
    const autoPromote = blueGreen.autoPromotionEnabled !== false;
    if (
      !status.promoteFull &&
      (!autoPromote || blueGreen.autoPromotionSeconds !== undefined) &&
      !this.resumed(status)
    ) {
      this.pause(rollout, status, 'BlueGreenPause', now);
      if (blueGreen.autoPromotionSeconds !== undefined) {
        const due =
          this.pauseStarted(rollout, status, 'BlueGreenPause') +
          this.specSeconds(Number(blueGreen.autoPromotionSeconds));
        if (Date.now() < due) {
          this.enqueue(keyOf(rollout), due - Date.now() + 1);
          return this.paused(status);
        }
      } else {
        return this.paused(status);
      }
    }
    // Promote: full size first, then switch the active Service.
    delete status.pauseConditions;
    delete status.controllerPause;
    this.scale(newRS, desired);
    if (this.available(newRS) < desired) {
      return this.progressingOutcome(
        newRS,
        desired,
        newName,
        'updated replicas are still becoming available',
      );
    }
    this.setServiceSelector(
      namespace,
      blueGreen.activeService,
      newHash,
      rolloutName,
    );
    status.blueGreen.activeSelector = newHash;
    status.stableRS = newHash;
    delete status.promoteFull;
    retire(others.concat(stableRS && stableRS !== newRS ? [stableRS] : []));
    return this.settle(newRS, desired, newName);
  }

  // ---------------------------------------------------------------------------
  // Outcomes, restart and status

  private paused(status: JsonObject): Outcome {
    const reason = status.pauseConditions?.[0]?.reason ?? 'PausedByUser';
    return {
      phase: 'Paused',
      message: reason,
      progressing: {
        status: 'Unknown',
        reason: 'RolloutPaused',
        message: 'Rollout is paused',
      },
      completed: false,
    };
  }

  private progressingOutcome(
    newRS: KubeObject,
    target: number,
    newName: string,
    message: string,
  ): Outcome {
    let text = message;
    if (Number(newRS.spec?.replicas ?? 0) < target)
      text = 'more replicas need to be updated';
    return {
      phase: 'Progressing',
      message: text,
      progressing: {
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${newName}" is progressing.`,
      },
      completed: false,
    };
  }

  private settle(newRS: KubeObject, desired: number, newName: string): Outcome {
    if (this.available(newRS) < desired) {
      return this.progressingOutcome(
        newRS,
        desired,
        newName,
        'updated replicas are still becoming available',
      );
    }
    if (this.podCount(newRS) > desired) {
      return this.progressingOutcome(
        newRS,
        desired,
        newName,
        'old replicas are pending termination',
      );
    }
    return {
      phase: 'Healthy',
      message: '',
      progressing: {
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${newName}" has successfully progressed.`,
      },
      completed: true,
    };
  }

  private restart(
    rollout: KubeObject,
    status: JsonObject,
    replicaSets: KubeObject[],
  ): void {
    const restartAt = rollout.spec?.restartAt;
    if (!restartAt || status.restartedAt === restartAt) return;
    const at = Date.parse(restartAt);
    if (!Number.isFinite(at) || at > Date.now()) {
      if (Number.isFinite(at))
        this.enqueue(keyOf(rollout), at - Date.now() + 1);
      return;
    }
    const pods = replicaSets
      .flatMap(rs => ownedObjects(this.context.api, rs, 'Pod'))
      .filter(pod => !pod.metadata.deletionTimestamp);
    const stale = pods.filter(
      pod => Date.parse(pod.metadata.creationTimestamp!) < at,
    );
    const allReady = pods.every(pod =>
      (pod.status?.conditions ?? []).some(
        (c: JsonObject) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    if (stale.length === 0) {
      status.restartedAt = restartAt;
      return;
    }
    // One pod at a time, each replacement ready before the next goes.
    if (allReady) this.client.delete(stale[0]);
  }

  private writeInvalid(
    rollout: KubeObject,
    status: JsonObject,
    message: string,
  ): void {
    const now = this.timestamp();
    status.phase = 'Degraded';
    status.message = `InvalidSpec: ${message}`;
    status.observedGeneration = String(rollout.metadata.generation ?? 1);
    status.conditions = this.condition(
      status.conditions,
      'InvalidSpec',
      'True',
      'InvalidSpec',
      message,
      now,
    );
    if (JSON.stringify(rollout.status ?? {}) !== JSON.stringify(status))
      this.client.updateStatus({ ...rollout, status });
  }

  private condition(
    conditions: JsonObject[] | undefined,
    type: string,
    value: string,
    reason: string,
    message: string,
    now: string,
  ): JsonObject[] {
    const list = [...(conditions ?? [])];
    const existing = list.find(c => c.type === type);
    if (
      existing &&
      existing.status === value &&
      existing.reason === reason &&
      existing.message === message
    )
      return list;
    const next = {
      lastTransitionTime:
        existing && existing.status === value
          ? existing.lastTransitionTime
          : now,
      lastUpdateTime: now,
      message,
      reason,
      status: value,
      type,
    };
    return [...list.filter(c => c.type !== type), next];
  }

  private writeStatus(
    rollout: KubeObject,
    status: JsonObject,
    outcome: Outcome,
    desired: number,
    newRS: KubeObject,
    now: string,
  ): void {
    const replicaSets = ownedObjects(this.context.api, rollout, 'ReplicaSet');
    const sum = (field: string) =>
      replicaSets.reduce(
        (total, rs) => total + Number(rs.status?.[field] ?? 0),
        0,
      );
    const currentNew = replicaSets.find(
      rs => rs.metadata.uid === newRS.metadata.uid,
    );
    status.replicas = sum('replicas');
    status.updatedReplicas = Number(currentNew?.status?.replicas ?? 0);
    status.readyReplicas = sum('readyReplicas');
    status.availableReplicas = sum('availableReplicas');
    status.HPAReplicas = status.replicas;
    let selector = selectorString(rollout.spec.selector);
    if (rollout.spec.strategy?.blueGreen && status.blueGreen?.activeSelector) {
      selector = `${selector},${HASH_LABEL}=${status.blueGreen.activeSelector}`;
    }
    status.selector = selector;
    for (const field of [
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
    ])
      if (status[field] === 0) delete status[field];

    // Progress deadline.
    const deadlineMs = this.specSeconds(
      Number(rollout.spec.progressDeadlineSeconds ?? 600),
    );
    let { phase, message, progressing } = outcome;
    const previousProgressing: JsonObject | undefined = (
      status.conditions ?? []
    ).find((c: JsonObject) => c.type === 'Progressing');
    if (
      phase === 'Progressing' &&
      previousProgressing?.reason === 'ReplicaSetUpdated'
    ) {
      const due =
        this.momentOf(
          `${rollout.metadata.uid}/Progressing`,
          previousProgressing.lastUpdateTime,
        ) + deadlineMs;
      if (Date.now() >= due) {
        progressing = {
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
        };
        phase = 'Degraded';
        message = `ProgressDeadlineExceeded: ${progressing.message}`;
        if (rollout.spec.progressDeadlineAbort) status.abort = true;
      } else {
        this.enqueue(keyOf(rollout), due - Date.now() + 5);
      }
    } else if (
      previousProgressing?.reason === 'ProgressDeadlineExceeded' &&
      phase === 'Progressing'
    ) {
      progressing = {
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: previousProgressing.message,
      };
      phase = 'Degraded';
      message = `ProgressDeadlineExceeded: ${previousProgressing.message}`;
    }

    let conditions: JsonObject[] = status.conditions ?? [];
    const progressingBefore = JSON.stringify(
      conditions.find(c => c.type === 'Progressing'),
    );
    conditions = this.condition(
      conditions,
      'Progressing',
      progressing.status,
      progressing.reason,
      progressing.message,
      now,
    );
    if (
      JSON.stringify(conditions.find(c => c.type === 'Progressing')) !==
      progressingBefore
    ) {
      this.noteMoment(`${rollout.metadata.uid}/Progressing`, now);
    }
    const availableEnough = Number(status.availableReplicas ?? 0) >= desired;
    conditions = this.condition(
      conditions,
      'Available',
      availableEnough ? 'True' : 'False',
      'AvailableReason',
      availableEnough
        ? 'Rollout has minimum availability'
        : 'Rollout does not have minimum availability',
      now,
    );
    conditions = this.condition(
      conditions,
      'Completed',
      outcome.completed ? 'True' : 'False',
      'RolloutCompleted',
      'RolloutCompleted',
      now,
    );
    const paused = phase === 'Paused';
    // The Paused condition exists only while the rollout is paused.
    if (paused) {
      conditions = this.condition(
        conditions,
        'Paused',
        'True',
        'RolloutPaused',
        'Rollout is paused',
        now,
      );
    } else {
      conditions = conditions.filter(c => c.type !== 'Paused');
    }
    conditions = this.condition(
      conditions,
      'Healthy',
      phase === 'Healthy' ? 'True' : 'False',
      'RolloutHealthy',
      phase === 'Healthy' ? 'Rollout is healthy' : 'Rollout is not healthy',
      now,
    );
    status.conditions = conditions;
    status.phase = phase;
    if (message) status.message = message;
    else delete status.message;
    if (JSON.stringify(rollout.status ?? {}) !== JSON.stringify(status)) {
      this.client.updateStatus({ ...rollout, status });
    }
  }
}

/** `name.3` → 3; the first attempt (no suffix) is 0. */
function attemptNumber(name: string): number {
  const match = /\.(\d+)$/.exec(name);
  return match ? Number(match[1]) : 0;
}
