import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp as renderInLegacyTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { configure, screen } from '@testing-library/react';
import {
  annotatedEntity,
  fakeGitOpsApi,
  plainEntity,
} from '../../__testUtils__/fixtures';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { EntityGitOpsCard } from '../../index';
import { gitopsEntityCard, gitopsFrontendPlugin } from '../../plugin';

// The shared machine is slow: give lazy loading and MUI transitions time.
configure({ asyncUtilTimeout: 10_000 });

jest.setTimeout(30_000);

const withAnnotations = (annotations: Record<string, string>): Entity => ({
  ...plainEntity,
  metadata: { ...plainEntity.metadata, annotations },
});

describe('the entity card in the new frontend system', () => {
  it('is an extension of the plugin, a content card on the overview', () => {
    expect(
      gitopsFrontendPlugin.getExtension('entity-card:gitops/applications'),
    ).toMatchObject({ kind: 'entity-card', name: 'applications' });
    const tester = createExtensionTester(gitopsEntityCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it('shows only on entities that link Applications, by either spelling', () => {
    const filter = createExtensionTester(gitopsEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(annotatedEntity)).toBe(true);
    expect(
      filter(withAnnotations({ 'argocd/app-selector': 'team=shop' })),
    ).toBe(true);
    expect(filter(withAnnotations({ 'driftless.dev/app-name': 'shop' }))).toBe(
      true,
    );
    expect(filter(plainEntity)).toBe(false);
    expect(filter(withAnnotations({ 'argocd/app-name': ' ' }))).toBe(false);
  });

  it('renders the card with the entity’s Applications', async () => {
    const element = createExtensionTester(gitopsEntityCard).reactElement();
    renderInTestApp(
      <EntityProvider entity={annotatedEntity}>{element}</EntityProvider>,
      {
        apis: [
          [gitopsApiRef, fakeGitOpsApi()],
          [permissionApiRef, mockApis.permission()],
        ],
      },
    );
    expect(await screen.findByText('shop-prod-eu')).toBeInTheDocument();
  });
});

describe('the legacy EntityGitOpsCard export', () => {
  it('renders the card through the plugin’s component extension', async () => {
    await renderInLegacyTestApp(
      <TestApiProvider
        apis={[
          [gitopsApiRef, fakeGitOpsApi()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={annotatedEntity}>
          <EntityGitOpsCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('shop-dev')).toBeInTheDocument();
    expect(screen.getByText('prod · prod-eu')).toBeInTheDocument();
  });
});
