import {
  ApplicationSetGenerationError,
  ApplicationSetValidationError,
  generateApplications,
  parseApplicationSet,
  type ClusterGeneratorCluster,
} from '@driftless/gitops-engine';
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { readDocuments } from './readDocuments';
import { CommandError, type CommandContext } from './types';

interface GenerateFlags {
  repoRoot?: string;
  clusters?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringMap(
  value: unknown,
  where: string,
): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw new CommandError(`${where} must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [key, element] of Object.entries(value)) {
    if (
      typeof element !== 'string' &&
      typeof element !== 'number' &&
      typeof element !== 'boolean'
    ) {
      throw new CommandError(`${where}.${key} must be a string`);
    }
    out[key] = String(element);
  }
  return out;
}

/**
 * The clusters file: a YAML list shaped like app-config's `gitops.clusters`
 * entries (`name`, `url`, `labels`, `annotations`; `project` optional).
 * Credentials in it are ignored: generation needs none.
 */
export async function readClusters(
  path: string,
): Promise<ClusterGeneratorCluster[]> {
  const documents = await readDocuments(path);
  const list = documents.length === 1 ? documents[0] : documents;
  if (!Array.isArray(list)) {
    throw new CommandError(
      `${path} must hold a YAML list of clusters (name, url, labels, annotations)`,
    );
  }
  return list.map((entry, index) => {
    const where = `${path} entry ${index + 1}`;
    if (
      !isObject(entry) ||
      typeof entry.name !== 'string' ||
      entry.name === ''
    ) {
      throw new CommandError(`${where} needs a name`);
    }
    const url = entry.url ?? entry.server;
    if (typeof url !== 'string' || url === '') {
      throw new CommandError(`${where} (${entry.name}) needs a url`);
    }
    return {
      name: entry.name,
      server: url,
      labels: stringMap(entry.labels, `${where}.labels`),
      annotations: stringMap(entry.annotations, `${where}.annotations`),
      project: typeof entry.project === 'string' ? entry.project : undefined,
    };
  });
}

async function readApplicationSet(path: string) {
  const documents = (await readDocuments(path)).map((document, index) => ({
    document,
    where: `${path} document ${index + 1}`,
  }));
  const sets = documents.filter(
    ({ document }) => isObject(document) && document.kind === 'ApplicationSet',
  );
  if (sets.length === 0) {
    throw new CommandError(`${path} has no ApplicationSet`);
  }
  if (sets.length > 1) {
    throw new CommandError(
      `${path} has ${sets.length} ApplicationSets; put each in its own file`,
    );
  }
  try {
    return parseApplicationSet(sets[0].document, sets[0].where);
  } catch (error) {
    if (error instanceof ApplicationSetValidationError) {
      throw new CommandError(error.message);
    }
    throw error;
  }
}

export function registerAppset(program: Command, { output }: CommandContext) {
  const appset = program
    .command('appset')
    .description('ApplicationSets: what a set generates, without a controller');
  appset
    .command('generate')
    .description(
      'print the Applications an ApplicationSet generates, as a YAML stream in generation order',
    )
    .argument('<appset.yaml>', 'file holding the ApplicationSet')
    .option(
      '--repo-root <dir>',
      "directory the Git generators read as the repository's checkout, whatever repoURL and revision say",
    )
    .option(
      '--clusters <clusters.yaml>',
      "YAML list of clusters for the clusters generator, shaped like app-config's gitops.clusters entries (name, url, labels, annotations)",
    )
    .action(async (file: string, flags: GenerateFlags) => {
      const appSet = await readApplicationSet(file);
      let repoRoot: string | undefined;
      if (flags.repoRoot) {
        repoRoot = resolve(flags.repoRoot);
        const info = await stat(repoRoot).catch(() => undefined);
        if (!info?.isDirectory()) {
          throw new CommandError(
            `--repo-root ${flags.repoRoot} is not a directory`,
          );
        }
      }
      const clusters = flags.clusters
        ? await readClusters(flags.clusters)
        : undefined;
      try {
        const result = await generateApplications(appSet, {
          clusters: clusters ?? [],
          gitCheckout: async (repoURL, revision) => {
            if (!repoRoot) {
              throw new Error(
                `the set reads Git (${repoURL} at ${revision}); pass --repo-root with a checkout of it`,
              );
            }
            return repoRoot;
          },
        });
        output.out(
          result.applications
            .map(application => stringify(application))
            .join('---\n'),
        );
      } catch (error) {
        if (
          error instanceof ApplicationSetGenerationError ||
          error instanceof ApplicationSetValidationError
        ) {
          throw new CommandError(`${file}: ${error.message}`);
        }
        throw error;
      }
    });
}
