import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { toolLabel, type RenderContext, type ResolvedTool } from './context';
import { RenderProblem } from './errors';
import {
  checkKustomizationTree,
  findKustomizationFile,
  looksRemote,
} from './kustomization';
import { applyKustomizeOptions, hasKustomizeEdits } from './kustomizeOptions';
import { parseToolOutput, type ParsedDocument } from './manifests';
import { checkoutRelative, isWithin } from './paths';
import type { ApplicationSourceKustomize } from './types';

/**
 * `source.kustomize.components` as `kustomize edit add component` would take
 * them: each must exist inside the checkout, unless `ignoreMissingComponents`
 * drops the missing ones (Argo CD's behaviour); remote ones are left to the
 * remote-base rule.
 */
async function resolveComponents(
  checkoutDir: string,
  appDir: string,
  options: ApplicationSourceKustomize,
): Promise<string[]> {
  const found: string[] = [];
  for (const component of options.components ?? []) {
    const target = resolve(appDir, component);
    if (!isWithin(checkoutDir, target)) {
      if (looksRemote(component)) {
        found.push(component);
        continue;
      }
      throw new RenderProblem(
        'OutsideCheckout',
        `source.kustomize.components entry '${component}' is outside the repository`,
      );
    }
    if (await stat(target).catch(() => undefined)) {
      found.push(component);
    } else if (looksRemote(component)) {
      found.push(component);
    } else if (!options.ignoreMissingComponents) {
      throw new RenderProblem(
        'InvalidSource',
        `source.kustomize.components entry '${component}' does not exist (looked for '${checkoutRelative(
          checkoutDir,
          target,
        )}'); fix the path or set ignoreMissingComponents`,
      );
    }
  }
  return found;
}

/**
 * Renders a Kustomize source with the real binary (`kustomize build` or
 * `kubectl kustomize`), with Kustomize's default load restrictions. The
 * Application's options are written into a copy of the checkout, never into
 * the checkout itself.
 */
export async function renderKustomize(
  context: RenderContext,
  options: {
    checkoutDir: string;
    appDir: string;
    kustomize?: ApplicationSourceKustomize | null;
    tool: ResolvedTool;
    allowRemoteBases: boolean;
  },
): Promise<ParsedDocument[]> {
  const { checkoutDir, appDir, tool, allowRemoteBases } = options;
  const settings = options.kustomize ?? {};
  if (settings.version) {
    throw new RenderProblem(
      'Unsupported',
      `source.kustomize.version '${settings.version}' picks a kustomize binary by version, which is not supported; remove it to use the configured kustomize`,
    );
  }
  if (!(await findKustomizationFile(appDir))) {
    throw new RenderProblem(
      'InvalidSource',
      `'${checkoutRelative(
        checkoutDir,
        appDir,
      )}' has no kustomization.yaml, kustomization.yml or Kustomization; add one, or remove source.kustomize to render it as a plain directory`,
    );
  }
  const components = await resolveComponents(checkoutDir, appDir, settings);
  await checkKustomizationTree({
    checkoutDir,
    appDir,
    allowRemoteBases,
    extraReferences: components,
  });

  let root = checkoutDir;
  let target = appDir;
  if (hasKustomizeEdits(settings)) {
    root = await context.workspace.copyOfCheckout(checkoutDir);
    context.hidePath(root, '.');
    target = join(root, relative(checkoutDir, appDir));
    const kustomizationPath = (await findKustomizationFile(target))!;
    let edited: string;
    try {
      edited = applyKustomizeOptions(
        await readFile(kustomizationPath, 'utf8'),
        settings,
        context.env,
        components,
      );
    } catch (error) {
      if (error instanceof RenderProblem) {
        const file = checkoutRelative(root, kustomizationPath);
        throw new RenderProblem(
          error.code,
          `applying source.kustomize to '${file}': ${error.message}`,
          { file },
        );
      }
      throw error;
    }
    await writeFile(kustomizationPath, edited);
  }

  const label = toolLabel(tool.tool);
  const stdout = await context.run(
    tool,
    tool.tool === 'kustomize' ? ['build', target] : ['kustomize', target],
    {
      cwd: root,
      env: { ...process.env, ...context.env },
      label,
    },
  );
  return parseToolOutput(stdout, label);
}
