import type {
  ExternalToolStatus,
  GitOpsHealthResponse,
} from '@driftless/backstage-plugin-gitops-common';
import {
  probeExternalTool,
  type ExternalToolLocation,
  type ExternalToolName,
} from '@driftless/gitops-engine';
import type { GitOpsStore } from '../../database/GitOpsStore';

const TOOLS: ExternalToolName[] = ['kubectl', 'kustomize', 'helm'];

/** Where the render tools are, per `gitops.tools` config. */
export type ToolLocations = Partial<
  Record<ExternalToolName, ExternalToolLocation>
>;

/**
 * Probes the render tools at most once per `ttlMs`: each probe starts three
 * processes, and binaries do not change between two health requests.
 */
export function createToolProber(
  locations: ToolLocations,
  ttlMs = 60_000,
): () => Promise<ExternalToolStatus[]> {
  let cached: { at: number; result: Promise<ExternalToolStatus[]> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttlMs) {
      cached = {
        at: now,
        result: Promise.all(
          TOOLS.map(name => probeExternalTool(name, locations[name])),
        ).then(probes =>
          probes.map(({ name, path, version, error }) => ({
            name,
            ...(path ? { path } : {}),
            ...(version ? { version } : {}),
            ...(error ? { error } : {}),
          })),
        ),
      };
    }
    return cached.result;
  };
}

/**
 * What `GET /health` reports: the database must answer for the plugin to be
 * healthy; the render tools are listed so an operator sees at once which
 * sources this backend can render (a missing `helm` only affects Helm apps).
 */
export async function checkHealth(options: {
  store: Pick<GitOpsStore, 'countApplications'>;
  probeTools: () => Promise<ExternalToolStatus[]>;
}): Promise<GitOpsHealthResponse> {
  const [database, tools] = await Promise.all([
    options.store.countApplications().then(
      applications => ({ status: 'ok' as const, applications }),
      (error: Error) => ({ status: 'error' as const, error: error.message }),
    ),
    options.probeTools(),
  ]);
  return { status: database.status, database, tools };
}
