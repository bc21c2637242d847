import { Content, Header, Page } from '@backstage/core-components';
import { GitOpsPageContent } from './GitOpsPageContent';

/**
 * The GitOps page for apps on the legacy frontend system, which draw their
 * own header (the new system's PageBlueprint draws it for us).
 */
export const GitOpsPage = () => (
  <Page themeId="tool">
    <Header
      title="GitOps"
      subtitle="Applications, clusters and the Driftless controller"
    />
    <Content>
      <GitOpsPageContent />
    </Content>
  </Page>
);
