import type { Entity } from '@backstage/catalog-model';
import type {
  GitOpsHealthResponse,
  ListClustersResponse,
} from '@driftless/backstage-plugin-gitops-common';

export const annotatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: {
      'argocd/app-name': 'shop-dev,shop-prod',
      'argocd/app-selector': 'app.kubernetes.io/part-of=shop',
      'argocd/project-name': 'team-shop',
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

export const plainEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'docs-site' },
  spec: { type: 'website', owner: 'team-docs', lifecycle: 'production' },
};

export const healthResponse: GitOpsHealthResponse = {
  status: 'ok',
  database: { status: 'ok', applications: 7 },
  tools: [
    {
      name: 'kubectl',
      path: '/opt/tools/kubectl',
      version: 'v1.32.3 (kustomize v5.5.0)',
    },
    {
      name: 'helm',
      error: "'helm' was not found on PATH (1 directory searched)",
    },
  ],
};

export const clustersResponse: ListClustersResponse = {
  items: [
    {
      name: 'prod-eu',
      server: 'https://prod-eu.example.internal:6443',
      labels: { env: 'prod', region: 'eu' },
      authProvider: 'serviceAccount',
      source: 'config',
    },
  ],
};

/** What the backend's error middleware sends for a request without credentials. */
export const unauthenticatedClustersResponse = {
  error: { name: 'AuthenticationError', message: 'Missing credentials' },
  request: { method: 'GET', url: '/api/gitops/clusters' },
  response: { statusCode: 401 },
};
