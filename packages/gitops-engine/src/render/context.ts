import { runTool as defaultRunTool, ToolRunError } from '../tools/runTool';
import type { BuildEnv } from './envsubst';
import { RenderProblem } from './errors';
import type { RenderTool } from './types';
import type { RenderWorkspace } from './workspace';

/** An external tool found and identified, ready to run. */
export interface ResolvedTool {
  tool: RenderTool;
  executable: string;
  version?: string;
  /** Changes whenever the binary does: part of the cache key. */
  identity: string;
}

const TOOL_LABELS: Record<RenderTool, string> = {
  directory: 'directory',
  kustomize: 'kustomize build',
  'kubectl-kustomize': 'kubectl kustomize',
  helm: 'helm',
};

/** How a tool's output is named in messages: `kubectl kustomize`, `helm template`. */
export function toolLabel(tool: RenderTool, subcommand?: string): string {
  return tool === 'helm' && subcommand
    ? `helm ${subcommand}`
    : TOOL_LABELS[tool];
}

/**
 * What one render carries through its steps: the deadline every tool run
 * counts against, the scratch workspace, the build environment, and the
 * paths to hide from messages.
 */
export class RenderContext {
  private readonly redactions: Array<[string, string]> = [];

  constructor(
    readonly timeoutMs: number,
    private readonly deadline: number,
    readonly workspace: RenderWorkspace,
    readonly env: BuildEnv,
    private readonly runner: typeof defaultRunTool,
  ) {}

  /** Replaces `path` with `replacement` in tool messages (longest paths first). */
  hidePath(path: string, replacement: string): void {
    this.redactions.push([path, replacement]);
    this.redactions.sort(([a], [b]) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const [path, replacement] of this.redactions) {
      out = out
        .split(`${path}/`)
        .join(replacement === '.' ? '' : `${replacement}/`);
      out = out.split(path).join(replacement);
    }
    return out;
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  timeoutProblem(activity: string): RenderProblem {
    return new RenderProblem(
      'Timeout',
      `the render took longer than ${this.timeoutMs} ms (stopped while ${activity}); simplify the source or raise the renderer's timeoutMs`,
    );
  }

  /** Fails once the render's time is up; called between steps that run in-process. */
  checkDeadline(activity: string): void {
    if (this.remainingMs() <= 0) {
      throw this.timeoutProblem(activity);
    }
  }

  /**
   * Runs a tool with the time left. A failure becomes a message with the
   * tool's stderr (paths redacted) but never its arguments, which can carry
   * Helm parameter values; for that reason the ToolRunError is not attached
   * as the cause either.
   */
  async run(
    tool: ResolvedTool,
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv; label: string },
  ): Promise<string> {
    this.checkDeadline(`starting ${options.label}`);
    try {
      const { stdout } = await this.runner(tool.executable, args, {
        cwd: options.cwd,
        env: options.env,
        timeoutMs: Math.max(1, this.remainingMs()),
        // Helm and Kustomize may start helpers (plugins, git) that would keep
        // the output pipes open after the tool itself is killed.
        killProcessGroup: true,
      });
      return stdout;
    } catch (error) {
      if (error instanceof ToolRunError) {
        if (error.timedOut) {
          throw this.timeoutProblem(`running ${options.label}`);
        }
        const reason =
          error.exitCode !== null
            ? `exit code ${error.exitCode}`
            : error.message.slice(error.command.length + 2).split('\n')[0];
        const stderr = this.redact(
          error.stderr.trim().split('\n').slice(-20).join('\n'),
        );
        throw new RenderProblem(
          'ToolFailed',
          `${options.label} failed (${reason})${stderr ? `:\n${stderr}` : ''}`,
        );
      }
      throw error;
    }
  }
}
