import {
  ApplicationComparator,
  ClusterCache,
  compareRequestFor,
  DiffSettings,
  KubernetesClusterConnection,
  readKubeconfigTarget,
  ResourceTracking,
  TRACKING_METHODS,
  type ApplicationDiff,
  type ResourceDiff,
  type TrackingMethod,
} from '@driftless/gitops-engine';
import { CommanderError, type Command } from 'commander';
import { readSingleDocument } from './readDocuments';
import { readApplication, renderApplication } from './render';
import { CommandError, type CommandContext } from './types';

interface DiffFlags {
  kubeconfig: string;
  context?: string;
  repoRoot?: string;
  cacheDir?: string;
  name?: string;
  trackingMethod: string;
  trackingAnnotationKey?: string;
  trackingLabelKey?: string;
  argocdCm?: string;
  controlPlaneNamespace?: string;
  output: 'table' | 'json';
}

/** Exit codes, as `kubectl diff` uses them. */
export const DIFF_EXIT_CODES = { synced: 0, outOfSync: 1, error: 2 } as const;

/** The `data` of an argocd-cm ConfigMap file, for ignoreDifferences and compare options set system-wide. */
async function readArgoCdConfigMap(path: string): Promise<DiffSettings> {
  const document = (await readSingleDocument(path, 'ConfigMap')) as {
    kind?: unknown;
    data?: unknown;
  };
  if (
    typeof document !== 'object' ||
    document === null ||
    document.kind !== 'ConfigMap'
  ) {
    throw new CommandError(
      `${path} must hold the argocd-cm ConfigMap (kind: ConfigMap)`,
    );
  }
  const data = (document.data ?? {}) as Record<string, unknown>;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') {
      throw new CommandError(
        `${path}: data.${key} must be a string, as ConfigMap data is`,
      );
    }
    config[key] = value;
  }
  try {
    return DiffSettings.fromConfig(config);
  } catch (error) {
    throw new CommandError(`${path}: ${(error as Error).message}`);
  }
}

function statusCell(resource: ResourceDiff): { status: string; note: string } {
  if (resource.skipped) return { status: '-', note: 'hook Skip: not synced' };
  if (resource.hook) return { status: '-', note: 'hook: not diffed' };
  let note = resource.message ?? '';
  if (resource.missing) note = 'missing: not in the cluster';
  if (resource.requiresPruning) {
    note = resource.ignoreExtraneous
      ? 'extraneous, IgnoreExtraneous: would prune, app stays Synced'
      : 'extraneous: not in Git, would prune';
  }
  return { status: resource.status ?? '-', note };
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => row[column].length)),
  );
  return rows
    .map(row =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The per-resource table, the diffs and the conditions, as the command prints them. */
export function formatApplicationDiff(
  appName: string,
  result: ApplicationDiff,
): string {
  const rows = [['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'NOTE']];
  for (const resource of result.resources) {
    const { status, note } = statusCell(resource);
    rows.push([
      resource.group ? `${resource.kind}.${resource.group}` : resource.kind,
      resource.namespace || '-',
      resource.name,
      status,
      note,
    ]);
  }
  const parts = [formatTable(rows)];
  const counted = result.resources.filter(resource => resource.status);
  const outOfSync = counted.filter(
    resource => resource.status !== 'Synced',
  ).length;
  parts.push(
    `\nApplication ${appName}: ${result.status} (${outOfSync} of ${counted.length} resources not Synced)`,
  );
  for (const condition of result.conditions)
    parts.push(`${condition.type}: ${condition.message}`);
  const diffs = result.resources.filter(resource => resource.diff);
  if (diffs.length > 0) parts.push('', ...diffs.map(resource => resource.diff));
  return `${parts.join('\n')}\n`;
}

async function runDiff(
  appFile: string,
  flags: DiffFlags,
  { output }: CommandContext,
): Promise<number> {
  if (flags.output !== 'table' && flags.output !== 'json') {
    throw new CommandError(
      `--output must be table or json, not '${flags.output}'`,
    );
  }
  if (!TRACKING_METHODS.includes(flags.trackingMethod as TrackingMethod)) {
    throw new CommandError(
      `--tracking-method must be one of ${TRACKING_METHODS.join(', ')}, not '${
        flags.trackingMethod
      }'`,
    );
  }
  const settings = flags.argocdCm
    ? await readArgoCdConfigMap(flags.argocdCm)
    : DiffSettings.defaults;
  const application = await readApplication(appFile, flags.name);
  const desired = await renderApplication(application, flags);
  const target = await readKubeconfigTarget(flags.kubeconfig, flags.context);
  const connection = new KubernetesClusterConnection({
    name: target.context,
    server: target.server,
    labels: {},
    auth: {
      provider: 'kubeconfig',
      path: flags.kubeconfig,
      context: flags.context,
    },
  });
  const tracking = new ResourceTracking({
    method: flags.trackingMethod as TrackingMethod,
    annotationKey: flags.trackingAnnotationKey,
    labelKey: flags.trackingLabelKey,
  });
  const cache = new ClusterCache({ connection, tracking });
  try {
    const comparator = new ApplicationComparator({
      connection,
      live: cache,
      tracking,
      settings,
    });
    const result = await comparator.compare(
      compareRequestFor(application, desired, {
        controlPlaneNamespace: flags.controlPlaneNamespace,
      }),
    );
    if (flags.output === 'json') {
      output.out(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      output.out(formatApplicationDiff(application.metadata.name, result));
    }
    if (result.status === 'Synced') return DIFF_EXIT_CODES.synced;
    if (result.status === 'OutOfSync') return DIFF_EXIT_CODES.outOfSync;
    const failures = result.conditions.filter(
      condition => condition.type === 'ComparisonError',
    );
    for (const failure of failures)
      output.err(`driftless: comparison failed: ${failure.message}\n`);
    if (failures.length === 0) {
      const unknown = result.resources.filter(r => r.status === 'Unknown');
      output.err(
        `driftless: ${
          unknown.length
        } resource(s) could not be compared: ${unknown
          .map(r => `${r.kind} ${r.name}`)
          .join(', ')}\n`,
      );
    }
    return DIFF_EXIT_CODES.error;
  } finally {
    cache.stop();
    connection.close();
  }
}

export function registerDiff(program: Command, context: CommandContext) {
  program
    .command('diff')
    .description(
      'compare what Git wants with what a cluster has, per resource, as the controller does (server-side diff); exit 0 Synced, 1 OutOfSync, 2 error or Unknown',
    )
    .argument('<app.yaml>', 'file holding the Application')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster')
    .option(
      '--context <name>',
      'kubeconfig context (its current one by default)',
    )
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
      'the Application to diff, when the file holds several',
    )
    .option(
      '--tracking-method <method>',
      `how objects record their app: ${TRACKING_METHODS.join(', ')}`,
      'annotation',
    )
    .option(
      '--tracking-annotation-key <key>',
      'tracking annotation (default driftless.dev/tracking-id; argocd.argoproj.io/tracking-id for clusters Argo CD managed)',
    )
    .option(
      '--tracking-label-key <key>',
      'instance label for label tracking (default app.kubernetes.io/instance)',
    )
    .option(
      '--argocd-cm <file>',
      'an argocd-cm ConfigMap whose resource.customizations.ignoreDifferences.* and resource.compareoptions apply',
    )
    .option(
      '--control-plane-namespace <ns>',
      "namespace of the control plane; apps outside it are tracked as <namespace>_<name> (default: the Application's own namespace)",
    )
    .option('-o, --output <format>', 'table or json', 'table')
    .exitOverride(error => {
      // Usage errors are errors (2), not "OutOfSync" (1); help and version stay 0.
      if (error.exitCode === 0) throw error;
      throw new CommanderError(2, error.code, error.message);
    })
    .action(async (appFile: string, flags: DiffFlags) => {
      try {
        context.setExitCode(await runDiff(appFile, flags, context));
      } catch (error) {
        context.output.err(`driftless: ${(error as Error).message}\n`);
        context.setExitCode(DIFF_EXIT_CODES.error);
      }
    });
}
