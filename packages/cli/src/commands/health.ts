import {
  DefaultHealthAssessor,
  type UnstructuredObject,
} from '@driftless/gitops-engine';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { readSingleDocument } from './readDocuments';
import { CommandError, type CommandContext } from './types';

interface HealthFlags {
  object: string;
  lua?: string;
  useOpenLibs?: boolean;
}

/** `apps/Deployment` → Argo CD's customization key suffix `apps_Deployment`. */
function customizationKey(object: UnstructuredObject): string {
  const apiVersion = String(object.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind = String(object.kind ?? '');
  return group ? `${group}_${kind}` : kind;
}

export function registerHealth(program: Command, { output }: CommandContext) {
  program
    .command('health')
    .description(
      "assess the health of one object as the controller does: built-in checks, or a Lua script in Argo CD's format",
    )
    .requiredOption('--object <obj.yaml>', 'the object (YAML or JSON)')
    .option(
      '--lua <health.lua>',
      'a health script, as configured in resource.customizations.health',
    )
    .option(
      '--use-open-libs',
      "open Lua's string and math libraries for the script (useOpenLibs)",
    )
    .action(async (flags: HealthFlags) => {
      const object = await readSingleDocument(flags.object, 'object');
      if (
        typeof object !== 'object' ||
        object === null ||
        Array.isArray(object)
      ) {
        throw new CommandError(
          `${flags.object} does not hold a Kubernetes object`,
        );
      }
      const live = object as UnstructuredObject;
      const customizations: Record<string, string> = {};
      if (flags.lua) {
        const key = customizationKey(live);
        try {
          customizations[`resource.customizations.health.${key}`] =
            await readFile(flags.lua, 'utf8');
        } catch (error) {
          throw new CommandError(
            `cannot read ${flags.lua}: ${(error as Error).message}`,
          );
        }
        if (flags.useOpenLibs) {
          customizations[`resource.customizations.useOpenLibs.${key}`] = 'true';
        }
      }
      const health = await new DefaultHealthAssessor({
        customizations,
      }).assessResource(live);
      // No check applies to this kind: Argo CD leaves its health empty.
      output.out(
        `${JSON.stringify(
          health ?? {
            status: null,
            message: `no health check for ${customizationKey(live)}`,
          },
        )}\n`,
      );
    });
}
