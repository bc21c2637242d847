import type { GitOpsStore } from '../../database/GitOpsStore';
import {
  MAX_APPLICATION_PAGE_SIZE,
  type ApplicationListFilter,
  type ApplicationRecord,
} from '../../database/types';

/** Every stored Application matching the filter, page by page. */
export async function listAllApplications(
  store: Pick<GitOpsStore, 'listApplications'>,
  filter?: ApplicationListFilter,
): Promise<ApplicationRecord[]> {
  const all: ApplicationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listApplications({
      filter,
      limit: MAX_APPLICATION_PAGE_SIZE,
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
