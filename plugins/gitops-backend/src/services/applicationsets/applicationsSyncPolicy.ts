import type {
  ApplicationSetSyncPolicy,
  ApplicationsSyncPolicy,
} from '@driftless/gitops-engine';
import type { ApplicationSetSettings } from './readApplicationSetConfig';

/**
 * The policy a set runs with (Argo CD's `utils.DefaultPolicy`): the set's
 * own `syncPolicy.applicationsSync` when the controller lets sets override
 * its policy, else the controller's, which is `sync` when none is configured.
 */
export function effectiveApplicationsSync(
  syncPolicy: ApplicationSetSyncPolicy | undefined,
  settings: Pick<ApplicationSetSettings, 'policy' | 'enablePolicyOverride'>,
): ApplicationsSyncPolicy {
  const controllerPolicy = settings.policy ?? 'sync';
  if (!settings.enablePolicyOverride || !syncPolicy?.applicationsSync) {
    return controllerPolicy;
  }
  return syncPolicy.applicationsSync;
}

/** Whether the policy lets the controller change Applications it created (`create-update`, `sync`). */
export function allowsUpdate(policy: ApplicationsSyncPolicy): boolean {
  return policy === 'create-update' || policy === 'sync';
}

/** Whether the policy lets the controller delete Applications no longer generated (`create-delete`, `sync`). */
export function allowsDelete(policy: ApplicationsSyncPolicy): boolean {
  return policy === 'create-delete' || policy === 'sync';
}
