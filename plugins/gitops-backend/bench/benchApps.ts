import type { KubernetesObject } from '@driftless/gitops-engine';

/** How an app's objects split by kind: 60 % ConfigMaps, 20 % Services, 20 % Deployments. */
export function objectMix(objects: number): {
  configMaps: number;
  services: number;
  deployments: number;
} {
  const services = Math.floor(objects / 5);
  const deployments = Math.floor(objects / 5);
  return {
    configMaps: objects - services - deployments,
    services,
    deployments,
  };
}

export function appName(index: number): string {
  return `app-${String(index).padStart(4, '0')}`;
}

/**
 * The objects of one benchmark app (without namespace: the Application's
 * destination, or `kubectl -n`, sets it). `revision` changes one ConfigMap,
 * as a commit to the app would.
 */
export function appObjects(
  app: string,
  objects: number,
  revision = 1,
): KubernetesObject[] {
  const mix = objectMix(objects);
  const result: KubernetesObject[] = [];
  for (let i = 0; i < mix.configMaps; i++) {
    result.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${i}`, labels: { app } },
      data: {
        LOG_LEVEL: 'info',
        FEATURE_FLAGS: `search,checkout,${app}`,
        REVISION: String(i === 0 ? revision : 1),
      },
    });
  }
  for (let i = 0; i < mix.services; i++) {
    result.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `web-${i}`, labels: { app } },
      spec: {
        selector: { app, component: `web-${i}` },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
    });
  }
  for (let i = 0; i < mix.deployments; i++) {
    result.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `web-${i}`, labels: { app } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app, component: `web-${i}` } },
        template: {
          metadata: { labels: { app, component: `web-${i}` } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example.com/shop/web:1.4.2',
                ports: [{ containerPort: 8080 }],
                resources: { requests: { cpu: '50m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    });
  }
  return result;
}

/** One multi-document YAML file (JSON documents, which are YAML) per kind, and the kustomization. */
export function appFiles(
  app: string,
  objects: number,
  revision = 1,
): Record<string, string> {
  const byKind = new Map<string, KubernetesObject[]>();
  for (const object of appObjects(app, objects, revision)) {
    const file = `${object.kind.toLowerCase()}s.yaml`;
    byKind.set(file, [...(byKind.get(file) ?? []), object]);
  }
  const files: Record<string, string> = {};
  for (const [file, list] of byKind) {
    files[`apps/${app}/${file}`] = list
      .map(object => JSON.stringify(object))
      .join('\n---\n');
  }
  files[`apps/${app}/kustomization.yaml`] = `resources: [${[
    ...byKind.keys(),
  ].join(', ')}]\n`;
  return files;
}

/**
 * The Application of a benchmark app: automated sync with prune,
 * CreateNamespace, and `manifest-generate-paths: .` so a push refreshes
 * only the apps whose files it changed (what a 1,000-app monorepo needs in
 * Argo CD too).
 */
export function applicationFile(app: string, repoURL: string): string {
  return JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app,
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/manifest-generate-paths': '.' },
    },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path: `apps/${app}` },
      destination: { name: 'in-cluster', namespace: app },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      },
    },
  });
}
