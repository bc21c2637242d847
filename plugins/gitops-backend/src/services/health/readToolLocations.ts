import type { Config } from '@backstage/config';
import type { ToolLocations } from './checkHealth';

/** Reads `gitops.tools.<tool>.command`; unset tools are looked up on PATH. */
export function readToolLocations(config: Config): ToolLocations {
  const locations: ToolLocations = {};
  for (const name of ['kubectl', 'kustomize', 'helm'] as const) {
    const command = config.getOptionalString(`gitops.tools.${name}.command`);
    if (command) {
      locations[name] = { command };
    }
  }
  return locations;
}
