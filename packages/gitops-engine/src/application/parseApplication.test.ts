import {
  ApplicationValidationError,
  parseApplication,
} from './parseApplication';
import { applicationSources } from './types';

const valid = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop-dev', namespace: 'argocd' },
  spec: {
    source: {
      repoURL: 'https://git.example.internal/platform.git',
      targetRevision: 'main',
      path: 'apps/shop/overlays/dev',
    },
    destination: { name: 'in-cluster', namespace: 'shop-dev' },
    syncPolicy: {
      automated: { prune: true },
      syncOptions: ['CreateNamespace=true'],
    },
    somethingNewer: { kept: true },
  },
};

function problemsOf(document: unknown): string[] {
  try {
    parseApplication(document, 'apps/shop.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationValidationError);
    return (error as ApplicationValidationError).problems;
  }
  throw new Error('expected the document to be refused');
}

describe('parseApplication', () => {
  it('accepts an Argo CD Application, defaults the project and keeps unknown fields', () => {
    const application = parseApplication(valid);
    expect(application.spec.project).toBe('default');
    expect(application.spec.somethingNewer).toEqual({ kept: true });
    expect(applicationSources(application.spec)).toEqual([valid.spec.source]);
  });

  it('prefers sources over source, as Argo CD does', () => {
    const sources = [
      { repoURL: 'https://git.example.internal/a.git', path: 'a' },
      { repoURL: 'https://git.example.internal/b.git', path: 'b' },
    ];
    const application = parseApplication({
      ...valid,
      spec: { ...valid.spec, sources },
    });
    expect(applicationSources(application.spec)).toEqual(sources);
  });

  it('names each wrong field', () => {
    expect(
      problemsOf({
        apiVersion: 'argoproj.io/v1beta1',
        kind: 'Application',
        metadata: { name: 'Shop_Dev' },
        spec: {
          destination: { namespace: 'x' },
          syncPolicy: { syncOptions: ['CreateNamespace'] },
          ignoreDifferences: [{ group: 'apps' }],
        },
      }),
    ).toEqual([
      'apiVersion: apiVersion must be argoproj.io/v1alpha1',
      'metadata.name: name must be a DNS-1123 subdomain (lower-case letters, digits, - and .)',
      'spec.ignoreDifferences[0].kind: kind is required',
    ]);
  });

  it('checks destination and sources once the shape is right', () => {
    expect(
      problemsOf({
        ...valid,
        spec: {
          destination: { namespace: 'x' },
          syncPolicy: { syncOptions: ['CreateNamespace'] },
        },
      }),
    ).toEqual([
      'spec: set source or sources',
      'spec.destination: set server or name',
      "spec.syncPolicy.syncOptions: sync option 'CreateNamespace' is not of the form Name=value",
    ]);
    expect(
      problemsOf({
        ...valid,
        spec: {
          ...valid.spec,
          destination: { server: 'https://a', name: 'a' },
        },
      }),
    ).toEqual(['spec.destination: set server or name, not both']);
  });

  it('says where the document came from', () => {
    expect(() =>
      parseApplication({ kind: 'Deployment' }, 'apps/shop.yaml document 2'),
    ).toThrow(/^apps\/shop.yaml document 2 is not a valid Application: /);
    expect(problemsOf(null)).toEqual([
      'Invalid input: expected object, received null',
    ]);
  });
});
