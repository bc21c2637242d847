import {
  ApplicationSourceRenderer,
  applicationSources,
  GitMirrorSource,
  parseApplication,
  runTool,
  type Application,
  type KubernetesObject,
} from '@driftless/gitops-engine';
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { readDocuments } from './readDocuments';
import { CommandError, type CommandContext } from './types';

interface RenderFlags {
  repoRoot?: string;
  cacheDir?: string;
  output: 'yaml' | 'json';
  name?: string;
}

/** The Application to render from a file that may hold several documents. */
export async function readApplication(
  path: string,
  name?: string,
): Promise<Application> {
  const documents = (await readDocuments(path)).map((document, index) => ({
    document,
    where: `${path} document ${index + 1}`,
  }));
  const applications = documents.filter(
    ({ document }) => (document as { kind?: unknown })?.kind === 'Application',
  );
  const candidates = name
    ? applications.filter(
        ({ document }) =>
          (document as { metadata?: { name?: unknown } }).metadata?.name ===
          name,
      )
    : applications;
  if (candidates.length === 0) {
    throw new CommandError(
      name
        ? `${path} has no Application named '${name}'`
        : `${path} has no Application`,
    );
  }
  if (candidates.length > 1) {
    throw new CommandError(
      `${path} has ${candidates.length} Applications; pick one with --name`,
    );
  }
  return parseApplication(candidates[0].document, candidates[0].where);
}

/** Where `driftless` keeps Git mirrors between runs. */
function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'driftless');
}

/** The commit a local directory holds, when it is a Git work tree. */
async function localRevision(dir: string): Promise<string> {
  try {
    const { stdout } = await runTool('git', ['-C', dir, 'rev-parse', 'HEAD'], {
      timeoutMs: 10_000,
    });
    return stdout.trim();
  } catch {
    return 'working-tree';
  }
}

/**
 * Renders every source of an Application: from a local directory standing in
 * for the repository (`repoRoot`), or from Git at the Application's
 * targetRevision, as the controller would.
 */
export async function renderApplication(
  application: Application,
  options: { repoRoot?: string; cacheDir?: string },
): Promise<KubernetesObject[]> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const renderer = new ApplicationSourceRenderer();
  const git = options.repoRoot
    ? undefined
    : new GitMirrorSource({ cacheRoot: join(cacheDir, 'git') });
  const objects: KubernetesObject[] = [];
  for (const source of applicationSources(application.spec)) {
    const checkout = options.repoRoot
      ? {
          path: resolve(options.repoRoot),
          sha: await localRevision(resolve(options.repoRoot)),
        }
      : await git!.checkout({
          repoURL: source.repoURL!,
          targetRevision: source.targetRevision,
        });
    const result = await renderer.render({
      checkoutDir: checkout.path,
      repoURL: source.repoURL!,
      sha: checkout.sha,
      source,
      appName: application.metadata.name,
      destinationNamespace: application.spec.destination.namespace,
      project: application.spec.project,
      // A local directory may change between runs without a new commit.
      bypassCache: Boolean(options.repoRoot),
    });
    objects.push(...result.objects);
  }
  return objects;
}

export function registerRender(program: Command, { output }: CommandContext) {
  program
    .command('render')
    .description(
      "print the objects an Application's sources render to (what Git wants)",
    )
    .argument('<app.yaml>', 'file holding the Application')
    .option(
      '--repo-root <dir>',
      'render from this directory instead of cloning repoURL (paths in the source are relative to it)',
    )
    .option(
      '--cache-dir <dir>',
      'where Git mirrors are kept (default ~/.cache/driftless)',
    )
    .option(
      '--name <name>',
      'the Application to render, when the file holds several',
    )
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(async (appFile: string, flags: RenderFlags) => {
      if (flags.output !== 'yaml' && flags.output !== 'json') {
        throw new CommandError(
          `--output must be yaml or json, not '${flags.output}'`,
        );
      }
      const application = await readApplication(appFile, flags.name);
      const objects = await renderApplication(application, flags);
      if (flags.output === 'json') {
        output.out(`${JSON.stringify(objects, null, 2)}\n`);
      } else {
        output.out(objects.map(object => stringify(object)).join('---\n'));
      }
    });
}
