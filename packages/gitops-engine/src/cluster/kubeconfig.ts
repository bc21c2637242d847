import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name?: string; context?: { cluster?: string } }>;
  clusters?: Array<{ name?: string; cluster?: { server?: string } }>;
}

/** What a kubeconfig context points at. */
export interface KubeconfigTarget {
  context: string;
  cluster: string;
  server: string;
}

/**
 * Reads the context (the current one unless named), its cluster and the API
 * server URL it points at, so a cluster given only as "this kubeconfig file"
 * still has a name and a server URL that Applications can refer to. Throws
 * with the file and context named when the file does not say.
 */
export async function readKubeconfigTarget(
  path: string,
  context?: string,
): Promise<KubeconfigTarget> {
  let document: KubeconfigFile;
  try {
    document = (parse(await readFile(path, 'utf8')) ?? {}) as KubeconfigFile;
  } catch (error) {
    throw new Error(
      `Cannot read kubeconfig ${path}: ${(error as Error).message}`,
    );
  }
  const contextName = context ?? document['current-context'];
  if (!contextName) {
    throw new Error(
      `Kubeconfig ${path} has no current-context; name the context to use`,
    );
  }
  const contextEntry = document.contexts?.find(
    entry => entry.name === contextName,
  );
  if (!contextEntry?.context?.cluster) {
    throw new Error(`Kubeconfig ${path} has no context named '${contextName}'`);
  }
  const clusterName = contextEntry.context.cluster;
  const server = document.clusters?.find(entry => entry.name === clusterName)
    ?.cluster?.server;
  if (!server) {
    throw new Error(
      `Kubeconfig ${path}: cluster '${clusterName}' of context '${contextName}' has no server URL`,
    );
  }
  return { context: contextName, cluster: clusterName, server };
}

/** The API server URL a kubeconfig context points at; see {@link readKubeconfigTarget}. */
export async function readKubeconfigServer(
  path: string,
  context?: string,
): Promise<string> {
  return (await readKubeconfigTarget(path, context)).server;
}
