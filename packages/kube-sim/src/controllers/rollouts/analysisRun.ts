import { cloneJson, JsonObject, KubeObject } from '../../machinery/types';
import { ChangeEvent } from '../../store/objectStore';
import {
  Controller,
  controllerOf,
  getCondition,
  keyOf,
  ownerReference,
  splitKey,
} from '../controller';

/** Annotation deciding every non-job measurement of an AnalysisRun: Successful (default), Failed, Inconclusive or Error. */
export const ANALYSIS_RESULT_ANNOTATION =
  'kube-sim.driftless.dev/analysis-result';

const TERMINAL = ['Successful', 'Failed', 'Error', 'Inconclusive'];

/**
 * AnalysisRuns: each metric is measured `count` times (default 1). A `job`
 * provider runs its Job and the measurement follows the Job's outcome; other
 * providers (which would query Prometheus and the like) take their result
 * from the {@link ANALYSIS_RESULT_ANNOTATION} annotation on the run (or
 * `<annotation>.<metric name>` for one metric). The status is written as the
 * Argo Rollouts controller writes it.
 */
export class AnalysisRunController extends Controller {
  readonly name = 'analysisRun';
  readonly manager = 'rollouts-controller';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'analysisruns.argoproj.io') {
      if (event.type !== 'DELETED') this.enqueue(keyOf(event.object));
      return;
    }
    if (event.storageKey === 'jobs.batch') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'AnalysisRun')
        this.enqueue(`${event.object.metadata.namespace}/${owner.name}`);
    }
  }

  resync(): void {
    for (const run of this.client.list('argoproj.io', 'AnalysisRun'))
      this.enqueue(keyOf(run));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const run = this.client.get('argoproj.io', 'AnalysisRun', namespace, name);
    if (!run || run.metadata.deletionTimestamp) return;
    if (TERMINAL.includes(run.status?.phase)) return;
    const now = this.timestamp();
    const status: JsonObject = cloneJson(run.status ?? {});
    status.phase ??= 'Running';
    status.startedAt ??= now;
    const metrics: JsonObject[] = run.spec?.metrics ?? [];
    const results: JsonObject[] = status.metricResults ?? [];
    if (run.spec?.terminate) {
      status.phase = 'Successful';
      status.message = 'Run Terminated';
      for (const result of results) {
        for (const measurement of result.measurements ?? []) {
          if (measurement.phase === 'Running') {
            measurement.phase = 'Successful';
            measurement.finishedAt = now;
          }
        }
      }
      this.write(run, status);
      return;
    }
    let nextCheck = Infinity;
    for (const metric of metrics) {
      let result = results.find(r => r.name === metric.name);
      if (!result) {
        result = {
          name: metric.name,
          phase: 'Running',
          count: 0,
          measurements: [],
        };
        results.push(result);
      }
      if (TERMINAL.includes(result.phase)) continue;
      const wait = this.measure(run, metric, result, now);
      if (wait !== undefined) nextCheck = Math.min(nextCheck, wait);
    }
    status.metricResults = results;
    this.summarise(status, metrics, results);
    this.write(run, status);
    if (nextCheck !== Infinity) this.enqueue(key, nextCheck);
  }

  /** Advances one metric; returns ms until it needs looking at again (job metrics wait for their Job's events). */
  private measure(
    run: KubeObject,
    metric: JsonObject,
    result: JsonObject,
    now: string,
  ): number | undefined {
    const measurements: JsonObject[] = result.measurements;
    const running = measurements.find(m => m.phase === 'Running');
    const count = Number(metric.count ?? 1);
    if (!running) {
      if (result.count >= count) return undefined;
      const last = measurements[measurements.length - 1];
      const interval = this.specSeconds(parseDuration(metric.interval));
      if (last && interval > 0) {
        const due = Date.parse(last.finishedAt) + interval - Date.now();
        if (due > 0) return due;
      }
      const measurement: JsonObject = { phase: 'Running', startedAt: now };
      if (metric.provider?.job) {
        const job = this.client.create(
          this.jobFor(run, metric, result.count + 1),
        );
        measurement.metadata = {
          'job-name': job.metadata.name,
          'job-namespace': job.metadata.namespace,
        };
      }
      measurements.push(measurement);
      return metric.provider?.job
        ? undefined
        : this.context.timings.analysisMeasurementMs;
    }
    let outcome: string | undefined;
    let value: string | undefined;
    if (metric.provider?.job) {
      const job = this.client.get(
        'batch',
        'Job',
        running.metadata?.['job-namespace'],
        running.metadata?.['job-name'],
      );
      if (!job) outcome = 'Error';
      else if (getCondition(job, 'Complete')?.status === 'True')
        outcome = 'Successful';
      else if (getCondition(job, 'Failed')?.status === 'True')
        outcome = 'Failed';
      if (!outcome) return undefined;
    } else {
      const elapsed = Date.now() - Date.parse(running.startedAt);
      const remaining = this.context.timings.analysisMeasurementMs - elapsed;
      if (remaining > 0) return remaining;
      const annotations = run.metadata.annotations ?? {};
      outcome =
        annotations[`${ANALYSIS_RESULT_ANNOTATION}.${metric.name}`] ??
        annotations[ANALYSIS_RESULT_ANNOTATION] ??
        'Successful';
      value = outcome === 'Successful' ? '1' : '0';
    }
    running.phase = outcome;
    running.finishedAt = now;
    if (value !== undefined) running.value = value;
    result.count += 1;
    const counter =
      {
        Successful: 'successful',
        Failed: 'failed',
        Inconclusive: 'inconclusive',
        Error: 'error',
      }[outcome!] ?? 'error';
    result[counter] = (result[counter] ?? 0) + 1;
    if (outcome === 'Error')
      result.consecutiveError = (result.consecutiveError ?? 0) + 1;
    const failureLimit = Number(metric.failureLimit ?? 0);
    const inconclusiveLimit = Number(metric.inconclusiveLimit ?? 0);
    const errorLimit = Number(metric.consecutiveErrorLimit ?? 4);
    if ((result.failed ?? 0) > failureLimit) {
      result.phase = 'Failed';
      result.message = `Metric "${metric.name}" assessed Failed due to failed (${result.failed}) > failureLimit (${failureLimit})`;
    } else if ((result.inconclusive ?? 0) > inconclusiveLimit) {
      result.phase = 'Inconclusive';
      result.message = `Metric "${metric.name}" assessed Inconclusive due to inconclusive (${result.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`;
    } else if ((result.consecutiveError ?? 0) > errorLimit) {
      result.phase = 'Error';
      result.message = `Metric "${metric.name}" assessed Error due to consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${errorLimit})`;
    } else if (result.count >= Number(metric.count ?? 1)) {
      result.phase = 'Successful';
    }
    return result.phase === 'Running' ? 0 : undefined;
  }

  private jobFor(
    run: KubeObject,
    metric: JsonObject,
    count: number,
  ): KubeObject {
    const job: JsonObject = metric.provider.job;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `${run.metadata.uid}.${metric.name}.${count}`
          .slice(0, 63)
          .replace(/\.$/, ''),
        namespace: run.metadata.namespace,
        labels: {
          ...(job.metadata?.labels ?? {}),
          'analysisrun.argoproj.io/uid': run.metadata.uid!,
        },
        annotations: {
          ...(job.metadata?.annotations ?? {}),
          'analysisrun.argoproj.io/name': run.metadata.name!,
          'analysisrun.argoproj.io/metric-name': metric.name,
        },
        ownerReferences: [ownerReference(run) as any],
      },
      spec: cloneJson(job.spec ?? {}),
    };
  }

  private summarise(
    status: JsonObject,
    metrics: JsonObject[],
    results: JsonObject[],
  ): void {
    const phases = results.map(r => r.phase);
    const summary = {
      count: metrics.length,
      successful: 0,
      failed: 0,
      inconclusive: 0,
      error: 0,
    };
    for (const phase of phases) {
      if (phase === 'Successful') summary.successful++;
      if (phase === 'Failed') summary.failed++;
      if (phase === 'Inconclusive') summary.inconclusive++;
      if (phase === 'Error') summary.error++;
    }
    status.runSummary = summary;
    const failed = results.find(
      r => r.phase === 'Failed' || r.phase === 'Error',
    );
    if (failed) {
      status.phase = failed.phase;
      status.message = failed.message;
    } else if (
      results.some(r => r.phase === 'Inconclusive') &&
      phases.every(p => TERMINAL.includes(p))
    ) {
      status.phase = 'Inconclusive';
      status.message = results.find(r => r.phase === 'Inconclusive')?.message;
    } else if (
      metrics.length > 0 &&
      phases.length === metrics.length &&
      phases.every(p => p === 'Successful')
    ) {
      status.phase = 'Successful';
    }
    status.dryRunSummary ??= {};
  }

  private write(run: KubeObject, status: JsonObject): void {
    if (JSON.stringify(run.status ?? {}) !== JSON.stringify(status))
      this.client.updateStatus({ ...run, status });
  }
}

/** Argo durations: `30s`, `5m`, `1h`, or a bare number of seconds. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return 0;
  const amount = Number(match[1]);
  switch (match[2]) {
    case 'ms':
      return amount / 1000;
    case 'm':
      return amount * 60;
    case 'h':
      return amount * 3600;
    default:
      return amount;
  }
}
