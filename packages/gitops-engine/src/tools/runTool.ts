import { spawn } from 'node:child_process';

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

/**
 * Runs an external binary without a shell (arguments are never interpreted),
 * collects its output, and enforces a timeout and an output cap.
 */
export function runTool(
  executable: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<RunToolResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const command = [executable, ...args].join(' ');

  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.killProcessGroup ?? false,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failure: ToolRunError | undefined;

    const fail = (error: ToolRunError) => {
      if (!failure) {
        failure = error;
        if (options.killProcessGroup && child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        } else {
          child.kill('SIGKILL');
        }
      }
    };
    const timer = setTimeout(() => {
      fail(
        new ToolRunError({
          command,
          reason: `timed out after ${timeoutMs} ms`,
          stderr: Buffer.concat(stderr).toString('utf8'),
          timedOut: true,
        }),
      );
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutputBytes) {
        fail(
          new ToolRunError({
            command,
            reason: `printed more than ${maxOutputBytes} bytes`,
          }),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes <= maxOutputBytes) {
        stderr.push(chunk);
      }
    });
    child.on('error', error => {
      clearTimeout(timer);
      reject(
        failure ??
          new ToolRunError({
            command,
            reason: `could not start: ${error.message}`,
          }),
      );
    });
    child.on('close', code => {
      clearTimeout(timer);
      const stderrText = Buffer.concat(stderr).toString('utf8');
      if (failure) {
        reject(failure);
      } else if (code !== 0) {
        reject(
          new ToolRunError({
            command,
            reason: `exited with code ${code}`,
            exitCode: code,
            stderr: stderrText,
          }),
        );
      } else {
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: stderrText,
        });
      }
    });

    child.stdin.on('error', () => {
      // The tool may exit before reading its input; the exit code tells what happened.
    });
    child.stdin.end(options.input ?? '');
  });
}
