import { createApiRef } from '@backstage/core-plugin-api';
import type {
  GitOpsHealthResponse,
  ListClustersResponse,
} from '@driftless/backstage-plugin-gitops-common';

/**
 * Client of the Driftless GitOps backend (`/api/gitops`).
 *
 * @public
 */
export interface GitOpsApi {
  getHealth(): Promise<GitOpsHealthResponse>;
  listClusters(): Promise<ListClustersResponse>;
}

/**
 * API reference for {@link GitOpsApi}.
 *
 * @public
 */
export const gitopsApiRef = createApiRef<GitOpsApi>({
  id: 'plugin.gitops.service',
});
