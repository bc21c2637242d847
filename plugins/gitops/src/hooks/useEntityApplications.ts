import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import type { GitOpsApplication } from '@driftless/backstage-plugin-gitops-common';
import { gitopsApiRef, type GitOpsApi } from '../api/GitOpsApi';
import { applicationKey, isOperationRunning } from '../lib/applications';
import { useLiveData, type LiveData } from './useLiveData';

/** One entity rarely follows more; past this the card says some are left out. */
export const MAX_ENTITY_APPLICATIONS = 500;
const PAGE_SIZE = 100;

export interface EntityApplications {
  applications: GitOpsApplication[];
  /** More apps match than {@link MAX_ENTITY_APPLICATIONS}. */
  truncated: boolean;
}

/** The apps the entity's annotations link, as the API's `entity` filter finds them. */
export async function loadEntityApplications(
  gitopsApi: GitOpsApi,
  entityRef: string,
): Promise<EntityApplications> {
  const applications: GitOpsApplication[] = [];
  let cursor: string | undefined;
  do {
    const page = await gitopsApi.listApplications({
      entity: entityRef,
      limit: PAGE_SIZE,
      cursor,
    });
    applications.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && applications.length < MAX_ENTITY_APPLICATIONS);
  return { applications, truncated: Boolean(cursor) };
}

/**
 * The entity's applications, kept current: a signal about one of them (or
 * any, while the list is empty) loads them again, and polling is fast while
 * an operation runs.
 */
export function useEntityApplications(
  entity: Entity,
): LiveData<EntityApplications> {
  const gitopsApi = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const live: LiveData<EntityApplications> = useLiveData(
    () => loadEntityApplications(gitopsApi, entityRef),
    [gitopsApi, entityRef],
    {
      busy: value => value.applications.some(isOperationRunning),
      relevant: signal =>
        !live.value ||
        live.value.applications.some(
          app => applicationKey(app.metadata) === signal.key,
        ),
    },
  );
  return live;
}
