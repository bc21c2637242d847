import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfigError } from './errors';
import type { ClusterConfig } from './types';

const CONTEXT = 'driftless';

function base64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}

/**
 * client-node's KubeConfig for a {@link ClusterConfig}: it supplies the
 * credentials of all four auth providers (token, client certificate,
 * kubeconfig with exec plugins and auth providers, in-cluster ServiceAccount
 * with token rotation). A CA given as `caData` is not put here: the
 * connection adds it to the system's trust store itself, which client-node
 * cannot do.
 */
export function buildKubeConfig(
  cluster: ClusterConfig,
  options: { inClusterRoot?: string } = {},
): KubeConfig {
  const kc = new KubeConfig();
  const { auth } = cluster;
  switch (auth.provider) {
    case 'serviceAccount':
    case 'clientCertificate': {
      if (auth.provider === 'serviceAccount' && !auth.token) {
        throw new ClusterConfigError(
          `cluster '${cluster.name}': the serviceAccount auth has an empty token; set the ServiceAccount token`,
          cluster.name,
        );
      }
      kc.loadFromOptions({
        clusters: [
          {
            name: CONTEXT,
            server: cluster.server,
            skipTLSVerify: Boolean(cluster.skipTLSVerify),
          },
        ],
        users: [
          auth.provider === 'serviceAccount'
            ? { name: CONTEXT, token: auth.token }
            : {
                name: CONTEXT,
                certData: base64(auth.certData),
                keyData: base64(auth.keyData),
              },
        ],
        contexts: [{ name: CONTEXT, cluster: CONTEXT, user: CONTEXT }],
        currentContext: CONTEXT,
      });
      return kc;
    }
    case 'kubeconfig': {
      try {
        kc.loadFromFile(auth.path);
      } catch (error) {
        throw new ClusterConfigError(
          `cluster '${cluster.name}': cannot read kubeconfig ${auth.path}: ${
            (error as Error).message
          }`,
          cluster.name,
        );
      }
      if (auth.context) {
        if (!kc.getContextObject(auth.context)) {
          throw new ClusterConfigError(
            `cluster '${cluster.name}': kubeconfig ${
              auth.path
            } has no context named '${auth.context}' (it has: ${
              kc
                .getContexts()
                .map(context => context.name)
                .join(', ') || 'none'
            })`,
            cluster.name,
          );
        }
        kc.setCurrentContext(auth.context);
      }
      const current = kc.getCurrentCluster();
      if (!current) {
        throw new ClusterConfigError(
          `cluster '${cluster.name}': kubeconfig ${auth.path} has no current context with a cluster; name the context to use`,
          cluster.name,
        );
      }
      if (!kc.getCurrentUser()) {
        throw new ClusterConfigError(
          `cluster '${
            cluster.name
          }': context '${kc.getCurrentContext()}' of kubeconfig ${
            auth.path
          } names no user that the file defines`,
          cluster.name,
        );
      }
      if (cluster.skipTLSVerify) {
        const clusters = kc.clusters.map(entry =>
          entry === current ? { ...entry, skipTLSVerify: true } : entry,
        );
        kc.clusters = clusters;
      }
      return kc;
    }
    case 'inCluster': {
      if (!process.env.KUBERNETES_SERVICE_HOST) {
        throw new ClusterConfigError(
          `cluster '${cluster.name}': inCluster auth works only inside a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set); use serviceAccount or kubeconfig auth outside the cluster`,
          cluster.name,
        );
      }
      kc.loadFromCluster(options.inClusterRoot);
      return kc;
    }
    default:
      throw new ClusterConfigError(
        `cluster '${cluster.name}': unknown auth provider ${JSON.stringify(
          (auth as { provider?: unknown }).provider,
        )}; use serviceAccount, clientCertificate, kubeconfig or inCluster`,
        cluster.name,
      );
  }
}
