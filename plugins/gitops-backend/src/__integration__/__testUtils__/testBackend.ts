// A Backstage backend with only the GitOps plugin (and so its application
// controller), for the process-level integration tests: they start it as a
// separate Node process, kill it and start it again. Run from this package's
// folder:
//
//   node -r @backstage/cli/config/nodeTransform.cjs \
//     src/__integration__/__testUtils__/testBackend.ts --config <app-config.yaml>
//
// Everything else (listen port, database, clusters, Git repositories,
// controller timings, webhook secrets) comes from that config file; Backstage
// also reads APP_CONFIG_* variables. Auth is mocked so the tests can call the
// API with mockCredentials' tokens; permissions are off (allow all), as in a
// backend without the permission framework.
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { gitopsPlugin } from '../../plugin';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(gitopsPlugin);
backend.start().catch(error => {
  process.stderr.write(
    `The GitOps test backend failed to start: ${
      (error as Error).stack ?? error
    }\n`,
  );
  process.exit(1);
});
