// `yarn start` in this folder: the plugin alone in a dev app, against the
// backend on :7007 (start it with `yarn start` in packages/backend).
import { createDevApp } from '@backstage/frontend-dev-utils';
import plugin from '../src';

createDevApp({ features: [plugin] });
