import type { Entity } from '@backstage/catalog-model';
import { getEntityApplicationLinks, isGitOpsAvailable } from './annotations';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', annotations },
    spec: {},
  };
}

describe('getEntityApplicationLinks', () => {
  it('returns undefined when no GitOps annotation is present', () => {
    const entity = entityWith({ 'backstage.io/techdocs-ref': 'dir:.' });
    expect(getEntityApplicationLinks(entity)).toBeUndefined();
    expect(isGitOpsAvailable(entity)).toBe(false);
  });

  it('treats blank annotations as absent', () => {
    const entity = entityWith({
      'argocd/app-name': ' , ',
      'argocd/app-selector': '   ',
    });
    expect(getEntityApplicationLinks(entity)).toBeUndefined();
  });

  it('splits comma-separated names and merges both spellings without duplicates', () => {
    const entity = entityWith({
      'argocd/app-name': 'shop-dev, shop-prod',
      'driftless.dev/app-name': 'shop-prod,shop-staging',
    });
    expect(getEntityApplicationLinks(entity)).toEqual({
      appNames: ['shop-dev', 'shop-prod', 'shop-staging'],
      appSelectors: [],
    });
  });

  it('keeps a selector whole, since its commas mean "and"', () => {
    const entity = entityWith({
      'argocd/app-selector': 'app.kubernetes.io/part-of=shop,tier in (web,api)',
      'argocd/project-name': ' team-shop ',
    });
    expect(getEntityApplicationLinks(entity)).toEqual({
      appNames: [],
      appSelectors: ['app.kubernetes.io/part-of=shop,tier in (web,api)'],
      projectName: 'team-shop',
    });
    expect(isGitOpsAvailable(entity)).toBe(true);
  });
});
