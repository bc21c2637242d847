import type { Application, ApplicationSpec } from '../../application/types';

/** An Application that deploys to the namespace named like it. */
export function application(
  name: string,
  spec: Partial<ApplicationSpec> = {},
  metadata: Partial<Application['metadata']> = {},
): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...metadata },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.internal/apps.git', path: name },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: name,
      },
      ...spec,
    },
  };
}
