import { isRecord, TypedFieldReader } from '../objectFields';
import { annotationsOf } from '../resourceIdentity';
import { HealthStatus, UnstructuredObject } from '../types';
import { healthOf } from './checkSupport';

/** Where autoscaling/v1 keeps the conditions that v2 has in `status.conditions`. */
const V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const WAITING_TO_AUTOSCALE = healthOf('Progressing', 'Waiting to Autoscale');

/** (type, reason) pairs that mean the autoscaler cannot do its job. */
const DEGRADED_CONDITIONS = new Set([
  'AbleToScale/FailedGetScale',
  'AbleToScale/FailedUpdateScale',
  'ScalingActive/FailedGetResourceMetric',
  'ScalingActive/FailedGetObjectMetric',
  'ScalingActive/FailedGetPodsMetric',
  'ScalingActive/FailedGetExternalMetric',
  'ScalingActive/FailedComputeMetricsReplicas',
  'ScalingActive/InvalidSelector',
]);
const HEALTHY_CONDITION_TYPES = new Set(['AbleToScale', 'ScalingLimited']);

interface AutoscalerCondition {
  type: string;
  reason: string;
  message: string;
  status: string;
}

function judgeConditions(conditions: AutoscalerCondition[]): HealthStatus {
  for (const condition of conditions) {
    if (DEGRADED_CONDITIONS.has(`${condition.type}/${condition.reason}`)) {
      return healthOf('Degraded', condition.message);
    }
    if (
      HEALTHY_CONDITION_TYPES.has(condition.type) &&
      condition.status === 'True'
    ) {
      return healthOf('Healthy', condition.message);
    }
  }
  return WAITING_TO_AUTOSCALE;
}

function v1Conditions(
  obj: UnstructuredObject,
): AutoscalerCondition[] | undefined {
  const annotation = annotationsOf(obj)[V1_CONDITIONS_ANNOTATION];
  if (annotation === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (error) {
    throw new Error(
      `failed to convert conditions annotation to typed: annotation ${V1_CONDITIONS_ANNOTATION} is not valid JSON: ${
        (error as Error).message
      }`,
    );
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) {
    throw new Error(
      `failed to convert conditions annotation to typed: annotation ${V1_CONDITIONS_ANNOTATION} must be a JSON array of conditions`,
    );
  }
  return parsed.map(item => {
    const fields = isRecord(item) ? item : {};
    const text = (key: string) =>
      typeof fields[key] === 'string' ? (fields[key] as string) : '';
    return {
      type: text('type'),
      reason: text('reason'),
      message: text('message'),
      status: text('status'),
    };
  });
}

/**
 * HorizontalPodAutoscaler: autoscaling/v1 (conditions in an annotation) and
 * v2, v2beta1, v2beta2 (conditions in `status.conditions`). Argo CD dropped
 * the two beta versions; they are kept here because clusters still serve them.
 */
export function horizontalPodAutoscalerHealth(
  obj: UnstructuredObject,
  version: string,
): HealthStatus {
  if (version === 'v1') {
    const conditions = v1Conditions(obj);
    if (!conditions || conditions.length === 0) return WAITING_TO_AUTOSCALE;
    return judgeConditions(conditions);
  }
  const r = new TypedFieldReader(obj, 'HPA');
  return judgeConditions(
    r.records('status', 'conditions').map(c => ({
      type: c.string('type') ?? '',
      reason: c.string('reason') ?? '',
      message: c.string('message') ?? '',
      status: c.string('status') ?? '',
    })),
  );
}
