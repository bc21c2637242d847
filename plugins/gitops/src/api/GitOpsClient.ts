import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApplicationEventsResponse,
  ApplicationHistoryResponse,
  ApplicationIdentity,
  ApplicationResourceResponse,
  GitOpsApplication,
  GitOpsHealthResponse,
  ListApplicationsQuery,
  ListApplicationSetsResponse,
  ListApplicationsResponse,
  ListClustersResponse,
  ManagedResourcesResponse,
  ResourceActionsResponse,
  ResourceEventsResponse,
  ResourceObjectRef,
  ResourceRef,
  ResourceTree,
  RollbackRequest,
  RunResourceActionRequest,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import type { GitOpsApi } from './GitOpsApi';

/** `key=a,b&other=c`: lists as one comma-separated value, as the API reads them. */
export function listApplicationsSearchParams(
  query: ListApplicationsQuery,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  return params;
}

/** A resource as the API's resource routes take it in the query (no uid). */
function resourceSearchParams(resource: ResourceRef): URLSearchParams {
  return new URLSearchParams({
    group: resource.group,
    version: resource.version,
    kind: resource.kind,
    name: resource.name,
    ...(resource.namespace ? { namespace: resource.namespace } : {}),
  });
}

function appPath(app: ApplicationIdentity): string {
  return `/applications/${encodeURIComponent(
    app.namespace,
  )}/${encodeURIComponent(app.name)}`;
}

/**
 * {@link GitOpsApi} over HTTP, with the user's Backstage credentials.
 *
 * @public
 */
export class GitOpsClient implements GitOpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<GitOpsHealthResponse> {
    // An unhealthy backend answers 503 with the same body, which is what the
    // page shows; only a response without that body is an error here.
    const response = await this.request('/health');
    if (response.status === 503) {
      return (await response.json()) as GitOpsHealthResponse;
    }
    return this.json(response);
  }

  async listClusters(): Promise<ListClustersResponse> {
    return this.json(await this.request('/clusters'));
  }

  async listApplications(
    query: ListApplicationsQuery = {},
  ): Promise<ListApplicationsResponse> {
    const params = listApplicationsSearchParams(query).toString();
    return this.json(
      await this.request(`/applications${params ? `?${params}` : ''}`),
    );
  }

  async listApplicationSets(
    query: { namespace?: string[]; project?: string[] } = {},
  ): Promise<ListApplicationSetsResponse> {
    const params = listApplicationsSearchParams(query).toString();
    return this.json(
      await this.request(`/applicationsets${params ? `?${params}` : ''}`),
    );
  }

  async getApplication(app: ApplicationIdentity): Promise<GitOpsApplication> {
    return this.json(await this.request(appPath(app)));
  }

  async getResourceTree(app: ApplicationIdentity): Promise<ResourceTree> {
    return this.json(await this.request(`${appPath(app)}/resource-tree`));
  }

  async getManagedResources(
    app: ApplicationIdentity,
  ): Promise<ManagedResourcesResponse> {
    return this.json(await this.request(`${appPath(app)}/managed-resources`));
  }

  async getEvents(
    app: ApplicationIdentity,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<ApplicationEventsResponse> {
    const params = new URLSearchParams();
    if (options.limit) params.set('limit', String(options.limit));
    if (options.cursor) params.set('cursor', options.cursor);
    const query = params.toString();
    return this.json(
      await this.request(`${appPath(app)}/events${query ? `?${query}` : ''}`),
    );
  }

  async getHistory(
    app: ApplicationIdentity,
  ): Promise<ApplicationHistoryResponse> {
    return this.json(await this.request(`${appPath(app)}/history`));
  }

  async sync(
    app: ApplicationIdentity,
    request: SyncRequest,
  ): Promise<GitOpsApplication> {
    return this.json(
      await this.request(`${appPath(app)}/sync`, 'POST', request),
    );
  }

  async refresh(
    app: ApplicationIdentity,
    options: { hard?: boolean } = {},
  ): Promise<GitOpsApplication> {
    return this.json(
      await this.request(
        `${appPath(app)}/refresh${options.hard ? '?hard=true' : ''}`,
        'POST',
      ),
    );
  }

  async rollback(
    app: ApplicationIdentity,
    request: RollbackRequest,
  ): Promise<GitOpsApplication> {
    return this.json(
      await this.request(`${appPath(app)}/rollback`, 'POST', request),
    );
  }

  async terminateOperation(app: ApplicationIdentity): Promise<void> {
    await this.json(await this.request(`${appPath(app)}/operation`, 'DELETE'));
  }

  async getLiveResource(
    app: ApplicationIdentity,
    resource: ResourceRef,
  ): Promise<Record<string, unknown>> {
    const response: ApplicationResourceResponse = await this.json(
      await this.request(
        `${appPath(app)}/resource?${resourceSearchParams(resource)}`,
      ),
    );
    return JSON.parse(response.manifest);
  }

  async getResourceEvents(
    app: ApplicationIdentity,
    resource: ResourceObjectRef,
  ): Promise<ResourceEventsResponse> {
    const params = new URLSearchParams({
      group: resource.group,
      ...(resource.version ? { version: resource.version } : {}),
      kind: resource.kind,
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
      name: resource.name,
      ...(resource.uid ? { uid: resource.uid } : {}),
    });
    return this.json(
      await this.request(`${appPath(app)}/resource/events?${params}`),
    );
  }

  async getResourceActions(
    app: ApplicationIdentity,
    resource: ResourceRef,
  ): Promise<ResourceActionsResponse> {
    const params = resourceSearchParams(resource);
    return this.json(
      await this.request(`${appPath(app)}/resource/actions?${params}`),
    );
  }

  async runResourceAction(
    app: ApplicationIdentity,
    request: RunResourceActionRequest,
  ): Promise<void> {
    await this.json(
      await this.request(`${appPath(app)}/resource/actions`, 'POST', request),
    );
  }

  private async request(
    path: string,
    method: 'GET' | 'POST' | 'DELETE' = 'GET',
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    return this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }
        : {}),
    });
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
