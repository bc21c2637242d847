import { ToolLauncher } from './toolLauncher';

/** Options for {@link runTool}. */
export interface RunToolOptions {
  cwd?: string;
  /** Environment of the child process; defaults to this process' environment. */
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this many milliseconds. Default 90 s, Argo CD's repo-server default. */
  timeoutMs?: number;
  /** Output beyond this many bytes per stream fails the run, so a runaway tool cannot exhaust memory. Default 64 MiB. */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is otherwise closed. */
  input?: string;
  /**
   * Start the tool in its own process group and kill the whole group on
   * timeout or overflow. Needed for tools that spawn helpers holding the
   * output pipes open (git's remote helpers, ssh): killing only the tool would
   * leave the run waiting for those pipes to close.
   */
  killProcessGroup?: boolean;
}

/** What a finished tool run printed. */
export interface RunToolResult {
  stdout: string;
  stderr: string;
}

/**
 * A tool run that did not succeed: it exited non-zero, was killed on timeout,
 * printed too much, or could not start. The message names the command and ends
 * with the tail of its stderr, which is what a user needs to fix the input.
 */
export class ToolRunError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(options: {
    command: string;
    reason: string;
    exitCode?: number | null;
    stderr?: string;
    timedOut?: boolean;
  }) {
    const stderrTail = (options.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-20)
      .join('\n');
    super(
      `${options.command}: ${options.reason}${
        stderrTail ? `\n${stderrTail}` : ''
      }`,
    );
    this.name = 'ToolRunError';
    this.command = options.command;
    this.exitCode = options.exitCode ?? null;
    this.stderr = options.stderr ?? '';
    this.timedOut = options.timedOut ?? false;
  }
}

const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

let launcher: ToolLauncher | undefined;

/**
 * Runs an external binary without a shell (arguments are never interpreted),
 * collects its output, and enforces a timeout and an output cap. The tool is
 * started by a helper process ({@link ToolLauncher}), so a large heap here
 * does not make every run expensive.
 */
export async function runTool(
  executable: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<RunToolResult> {
  const command = [executable, ...args].join(' ');
  launcher ??= new ToolLauncher();
  let reply;
  try {
    reply = await launcher.run({
      executable,
      args: [...args],
      cwd: options.cwd,
      // A plain copy: the IPC channel cannot clone exotic env objects (Jest's).
      env: plainEnvironment(options.env ?? process.env),
      input: options.input ?? '',
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      killProcessGroup: options.killProcessGroup ?? false,
    });
  } catch (error) {
    // The launcher could not take the run, or ended while the tool ran.
    throw new ToolRunError({
      command,
      reason: `could not run: ${(error as Error).message}`,
    });
  }
  const { failure } = reply;
  if (failure) {
    throw new ToolRunError({
      command,
      reason: failure.reason,
      exitCode: failure.exitCode,
      stderr: failure.withStderr ? reply.stderr : undefined,
      timedOut: failure.timedOut,
    });
  }
  return { stdout: reply.stdout, stderr: reply.stderr };
}

function plainEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (typeof value === 'string') copy[key] = value;
  return copy;
}
