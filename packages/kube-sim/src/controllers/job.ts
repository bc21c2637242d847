import { JsonObject, KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import {
  Controller,
  controllerOf,
  getCondition,
  keyOf,
  splitKey,
} from './controller';
import {
  generatedName,
  isPodActive,
  isPodReady,
  ownedObjects,
  podFromTemplate,
} from './workloadHelpers';

/**
 * Jobs: runs pods until `completions` succeed or more than `backoffLimit`
 * fail, then writes the Complete (with SuccessCriteriaMet) or Failed (with
 * FailureTarget) conditions, completionTime and counts; honours suspend and
 * ttlSecondsAfterFinished. Whether a pod succeeds is up to the pod simulator
 * (exit-code annotation, `fail` image, `exit N` command).
 */
export class JobController extends Controller {
  readonly name = 'job';
  readonly manager = 'kube-controller-manager';
  readonly eventSource = 'job-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'jobs.batch') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'Job')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const job of this.client.list('batch', 'Job'))
      this.enqueue(keyOf(job));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const job = this.client.get('batch', 'Job', namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const finished = this.finishedAt(job);
    if (finished) {
      this.collect(job, finished);
      return;
    }
    const pods = ownedObjects(this.context.api, job, 'Pod');
    const succeeded = pods.filter(
      pod => pod.status?.phase === 'Succeeded',
    ).length;
    const failed = pods.filter(pod => pod.status?.phase === 'Failed').length;
    const active = pods.filter(isPodActive);
    const completions = Number(job.spec.completions ?? 1);
    const parallelism = Number(job.spec.parallelism ?? 1);
    const backoffLimit = Number(job.spec.backoffLimit ?? 6);
    const now = this.timestamp();
    const status: JsonObject = { ...(job.status ?? {}) };
    status.startTime ??= now;

    if (job.spec.suspend) {
      for (const pod of active) this.client.delete(pod);
      status.active = undefined;
      status.conditions = this.setJobCondition(
        status.conditions,
        'Suspended',
        'True',
        'JobSuspended',
        'Job suspended',
        now,
      );
      this.write(job, status, succeeded, failed, 0, 0);
      return;
    }

    if (succeeded >= completions) {
      for (const pod of active) this.client.delete(pod);
      const message = 'Reached expected number of succeeded pods';
      status.conditions = this.setJobCondition(
        status.conditions,
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        message,
        now,
      );
      status.conditions = this.setJobCondition(
        status.conditions,
        'Complete',
        'True',
        'CompletionsReached',
        message,
        now,
      );
      status.completionTime = now;
      this.write(job, status, succeeded, failed, 0, 0);
      this.client.event(
        job,
        'Normal',
        'Completed',
        'Job completed',
        this.now(),
      );
      this.scheduleTtl(job, now);
      return;
    }
    if (failed > backoffLimit) {
      for (const pod of active) this.client.delete(pod);
      const message = 'Job has reached the specified backoff limit';
      status.conditions = this.setJobCondition(
        status.conditions,
        'FailureTarget',
        'True',
        'BackoffLimitExceeded',
        message,
        now,
      );
      status.conditions = this.setJobCondition(
        status.conditions,
        'Failed',
        'True',
        'BackoffLimitExceeded',
        message,
        now,
      );
      this.write(job, status, succeeded, failed, 0, 0);
      this.client.event(
        job,
        'Warning',
        'BackoffLimitExceeded',
        message,
        this.now(),
      );
      this.scheduleTtl(job, now);
      return;
    }

    const wanted =
      Math.min(parallelism, completions - succeeded) - active.length;
    if (wanted > 0) {
      // Failed pods are replaced after a back-off, as the real controller does.
      const lastFailure = pods
        .filter(pod => pod.status?.phase === 'Failed')
        .map(pod =>
          Date.parse(
            pod.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt ??
              pod.metadata.creationTimestamp!,
          ),
        )
        .reduce((latest, time) => Math.max(latest, time), 0);
      const backoff =
        failed > 0
          ? this.context.timings.crashLoopBackoffMs *
            Math.min(32, 2 ** (failed - 1))
          : 0;
      const wait = lastFailure + backoff - Date.now();
      if (failed > 0 && wait > 0) {
        this.enqueue(key, wait + 1);
      } else {
        for (let i = 0; i < wanted; i++) {
          const pod = this.client.create(
            podFromTemplate(
              job,
              job.spec.template,
              generatedName(job.metadata.name!, this.context.random),
            ),
          );
          active.push(pod);
          this.client.event(
            job,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod.metadata.name}`,
            this.now(),
          );
        }
      }
    }
    this.write(
      job,
      status,
      succeeded,
      failed,
      active.length,
      active.filter(isPodReady).length,
    );
  }

  private setJobCondition(
    conditions: JsonObject[] | undefined,
    type: string,
    status: string,
    reason: string,
    message: string,
    now: string,
  ): JsonObject[] {
    const list = [...(conditions ?? [])];
    const existing = list.find(c => c.type === type);
    if (existing?.status === status && existing.reason === reason) return list;
    const next = {
      type,
      status,
      lastProbeTime: now,
      lastTransitionTime: now,
      reason,
      message,
    };
    return [...list.filter(c => c.type !== type), next];
  }

  private write(
    job: KubeObject,
    status: JsonObject,
    succeeded: number,
    failed: number,
    active: number,
    ready: number,
  ): void {
    const next: JsonObject = { ...status };
    if (active > 0) next.active = active;
    else delete next.active;
    next.ready = ready;
    if (succeeded > 0) next.succeeded = succeeded;
    else delete next.succeeded;
    if (failed > 0) next.failed = failed;
    else delete next.failed;
    next.terminating = 0;
    next.uncountedTerminatedPods = {};
    if (!next.conditions || next.conditions.length === 0)
      delete next.conditions;
    if (JSON.stringify(job.status ?? {}) !== JSON.stringify(next))
      this.client.updateStatus({ ...job, status: next });
  }

  private finishedAt(job: KubeObject): string | undefined {
    for (const type of ['Complete', 'Failed']) {
      const condition = getCondition(job, type);
      if (condition?.status === 'True') return condition.lastTransitionTime;
    }
    return undefined;
  }

  private scheduleTtl(job: KubeObject, finishedAt: string): void {
    if (job.spec.ttlSecondsAfterFinished === undefined) return;
    const due =
      Date.parse(finishedAt) +
      this.specSeconds(Number(job.spec.ttlSecondsAfterFinished));
    this.enqueue(keyOf(job), Math.max(0, due - Date.now()) + 1);
  }

  private collect(job: KubeObject, finishedAt: string): void {
    if (job.spec.ttlSecondsAfterFinished === undefined) return;
    const due =
      Date.parse(finishedAt) +
      this.specSeconds(Number(job.spec.ttlSecondsAfterFinished));
    if (Date.now() >= due)
      this.client.delete(job, { propagationPolicy: 'Background' });
    else this.enqueue(keyOf(job), due - Date.now() + 1);
  }
}
