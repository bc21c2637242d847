import { JsonObject, KubeObject, parseApiVersion } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, keyOf, splitKey } from './controller';

/**
 * HorizontalPodAutoscalers without metrics: the current replicas of the
 * target stay as they are unless outside [minReplicas, maxReplicas], where
 * the target is scaled into range as the real controller would; the status
 * reports a steady 10% CPU utilisation and the AbleToScale, ScalingActive and
 * ScalingLimited conditions.
 */
export class HorizontalPodAutoscalerController extends Controller {
  readonly name = 'horizontalPodAutoscaler';
  readonly manager = 'kube-controller-manager';

  observe(event: ChangeEvent): void {
    if (event.type === 'DELETED') return;
    if (event.storageKey === 'horizontalpodautoscalers.autoscaling') {
      this.enqueue(keyOf(event.object));
      return;
    }
    const namespace = event.object.metadata.namespace;
    if (
      !namespace ||
      ![
        'deployments.apps',
        'statefulsets.apps',
        'replicasets.apps',
        'rollouts.argoproj.io',
      ].includes(event.storageKey)
    )
      return;
    for (const hpa of this.client.list(
      'autoscaling',
      'HorizontalPodAutoscaler',
      namespace,
    )) {
      if (
        hpa.spec?.scaleTargetRef?.name === event.object.metadata.name &&
        hpa.spec?.scaleTargetRef?.kind === event.object.kind
      ) {
        this.enqueue(keyOf(hpa));
      }
    }
  }

  resync(): void {
    for (const hpa of this.client.list(
      'autoscaling',
      'HorizontalPodAutoscaler',
    ))
      this.enqueue(keyOf(hpa));
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const hpa = this.client.get(
      'autoscaling',
      'HorizontalPodAutoscaler',
      namespace,
      name,
    );
    if (!hpa || hpa.metadata.deletionTimestamp) return;
    const ref: JsonObject = hpa.spec?.scaleTargetRef ?? {};
    const { group } = parseApiVersion(String(ref.apiVersion ?? 'apps/v1'));
    const target = this.client.get(
      group,
      String(ref.kind ?? ''),
      namespace,
      String(ref.name ?? ''),
    );
    const now = this.timestamp();
    const previous: JsonObject[] = hpa.status?.conditions ?? [];
    const condition = (
      type: string,
      status: string,
      reason: string,
      message: string,
    ): JsonObject => {
      const existing = previous.find(c => c.type === type);
      const lastTransitionTime =
        existing && existing.status === status
          ? existing.lastTransitionTime
          : now;
      return { type, status, lastTransitionTime, reason, message };
    };
    const status: JsonObject = { ...(hpa.status ?? {}) };
    if (!target) {
      const resource = `${String(ref.kind ?? '').toLowerCase()}s/scale${
        group ? `.${group}` : ''
      }`;
      status.conditions = [
        condition(
          'AbleToScale',
          'False',
          'FailedGetScale',
          `the HPA controller was unable to get the target's current scale: ${resource} "${ref.name}" not found`,
        ),
      ];
      status.currentReplicas = 0;
      status.desiredReplicas = 0;
      this.write(hpa, status);
      return;
    }
    const min = Number(hpa.spec?.minReplicas ?? 1);
    const max = Number(hpa.spec?.maxReplicas ?? min);
    const current = Number(target.spec?.replicas ?? 1);
    const desired = Math.min(max, Math.max(min, current));
    if (desired !== current) {
      this.client.mergePatch(target, { spec: { replicas: desired } });
      status.lastScaleTime = now;
    }
    let limited = condition(
      'ScalingLimited',
      'False',
      'DesiredWithinRange',
      'the desired count is within the acceptable range',
    );
    if (current < min)
      limited = condition(
        'ScalingLimited',
        'True',
        'TooFewReplicas',
        'the desired replica count is less than the minimum replica count',
      );
    if (current > max)
      limited = condition(
        'ScalingLimited',
        'True',
        'TooManyReplicas',
        'the desired replica count is more than the maximum replica count',
      );
    status.currentReplicas = current;
    status.desiredReplicas = desired;
    status.currentMetrics = (hpa.spec?.metrics ?? [])
      .filter((metric: JsonObject) => metric.type === 'Resource')
      .map((metric: JsonObject) => ({
        type: 'Resource',
        resource: {
          name: metric.resource?.name,
          current: {
            averageUtilization: 10,
            averageValue: metric.resource?.name === 'memory' ? '64Mi' : '10m',
          },
        },
      }));
    status.conditions = [
      condition(
        'AbleToScale',
        'True',
        'ReadyForNewScale',
        'recommended size matches current size',
      ),
      condition(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
      ),
      limited,
    ];
    this.write(hpa, status);
  }

  private write(hpa: KubeObject, status: JsonObject): void {
    if (JSON.stringify(hpa.status ?? {}) !== JSON.stringify(status))
      this.client.updateStatus({ ...hpa, status });
  }
}
