import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { gitopsClustersExtensionPoint } from '@driftless/backstage-plugin-gitops-node';
import { DEFAULT_TIMINGS, startKubeSim } from '@driftless/kube-sim';

/**
 * Local wiring only: starts kube-sim, the Kubernetes API server test double,
 * inside the backend and offers it to the GitOps plugin as a cluster, so the
 * portal has somewhere to deploy on a machine without Kubernetes. Off unless
 * `kubeSim.enabled`; app-config.production.yaml keeps it off.
 */
export const gitopsModuleLocalKubeSim = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'local-kube-sim',
  register(env) {
    env.registerInit({
      deps: {
        clusters: gitopsClustersExtensionPoint,
        config: coreServices.rootConfig,
        lifecycle: coreServices.rootLifecycle,
        logger: coreServices.logger,
      },
      async init({ clusters, config, lifecycle, logger }) {
        const settings = config.getOptionalConfig('kubeSim');
        if (!settings?.getBoolean('enabled')) {
          return;
        }
        const kubeconfigPath = settings.getOptionalString('kubeconfigPath');
        const sim = await startKubeSim({
          port: settings.getOptionalNumber('port') ?? 0,
          statePath: settings.getOptionalString('statePath'),
          kubeconfigPath,
          timings: DEFAULT_TIMINGS,
          log: line => logger.debug(line),
        });
        lifecycle.addShutdownHook(() => sim.stop());

        const labels =
          settings.getOptional<Record<string, string>>('labels') ?? {};
        const name = settings.getOptionalString('clusterName') ?? 'in-cluster';
        clusters.addClusterSupplier('local-kube-sim', {
          getClusters: async () => [
            {
              name,
              server: sim.url,
              labels,
              auth: { provider: 'serviceAccount', token: sim.token! },
              caData: sim.caCertificate,
            },
          ],
        });
        const kubectlHint = kubeconfigPath
          ? `; try kubectl --kubeconfig ${kubeconfigPath} get all -A`
          : '';
        logger.info(
          `kube-sim, a local test cluster, serves ${sim.url} as cluster '${name}'${kubectlHint}`,
        );
      },
    });
  },
});
