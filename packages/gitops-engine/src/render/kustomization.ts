import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RenderProblem } from './errors';
import { checkoutRelative, isWithin } from './paths';
import { KUSTOMIZATION_FILE_NAMES } from './sourceType';

/** The kustomization file in `dir`, by Kustomize's order of preference. */
export async function findKustomizationFile(
  dir: string,
): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) {
      return join(dir, name);
    }
  }
  return undefined;
}

/** Fields whose entries may name another kustomization (a directory) or a remote URL. */
const REFERENCE_FIELDS = [
  'resources',
  'bases',
  'components',
  'generators',
  'transformers',
  'validators',
];

/**
 * What Kustomize would try to fetch instead of reading from disk: URLs,
 * go-getter and scp-style Git addresses, and `host.tld/org/repo` forms.
 */
export function looksRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@/.test(entry) ||
    /^git::/.test(entry) ||
    /[?&](ref|version|submodules|timeout)=/.test(entry) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(entry)
  );
}

async function exists(path: string): Promise<'file' | 'directory' | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    return undefined;
  }
  return info.isDirectory() ? 'directory' : 'file';
}

/**
 * Checks, before Kustomize runs, every kustomization it would load from
 * `appDir`: a local reference must stay inside the checkout (Kustomize's
 * default load restrictions keep files under their kustomization's root, but
 * allow a base directory anywhere on disk), and a remote one is refused
 * unless allowed. Follows local bases and components recursively.
 */
export async function checkKustomizationTree(options: {
  checkoutDir: string;
  appDir: string;
  allowRemoteBases: boolean;
  /** References the Application adds (`source.kustomize.components`), relative to `appDir`. */
  extraReferences?: string[];
}): Promise<void> {
  const { checkoutDir, appDir, allowRemoteBases } = options;
  const visited = new Set<string>();
  const queue: Array<{ dir: string; extra: string[] }> = [
    { dir: appDir, extra: options.extraReferences ?? [] },
  ];
  while (queue.length > 0) {
    const { dir, extra } = queue.shift()!;
    if (visited.has(dir)) {
      continue;
    }
    visited.add(dir);
    const kustomizationPath = await findKustomizationFile(dir);
    const entries: Array<{ field: string; entry: string }> = extra.map(
      entry => ({ field: 'source.kustomize.components', entry }),
    );
    let file = checkoutRelative(checkoutDir, dir);
    if (kustomizationPath) {
      file = checkoutRelative(checkoutDir, kustomizationPath);
      let parsed: unknown;
      try {
        parsed = parseYaml(await readFile(kustomizationPath, 'utf8'));
      } catch (error) {
        throw new RenderProblem(
          'InvalidManifest',
          `kustomization '${file}' is not valid YAML: ${
            (error as Error).message
          }`,
          { file },
        );
      }
      const kustomization = (parsed ?? {}) as Record<string, unknown>;
      for (const field of REFERENCE_FIELDS) {
        const list = kustomization[field];
        if (Array.isArray(list)) {
          for (const entry of list) {
            // Generators and transformers may be inline YAML, not references.
            if (typeof entry === 'string' && !entry.includes('\n')) {
              entries.push({ field, entry });
            }
          }
        }
      }
    }
    for (const { field, entry } of entries) {
      const target = isAbsolute(entry) ? entry : resolve(dir, entry);
      const kind = isWithin(checkoutDir, target)
        ? await exists(target)
        : undefined;
      if (!kind && looksRemote(entry)) {
        if (allowRemoteBases) {
          continue;
        }
        throw new RenderProblem(
          'RemoteBaseRefused',
          `'${file}' ${field} lists the remote '${entry}'; remote bases are refused, so vendor it into the repository (or ask an administrator to allow remote bases)`,
          { file },
        );
      }
      if (!isWithin(checkoutDir, target)) {
        throw new RenderProblem(
          'OutsideCheckout',
          `'${file}' ${field} lists '${entry}', which is outside the repository`,
          { file },
        );
      }
      if (kind === 'directory') {
        queue.push({ dir: target, extra: [] });
      }
    }
  }
}
