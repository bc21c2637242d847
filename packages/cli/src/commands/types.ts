/** Where a command writes; tests capture it instead of the process' streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** What every command gets from the program. */
export interface CommandContext {
  output: Output;
  setExitCode(code: number): void;
}

/**
 * A failure the user can act on: printed as `driftless: <message>` with exit
 * code 1, without a stack trace.
 */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
