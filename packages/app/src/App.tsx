import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';

// Plugins from packages/app's dependencies (the Driftless GitOps plugin among
// them) are added by `app.packages: all` in app-config.yaml.
export default createApp({
  features: [catalogPlugin, navModule],
});
