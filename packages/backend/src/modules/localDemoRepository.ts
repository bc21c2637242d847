import {
  coreServices,
  createBackendModule,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { execFile } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repoURL the Applications in examples/ are written with. */
export const EXAMPLES_REPO_URL = 'file:///demo/platform.git';

/** Where examples/ is, from packages/backend. */
export const EXAMPLES_DIRECTORY = resolvePackagePath(
  'backend',
  '../../examples',
);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      // The demo's one commit does not depend on the user's git setup.
      '-c',
      'user.name=Driftless',
      '-c',
      'user.email=driftless@localhost',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd },
  );
  return stdout.trim();
}

async function rewriteRepoURLs(dir: string, repoURL: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await rewriteRepoURLs(path, repoURL);
    } else if (/\.ya?ml$/.test(entry.name)) {
      const text = await readFile(path, 'utf8');
      if (text.includes(EXAMPLES_REPO_URL)) {
        await writeFile(path, text.split(EXAMPLES_REPO_URL).join(repoURL));
      }
    }
  }
}

/**
 * Creates the local portal's demo Git repository at `path` from `examples`:
 * a copy whose Applications point at the repository itself (their
 * `file:///demo/platform.git` becomes its own `file://` URL), in one commit on
 * `main`. Nothing happens when `path` is a Git repository already, so the
 * user's commits to it are kept. The repository is built next to `path` and
 * renamed into place, so a crash never leaves half of one.
 */
export async function ensureDemoRepository(options: {
  path: string;
  examples?: string;
}): Promise<'created' | 'exists'> {
  const path = resolve(options.path);
  if (await exists(join(path, '.git'))) {
    return 'exists';
  }
  if ((await exists(path)) && (await readdir(path)).length > 0) {
    throw new Error(
      `Cannot create the demo Git repository at ${path}: the directory exists, is not empty and is not a Git repository; remove it, or set DRIFTLESS_DEMO_REPO to another path`,
    );
  }
  await mkdir(dirname(path), { recursive: true });
  const building = await mkdtemp(join(dirname(path), `.${basename(path)}-`));
  try {
    await cp(options.examples ?? EXAMPLES_DIRECTORY, building, {
      recursive: true,
    });
    await rewriteRepoURLs(building, pathToFileURL(path).href);
    await git(building, 'init', '--quiet');
    await git(building, 'add', '--all');
    await git(
      building,
      'commit',
      '--quiet',
      '-m',
      'The Driftless demo platform repository, from examples/',
    );
    await rm(path, { recursive: true, force: true });
    await rename(building, path);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  return 'created';
}

/**
 * Local wiring only: creates the demo platform repository that
 * app-config.yaml's `gitops.applications` reads, at `DRIFTLESS_DEMO_REPO`
 * (scripts/env.sh sets it to `.local-data/demo-repo`), the first time the
 * backend starts. Does nothing when the variable is not set, as in production.
 */
export const gitopsModuleLocalDemoRepository = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'local-demo-repository',
  register(env) {
    env.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        const path = process.env.DRIFTLESS_DEMO_REPO;
        if (!path) {
          return;
        }
        if ((await ensureDemoRepository({ path })) === 'created') {
          logger.info(
            `Created the demo platform repository ${path} from examples/; commit to it to change what is deployed`,
          );
        }
      },
    });
  },
});
