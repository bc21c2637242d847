import { annotationsOf, finalizersOf } from './resourceIdentity';
import { UnstructuredObject } from './types';

// Hook rules as Argo CD's gitops-engine reads them (pkg/sync/hook). Health
// needs them to skip hooks in app health and to judge hook Pods; the sync
// engine uses the same rules (phases, delete policies), so they live in one place.

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION =
  'argocd.argoproj.io/hook-delete-policy';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';
/** The finalizer the sync engine puts on hooks so they are deleted only after their phase. */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

const ARGO_HOOK_TYPES = new Set([
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
  'Skip',
]);
/** Helm hook types Argo CD runs, and the phase each maps to (`pkg/sync/hook/helm/type.go`). */
const HELM_HOOK_PHASES: Record<string, HookSyncPhase> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-upgrade': 'PostSync',
  'post-install': 'PostSync',
};
const HELM_HOOK_TYPES = new Set(Object.keys(HELM_HOOK_PHASES));

/** The sync phases a hook can run in. */
export type HookSyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
const HOOK_SYNC_PHASES = new Set<string>([
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
]);

export type HookDeletePolicy =
  | 'HookSucceeded'
  | 'HookFailed'
  | 'BeforeHookCreation';
const HELM_DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};
const DELETE_POLICIES = new Set<string>(Object.values(HELM_DELETE_POLICIES));

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
  const argoTypes = annotationValues(obj, HOOK_ANNOTATION).filter(t =>
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
  if (HOOK_ANNOTATION in annotations) return !isSkipped(obj);
  const helmHook = annotations[HELM_HOOK_ANNOTATION];
  // Helm marks CRDs with the same annotation; they are not hooks.
  return helmHook !== undefined && helmHook !== 'crd-install';
}

export function hasHookFinalizer(obj: UnstructuredObject): boolean {
  return finalizersOf(obj).includes(HOOK_FINALIZER);
}

/**
 * The sync phases a hook runs in, each once (Argo CD's `syncPhases` over
 * `hook.Types`): its Argo CD hook types, or else its Helm ones mapped
 * (`pre-install`/`pre-upgrade` → PreSync, `post-install`/`post-upgrade` →
 * PostSync). Empty for a hook of no runnable type (Helm `test`, Argo CD
 * `PostDelete`), which is then neither applied nor pruned.
 */
export function hookSyncPhases(obj: UnstructuredObject): HookSyncPhase[] {
  const phases = new Set<HookSyncPhase>();
  for (const type of hookTypes(obj)) {
    if (HOOK_SYNC_PHASES.has(type)) phases.add(type as HookSyncPhase);
    else if (HELM_HOOK_PHASES[type]) phases.add(HELM_HOOK_PHASES[type]);
  }
  return [...phases];
}

/**
 * A hook's delete policies: `argocd.argoproj.io/hook-delete-policy`, then
 * the Helm ones appended, `BeforeHookCreation` when there are none
 * (`pkg/sync/hook/delete_policy.go`).
 */
export function hookDeletePolicies(
  obj: UnstructuredObject,
): HookDeletePolicy[] {
  const policies: HookDeletePolicy[] = [];
  for (const value of annotationValues(obj, HOOK_DELETE_POLICY_ANNOTATION))
    if (DELETE_POLICIES.has(value)) policies.push(value as HookDeletePolicy);
  for (const value of annotationValues(obj, HELM_HOOK_DELETE_POLICY_ANNOTATION))
    if (HELM_DELETE_POLICIES[value]) policies.push(HELM_DELETE_POLICIES[value]);
  return policies.length > 0 ? policies : ['BeforeHookCreation'];
}
