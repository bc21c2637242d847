import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  GitOpsHealthResponse,
  ListClustersResponse,
} from '@driftless/backstage-plugin-gitops-common';
import type { GitOpsApi } from './GitOpsApi';

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

  private async request(path: string): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    return this.fetchApi.fetch(`${baseUrl}${path}`);
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
