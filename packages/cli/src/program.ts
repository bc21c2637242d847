import { Command } from 'commander';
import { registerAppset } from './commands/appset';
import { registerDiff } from './commands/diff';
import { registerDoctor } from './commands/doctor';
import { registerHealth } from './commands/health';
import { registerRender } from './commands/render';
import type { CommandContext } from './commands/types';

export type { Output } from './commands/types';

/**
 * Builds the `driftless` command tree. Commands report their exit code through
 * `setExitCode` rather than exiting the process, so they can run in-process.
 */
export function createProgram(
  options: CommandContext & { version: string },
): Command {
  const { output } = options;
  const program = new Command('driftless')
    .description(
      'Driftless GitOps engine on the command line: Argo CD-format Applications without Argo CD.',
    )
    .version(options.version, '-V, --version', 'print the version and exit')
    .configureOutput({
      writeOut: text => output.out(text),
      writeErr: text => output.err(text),
    })
    .exitOverride()
    .showHelpAfterError('(run driftless --help for usage)');

  registerDoctor(program, options);
  registerRender(program, options);
  registerHealth(program, options);
  registerDiff(program, options);
  registerAppset(program, options);
  return program;
}
