import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { runTool } from './runTool';

/** The binaries the renderers shell out to, as Argo CD's repo-server does. */
export type ExternalToolName = 'kubectl' | 'kustomize' | 'helm';

/** Where to find a tool: an explicit path, or a command name looked up on PATH. */
export interface ExternalToolLocation {
  /** Absolute or relative path, or a bare command name; defaults to the tool's name. */
  command?: string;
}

/** What {@link probeExternalTool} learnt about one tool. */
export interface ExternalToolProbe {
  name: ExternalToolName;
  path?: string;
  version?: string;
  error?: string;
}

/**
 * A tool that is not installed where it was looked for. The message says where
 * that was, so the fix (install it, or point the configuration at it) is clear.
 */
export class ExternalToolNotFoundError extends Error {
  readonly command: string;
  /** Every path that was tried, for logs. */
  readonly searched: string[];

  constructor(command: string, searched: string[], onPath: boolean) {
    super(
      onPath
        ? `'${command}' was not found on PATH (${searched.length} ${
            searched.length === 1 ? 'directory' : 'directories'
          } searched)`
        : `'${command}' is not an executable file`,
    );
    this.name = 'ExternalToolNotFoundError';
    this.command = command;
    this.searched = searched;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      return false;
    }
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a command to the absolute path of the executable that would run:
 * a path containing a slash is taken as given (relative to `cwd`), a bare name
 * is searched on PATH in order, like a shell does.
 */
export async function locateExecutable(
  command: string,
  options: { envPath?: string; cwd?: string } = {},
): Promise<string> {
  if (command.includes('/')) {
    const path = isAbsolute(command)
      ? command
      : resolve(options.cwd ?? process.cwd(), command);
    if (await isExecutableFile(path)) {
      return path;
    }
    throw new ExternalToolNotFoundError(command, [path], false);
  }
  const directories = (options.envPath ?? process.env.PATH ?? '')
    .split(delimiter)
    .filter(directory => directory.length > 0);
  for (const directory of directories) {
    const candidate = join(directory, command);
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }
  throw new ExternalToolNotFoundError(command, directories, true);
}

const PROBE_TIMEOUT_MS = 15_000;

async function readVersion(
  name: ExternalToolName,
  path: string,
): Promise<string> {
  switch (name) {
    case 'kubectl': {
      const { stdout } = await runTool(
        path,
        ['version', '--client', '-o', 'json'],
        {
          timeoutMs: PROBE_TIMEOUT_MS,
        },
      );
      const parsed = JSON.parse(stdout) as {
        clientVersion?: { gitVersion?: string };
        kustomizeVersion?: string;
      };
      const client = parsed.clientVersion?.gitVersion ?? 'unknown';
      return parsed.kustomizeVersion
        ? `${client} (kustomize ${parsed.kustomizeVersion})`
        : client;
    }
    case 'kustomize': {
      const { stdout } = await runTool(path, ['version'], {
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      return stdout.trim();
    }
    case 'helm': {
      const { stdout } = await runTool(
        path,
        ['version', '--template', '{{.Version}}'],
        {
          timeoutMs: PROBE_TIMEOUT_MS,
        },
      );
      return stdout.trim();
    }
    default:
      throw new Error(`Unknown external tool '${name as string}'`);
  }
}

/**
 * Finds a tool and asks it for its version. Never throws: a missing or broken
 * tool is reported in `error`, because a portal without `helm` still renders
 * plain manifests and Kustomize.
 */
export async function probeExternalTool(
  name: ExternalToolName,
  location: ExternalToolLocation = {},
  options: { envPath?: string } = {},
): Promise<ExternalToolProbe> {
  let path: string;
  try {
    path = await locateExecutable(location.command ?? name, options);
  } catch (error) {
    return { name, error: (error as Error).message };
  }
  try {
    return { name, path, version: await readVersion(name, path) };
  } catch (error) {
    return { name, path, error: (error as Error).message };
  }
}
