import {
  probeExternalTool,
  type ExternalToolName,
} from '@driftless/gitops-engine';
import type { Command } from 'commander';
import type { CommandContext } from './types';

const TOOLS: ExternalToolName[] = ['kubectl', 'kustomize', 'helm'];

export function registerDoctor(
  program: Command,
  { output, setExitCode }: CommandContext,
) {
  program
    .command('doctor')
    .description(
      'check the external tools rendering needs (kubectl, kustomize, helm) and print their versions',
    )
    .option('--kubectl <command>', 'kubectl to use (a name on PATH or a path)')
    .option(
      '--kustomize <command>',
      'kustomize to use (a name on PATH or a path)',
    )
    .option('--helm <command>', 'helm to use (a name on PATH or a path)')
    .action(async (flags: Partial<Record<ExternalToolName, string>>) => {
      const probes = await Promise.all(
        TOOLS.map(name =>
          probeExternalTool(name, flags[name] ? { command: flags[name] } : {}),
        ),
      );
      for (const probe of probes) {
        if (probe.version) {
          output.out(
            `ok       ${probe.name} ${probe.version} (${probe.path})\n`,
          );
        } else {
          output.out(`missing  ${probe.name}: ${probe.error}\n`);
        }
      }
      // kustomize alone may be missing: `kubectl kustomize` renders the same.
      const kubectlOk = probes.find(p => p.name === 'kubectl')?.version;
      const helmOk = probes.find(p => p.name === 'helm')?.version;
      if (!kubectlOk) {
        output.err('kubectl is required to render Kustomize sources.\n');
      }
      if (!helmOk) {
        output.err('helm is required to render Helm sources.\n');
      }
      setExitCode(kubectlOk && helmOk ? 0 : 1);
    });
}
