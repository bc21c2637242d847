// `yarn start` in this folder: the plugin alone in a backend, with mocked
// auth so the API can be called with curl:
//   curl localhost:7007/api/gitops/health
//   curl localhost:7007/api/gitops/clusters
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
