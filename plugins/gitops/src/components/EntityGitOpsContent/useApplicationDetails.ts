import { useApi } from '@backstage/core-plugin-api';
import type {
  ApplicationEventView,
  ApplicationIdentity,
  GitOpsApplication,
  ManagedResource,
  ResourceTree,
} from '@driftless/backstage-plugin-gitops-common';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { useLiveData, type LiveData } from '../../hooks/useLiveData';
import { applicationKey, isOperationRunning } from '../../lib/applications';

/** Events read per load: enough for a resource's recent story, a small response. */
export const EVENTS_PER_LOAD = 100;

/**
 * Everything the tab shows of one application. Only the application itself
 * is required: its tree and diffs need a comparison the backend may be
 * unable to make (a ComparisonError), and the tab still shows the app's
 * status, resources and conditions then, with the reason next to what is
 * missing.
 */
export interface ApplicationDetails {
  app: GitOpsApplication;
  tree?: ResourceTree;
  treeError?: string;
  managed?: ManagedResource[];
  managedError?: string;
  events: ApplicationEventView[];
  eventsError?: string;
}

function reason(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === 'rejected'
    ? String((result.reason as Error)?.message ?? result.reason)
    : undefined;
}

export async function loadApplicationDetails(
  gitopsApi: GitOpsApi,
  identity: ApplicationIdentity,
): Promise<ApplicationDetails> {
  const [app, tree, managed, events] = await Promise.allSettled([
    gitopsApi.getApplication(identity),
    gitopsApi.getResourceTree(identity),
    gitopsApi.getManagedResources(identity),
    gitopsApi.getEvents(identity, { limit: EVENTS_PER_LOAD }),
  ]);
  if (app.status === 'rejected') throw app.reason;
  const details: ApplicationDetails = {
    app: app.value,
    events: events.status === 'fulfilled' ? events.value.items : [],
  };
  if (tree.status === 'fulfilled') details.tree = tree.value;
  else details.treeError = reason(tree);
  if (managed.status === 'fulfilled') details.managed = managed.value.items;
  else details.managedError = reason(managed);
  if (events.status === 'rejected') details.eventsError = reason(events);
  return details;
}

/** One application's details, reloaded on its signals and polled fast while it syncs. */
export function useApplicationDetails(
  identity: ApplicationIdentity,
): LiveData<ApplicationDetails> {
  const gitopsApi = useApi(gitopsApiRef);
  const key = applicationKey(identity);
  return useLiveData(
    () => loadApplicationDetails(gitopsApi, identity),
    [gitopsApi, key],
    {
      busy: details => isOperationRunning(details.app),
      relevant: signal => signal.key === key,
    },
  );
}
