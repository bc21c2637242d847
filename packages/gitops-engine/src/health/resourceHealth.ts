import { findBundledHealthCheck, findCoreHealthCheck } from './builtin';
import { BuiltinHealthCheck } from './builtin/checkSupport';
import { hasHookFinalizer } from './hooks';
import { getField } from './objectFields';
import { GroupVersionKind, groupVersionKindOf } from './resourceIdentity';
import { HealthStatus, UnstructuredObject } from './types';

/** Argo CD's health for an object being deleted (unless a hook finalizer holds it). */
export const PENDING_DELETION: HealthStatus = {
  status: 'Progressing',
  message: 'Pending deletion',
};

export function isPendingDeletion(obj: UnstructuredObject): boolean {
  return (
    getField(obj, ['metadata', 'deletionTimestamp']) !== undefined &&
    !hasHookFinalizer(obj)
  );
}

/** Runs a built-in check; a check that cannot read the object gives Unknown with the reason. */
export function runBuiltinCheck(
  check: BuiltinHealthCheck,
  obj: UnstructuredObject,
  gvk: GroupVersionKind,
): HealthStatus | null {
  try {
    return check(obj, gvk);
  } catch (error) {
    return {
      status: 'Unknown',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * The health Argo CD's gitops-engine gives an object with no customization
 * (`GetResourceHealth(obj, nil)`): Progressing "Pending deletion" while it is
 * being deleted, else its kind's built-in check (Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Pod, Service, Ingress, PersistentVolumeClaim, Job,
 * HorizontalPodAutoscaler, APIService, Argo Workflow), else null: no health.
 * Argo Rollouts and Application checks are not at this level; the
 * {@link HealthAssessor} adds them.
 */
export function getBuiltinResourceHealth(
  obj: UnstructuredObject,
): HealthStatus | null {
  if (isPendingDeletion(obj)) return { ...PENDING_DELETION };
  const gvk = groupVersionKindOf(obj);
  const check = findCoreHealthCheck(gvk);
  return check ? runBuiltinCheck(check, obj, gvk) : null;
}

/**
 * The health of an object from the checks Driftless ships, without any
 * configured Lua: {@link getBuiltinResourceHealth} plus Argo Rollouts'
 * Rollout and AnalysisRun (bundled Lua scripts in Argo CD) and, when
 * `childApplications` is set, child Applications.
 */
export function getShippedResourceHealth(
  obj: UnstructuredObject,
  options: { childApplications: boolean },
): HealthStatus | null {
  if (isPendingDeletion(obj)) return { ...PENDING_DELETION };
  const gvk = groupVersionKindOf(obj);
  const bundled = findBundledHealthCheck(gvk, options);
  if (bundled) return runBuiltinCheck(bundled, obj, gvk);
  const core = findCoreHealthCheck(gvk);
  return core ? runBuiltinCheck(core, obj, gvk) : null;
}
