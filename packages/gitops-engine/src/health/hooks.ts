import { annotationsOf, finalizersOf } from './resourceIdentity';
import { UnstructuredObject } from './types';

// Hook rules as Argo CD's gitops-engine reads them (pkg/sync/hook). Health
// needs them to skip hooks in app health and to judge hook Pods; the sync
// engine will need the same rules, so they live in one place.

const ARGO_HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
/** The finalizer the sync engine puts on hooks so they are deleted only after their phase. */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

const ARGO_HOOK_TYPES = new Set([
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
  'Skip',
]);
const HELM_HOOK_TYPES = new Set([
  'pre-install',
  'pre-upgrade',
  'post-upgrade',
  'post-install',
]);

/** The deduplicated, trimmed, non-empty values of a comma-separated annotation. */
function annotationValues(obj: UnstructuredObject, key: string): string[] {
  const raw = annotationsOf(obj)[key] ?? '';
  return [
    ...new Set(
      raw
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    ),
  ];
}

/** The valid hook types on an object; Argo CD hook types win over Helm's. */
function hookTypes(obj: UnstructuredObject): string[] {
  const argoTypes = annotationValues(obj, ARGO_HOOK_ANNOTATION).filter(t =>
    ARGO_HOOK_TYPES.has(t),
  );
  if (argoTypes.length > 0) return argoTypes;
  return annotationValues(obj, HELM_HOOK_ANNOTATION).filter(t =>
    HELM_HOOK_TYPES.has(t),
  );
}

/** `argocd.argoproj.io/hook: Skip` alone: the resource is not synced at all. */
export function isSkipped(obj: UnstructuredObject): boolean {
  const types = hookTypes(obj);
  return types.includes('Skip') && types.length === 1;
}

/** Whether the object is a sync hook (Argo CD or Helm annotation), Skip excepted. */
export function isHook(obj: UnstructuredObject): boolean {
  const annotations = annotationsOf(obj);
  if (ARGO_HOOK_ANNOTATION in annotations) return !isSkipped(obj);
  const helmHook = annotations[HELM_HOOK_ANNOTATION];
  // Helm marks CRDs with the same annotation; they are not hooks.
  return helmHook !== undefined && helmHook !== 'crd-install';
}

export function hasHookFinalizer(obj: UnstructuredObject): boolean {
  return finalizersOf(obj).includes(HOOK_FINALIZER);
}
