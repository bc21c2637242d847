import { spawn, type ChildProcess } from 'node:child_process';

/** One tool run, as the launcher process receives it. */
export interface LaunchRequest {
  executable: string;
  args: readonly string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  input: string;
  timeoutMs: number;
  maxOutputBytes: number;
  killProcessGroup: boolean;
}

/** How a tool run ended, as the launcher reports it. */
export interface LaunchReply {
  stdout: string;
  stderr: string;
  /** Set when the run did not succeed. */
  failure?: {
    reason: string;
    exitCode?: number | null;
    timedOut?: boolean;
    /** Whether the failure message should carry the tool's stderr. */
    withStderr: boolean;
  };
}

/**
 * The launcher's program, plain JavaScript run with `node -e`, so it needs no
 * build step or transpiler wherever the engine runs. It spawns each requested
 * tool, enforces timeout and output cap, and answers over the IPC channel;
 * it ends when its parent goes away.
 */
const LAUNCHER_PROGRAM = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const running = new Set();
function killRun(run) {
  if (run.group && run.child.pid !== undefined) {
    try { process.kill(-run.child.pid, 'SIGKILL'); return; } catch {}
  }
  run.child.kill('SIGKILL');
}
process.on('disconnect', () => {
  for (const run of running) killRun(run);
  process.exit(0);
});
process.on('message', request => {
  const { id } = request;
  let answered = false;
  const answer = reply => {
    if (answered) return;
    answered = true;
    if (process.connected) process.send({ id, ...reply });
  };
  let child;
  try {
    child = spawn(request.executable, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: request.killProcessGroup,
    });
  } catch (error) {
    answer({ stdout: '', stderr: '', failure: { reason: 'could not start: ' + error.message, withStderr: false } });
    return;
  }
  const run = { child, group: request.killProcessGroup };
  running.add(run);
  const stdout = [];
  const stderr = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let failure;
  const fail = reason => {
    if (failure) return;
    failure = reason;
    killRun(run);
  };
  const timer = setTimeout(() => {
    fail({ reason: 'timed out after ' + request.timeoutMs + ' ms', timedOut: true, withStderr: true });
  }, request.timeoutMs);
  child.stdout.on('data', chunk => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > request.maxOutputBytes) {
      fail({ reason: 'printed more than ' + request.maxOutputBytes + ' bytes', withStderr: false });
      return;
    }
    stdout.push(chunk);
  });
  child.stderr.on('data', chunk => {
    stderrBytes += chunk.length;
    if (stderrBytes <= request.maxOutputBytes) stderr.push(chunk);
  });
  child.on('error', error => {
    clearTimeout(timer);
    running.delete(run);
    answer({
      stdout: '',
      stderr: '',
      failure: failure || { reason: 'could not start: ' + error.message, withStderr: false },
    });
  });
  child.on('close', code => {
    clearTimeout(timer);
    running.delete(run);
    const stderrText = Buffer.concat(stderr).toString('utf8');
    if (failure) answer({ stdout: '', stderr: stderrText, failure });
    else if (code !== 0)
      answer({ stdout: '', stderr: stderrText, failure: { reason: 'exited with code ' + code, exitCode: code, withStderr: true } });
    else answer({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: stderrText });
  });
  child.stdin.on('error', () => {});
  child.stdin.end(request.input);
});
`;

interface PendingRun {
  resolve: (reply: LaunchReply) => void;
  reject: (error: Error) => void;
}

/**
 * Starts external tools from a small helper process instead of this one.
 * Spawning forks the spawning process, and the fork copies its page tables:
 * in a backend holding a gigabyte of heap that blocked the event loop for
 * several milliseconds per `git` or `kubectl` run, which at a thousand apps
 * was seconds of reconciling lost. The helper is started on first use,
 * holds nothing, and ends with this process.
 */
export class ToolLauncher {
  private child?: ChildProcess;
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 1;

  run(request: LaunchRequest): Promise<LaunchReply> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<LaunchReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Pending runs keep the process alive, as a directly spawned tool would.
      if (this.pending.size === 1) child.channel?.ref();
      child.send({ id, ...request }, error => {
        if (error) this.settle(id)?.reject(error);
      });
    });
  }

  private start(): ChildProcess {
    const env = { ...process.env };
    // The helper runs plain JavaScript: no preloaded transpiler, profiler or inspector.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['-e', LAUNCHER_PROGRAM], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      env,
    });
    child.unref();
    child.channel?.unref();
    child.on('message', (message: LaunchReply & { id: number }) => {
      const { id, ...reply } = message;
      this.settle(id)?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const reason = new Error(
        `the tool launcher process ended (${signal ?? `exit code ${code}`})`,
      );
      for (const id of [...this.pending.keys()])
        this.settle(id)?.reject(reason);
    });
    child.on('error', error => {
      if (this.child === child) this.child = undefined;
      for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
    });
    this.child = child;
    return child;
  }

  private settle(id: number): PendingRun | undefined {
    const run = this.pending.get(id);
    if (!run) return undefined;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    return run;
  }
}
