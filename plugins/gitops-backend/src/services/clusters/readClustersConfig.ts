import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  IN_CLUSTER_NAME,
  IN_CLUSTER_SERVER,
  readKubeconfigServer,
  type ClusterAuth,
  type ClusterConfig,
} from '@driftless/gitops-engine';
import { readFile } from 'node:fs/promises';

const AUTH_PROVIDERS = [
  'serviceAccount',
  'clientCertificate',
  'kubeconfig',
  'inCluster',
] as const;

type AuthProvider = (typeof AUTH_PROVIDERS)[number];

function readLabels(config: Config, where: string): Record<string, string> {
  const labels = config.getOptionalConfig('labels');
  if (!labels) {
    return {};
  }
  const result: Record<string, string> = {};
  for (const key of labels.keys()) {
    const value = labels.getOptional(key);
    if (typeof value !== 'string') {
      throw new InputError(`${where}.labels.${key} must be a string`);
    }
    result[key] = value;
  }
  return result;
}

function required(
  config: Config,
  key: string,
  where: string,
  provider: string,
): string {
  const value = config.getOptionalString(key);
  if (!value) {
    throw new InputError(
      `${where}: '${key}' is required when authProvider is '${provider}'`,
    );
  }
  return value;
}

async function readAuth(
  config: Config,
  provider: AuthProvider,
  where: string,
): Promise<ClusterAuth> {
  switch (provider) {
    case 'serviceAccount':
      return {
        provider,
        token: required(config, 'serviceAccountToken', where, provider),
      };
    case 'clientCertificate':
      return {
        provider,
        certData: required(config, 'clientCertData', where, provider),
        keyData: required(config, 'clientKeyData', where, provider),
      };
    case 'kubeconfig':
      return {
        provider,
        path: required(config, 'kubeconfigPath', where, provider),
        context: config.getOptionalString('kubeconfigContext'),
      };
    case 'inCluster':
      return { provider };
    default:
      throw new InputError(
        `${where}: unknown authProvider '${
          provider as string
        }'; use one of ${AUTH_PROVIDERS.join(', ')}`,
      );
  }
}

async function readCluster(
  config: Config,
  index: number,
): Promise<ClusterConfig> {
  const provider = config.getString('authProvider') as AuthProvider;
  const name =
    config.getOptionalString('name') ??
    (provider === 'inCluster' ? IN_CLUSTER_NAME : undefined);
  const where = `gitops.clusters[${index}]${name ? ` (${name})` : ''}`;
  if (!name) {
    throw new InputError(`${where}: 'name' is required`);
  }
  if (!AUTH_PROVIDERS.includes(provider)) {
    throw new InputError(
      `${where}: unknown authProvider '${provider}'; use one of ${AUTH_PROVIDERS.join(
        ', ',
      )}`,
    );
  }
  const auth = await readAuth(config, provider, where);

  let server = config.getOptionalString('url');
  if (!server && auth.provider === 'kubeconfig') {
    try {
      server = await readKubeconfigServer(auth.path, auth.context);
    } catch (error) {
      throw new InputError(`${where}: ${(error as Error).message}`);
    }
  }
  if (!server && auth.provider === 'inCluster') {
    server = IN_CLUSTER_SERVER;
  }
  if (!server) {
    throw new InputError(`${where}: 'url' is required`);
  }
  try {
    const parsed = new URL(server);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error('not http(s)');
    }
  } catch {
    throw new InputError(`${where}: url '${server}' is not an http(s) URL`);
  }

  let caData = config.getOptionalString('caData');
  const caFile = config.getOptionalString('caFile');
  if (!caData && caFile) {
    try {
      caData = await readFile(caFile, 'utf8');
    } catch (error) {
      throw new InputError(
        `${where}: cannot read caFile: ${(error as Error).message}`,
      );
    }
  }

  return {
    name,
    server: server.replace(/\/+$/, ''),
    labels: readLabels(config, where),
    auth,
    ...(caData ? { caData } : {}),
    ...(config.getOptionalBoolean('skipTLSVerify')
      ? { skipTLSVerify: true }
      : {}),
  };
}

/**
 * Reads `gitops.clusters` from app-config. Each entry is checked for what its
 * authProvider needs, and errors name the entry, so a typo in production
 * config stops startup with a message instead of failing the first sync.
 */
export async function readClustersConfig(
  config: Config,
): Promise<ClusterConfig[]> {
  const entries = config.getOptionalConfigArray('gitops.clusters') ?? [];
  const clusters: ClusterConfig[] = [];
  const indexByName = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const cluster = await readCluster(entry, index);
    const previous = indexByName.get(cluster.name);
    if (previous !== undefined) {
      throw new InputError(
        `gitops.clusters[${index}]: name '${cluster.name}' is already used by gitops.clusters[${previous}]; cluster names must be unique`,
      );
    }
    indexByName.set(cluster.name, index);
    clusters.push(cluster);
  }
  return clusters;
}
