/**
 * The `driftless` command line.
 *
 * @packageDocumentation
 */

import { CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createProgram, type Output } from './program';

// The same relative path from src/ (in the repository) and from the bundle in
// dist/ (installed). This is a CLI, not a backend plugin, so the rule's
// suggested resolvePackagePath() from the backend API does not apply.
const { version } = JSON.parse(
  // eslint-disable-next-line no-restricted-syntax
  readFileSync(resolve(__dirname, '../package.json'), 'utf8'),
) as { version: string };

const processOutput: Output = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
};

/**
 * Runs the CLI with Node-style argv (`[node, script, ...args]`) and resolves
 * to the exit code.
 */
export async function run(
  argv: string[],
  output: Output = processOutput,
): Promise<number> {
  let exitCode = 0;
  const program = createProgram({
    version,
    output,
    setExitCode: code => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode;
    }
    output.err(`driftless: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Entry point of bin/driftless. */
export function main(argv: string[]): void {
  run(argv).then(code => {
    process.exitCode = code;
  });
}
