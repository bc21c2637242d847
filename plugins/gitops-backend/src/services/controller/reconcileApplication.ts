import {
  ApplicationValidationError,
  GitSourceError,
  RenderError,
  applicationInstanceName,
  applicationSources,
  compareRequestFor,
  formatResourceKey,
  parseApplication,
  resourceKeyOf,
  syncWaveOf,
  type Application,
  type ApplicationDiff,
  type ApplicationSource,
  type GitSource,
  type HealthAssessor,
  type KubernetesObject,
  type ManagedResource,
  type Renderer,
  type WatchRequest,
} from '@driftless/gitops-engine';
import type { ApplicationRecord } from '../../database/types';
import {
  isRegisteredKind,
  type ChildRegistrar,
  type ChildrenReport,
} from './appOfApps';
import type { ClusterCaches, ClusterHandle } from './ClusterCaches';
import { renderSources, type RenderedSources } from './renderSources';
import {
  collectImages,
  combinedSyncStatus,
  comparedTo,
  invalidSpecStatus,
  sortResources,
  withTransitionTimes,
  type ApplicationStatusBody,
  type ResourceStatusEntry,
  type StatusCondition,
} from './statusDocument';

/** The parts a reconcile uses; all real ports (Git, renderer, clusters, store). */
export interface ReconcileDependencies {
  git: GitSource;
  renderer: Renderer;
  clusters: ClusterCaches;
  health: HealthAssessor;
  children: ChildRegistrar;
  /** Argo CD's control-plane namespace: apps there are tracked by their bare name. */
  controlPlaneNamespace: string;
  /** Whether an AppProject is registered (`default` always exists). */
  projectExists(project: { namespace: string; name: string }): Promise<boolean>;
}

/** How far a comparison goes. */
export interface CompareOptions {
  /** Ask Git again for branch heads. */
  refreshGit: boolean;
  /** Skip the render cache. */
  hardRefresh: boolean;
  /** Render these sources instead of the spec's (a rollback to a history entry). */
  sources?: ApplicationSource[];
  /** Render these revisions instead of the targetRevisions (a sync to a revision). */
  revisions?: Array<string | undefined>;
  /** The commits last compared, to report force pushes. */
  previousRevisions?: string[];
  /** Register and update children now (automated sync, or a sync running). */
  registerChildren: boolean;
  /** Delete children Git no longer has. */
  pruneChildren: boolean;
}

/** Desired and live state of one app, as a sync needs it. */
export interface ComparedApplication {
  application: Application;
  appInstanceName: string;
  rendered: RenderedSources;
  /** The cluster objects to apply, as the comparator prepared them (namespaces set, tracking stamped). */
  desired: KubernetesObject[];
  comparison: ApplicationDiff;
  cluster: ClusterHandle;
  children: ChildrenReport;
}

/** Why a comparison could not run: the condition to show. */
export class ReconcileProblem extends Error {
  constructor(
    readonly conditionType: 'InvalidSpecError' | 'ComparisonError',
    message: string,
  ) {
    super(message);
    this.name = 'ReconcileProblem';
  }
}

/** The kinds and namespaces of resources the app had, so objects of kinds no longer in Git are still found. */
function previousTypes(
  resources: ResourceStatusEntry[] | undefined,
): WatchRequest[] {
  return (resources ?? [])
    .filter(resource => !resource.hook)
    .filter(resource => resource.group !== 'argoproj.io')
    .map(resource => ({
      apiVersion: resource.group
        ? `${resource.group}/${resource.version}`
        : resource.version,
      kind: resource.kind,
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
    }));
}

/**
 * Checks what Argo CD checks before comparing: the AppProject exists and the
 * destination names a known cluster. Throws a ReconcileProblem otherwise.
 */
export async function resolveApplicationTarget(
  application: Application,
  deps: Pick<ReconcileDependencies, 'clusters' | 'projectExists'>,
  appNamespace: string,
): Promise<ClusterHandle> {
  const project = application.spec.project || 'default';
  if (
    project !== 'default' &&
    !(await deps.projectExists({ namespace: appNamespace, name: project }))
  ) {
    throw new ReconcileProblem(
      'InvalidSpecError',
      `Application referencing project ${project} which does not exist`,
    );
  }
  const resolved = await deps.clusters.resolve(application.spec.destination);
  if ('problem' in resolved) {
    throw new ReconcileProblem(
      'InvalidSpecError',
      `Application destination is invalid: ${resolved.problem}`,
    );
  }
  return resolved.handle;
}

/**
 * Renders an app at its target (or the given) revisions, registers or
 * reports its app-of-apps children, and compares its cluster objects with
 * the live ones. Git and render failures throw a ComparisonError problem;
 * cluster failures come back as the comparison's own ComparisonError.
 */
export async function compareApplication(
  application: Application,
  deps: ReconcileDependencies,
  options: CompareOptions & {
    appNamespace: string;
    previousResources?: ResourceStatusEntry[];
  },
): Promise<ComparedApplication> {
  const cluster = await resolveApplicationTarget(
    application,
    deps,
    options.appNamespace,
  );
  const sources = options.sources ?? applicationSources(application.spec);
  let rendered: RenderedSources;
  try {
    rendered = await renderSources(deps, {
      sources,
      revisions: options.revisions,
      previousRevisions: options.previousRevisions,
      appName: application.metadata.name,
      destinationNamespace: application.spec.destination.namespace,
      project: application.spec.project,
      refreshGit: options.refreshGit,
      bypassCache: options.hardRefresh,
    });
  } catch (error) {
    if (error instanceof GitSourceError || error instanceof RenderError) {
      throw new ReconcileProblem(
        'ComparisonError',
        `Failed to load target state: ${error.message}`,
      );
    }
    throw error;
  }

  const registered = rendered.objects.filter(isRegisteredKind);
  const clusterObjects = rendered.objects.filter(
    object => !isRegisteredKind(object),
  );
  // Most apps have no children and never had: spare the store three queries.
  const mayHaveChildren =
    registered.length > 0 ||
    options.previousResources === undefined ||
    options.previousResources.some(
      resource => resource.group === 'argoproj.io',
    );
  const children: ChildrenReport = mayHaveChildren
    ? await deps.children.reconcile({
        origin: `app:${options.appNamespace}/${application.metadata.name}`,
        objects: registered,
        register: options.registerChildren,
        prune: options.pruneChildren,
      })
    : { resources: [], conditions: [], changedApplications: [], pruned: [] };

  const request = compareRequestFor(application, clusterObjects, {
    controlPlaneNamespace: deps.controlPlaneNamespace,
    extraTypes: previousTypes(options.previousResources),
  });
  const prepared = await cluster.comparator.prepare(request);
  const comparison = await cluster.comparator.compare({
    ...request,
    desired: prepared.objects,
  });
  return {
    application,
    appInstanceName: request.appInstanceName,
    rendered,
    desired: prepared.objects,
    comparison,
    cluster,
    children,
  };
}

/** What one reconcile found. */
export interface ReconcileResult {
  status: ApplicationStatusBody;
  /** The parsed Application; absent when the spec is invalid. */
  application?: Application;
  /** Present when Git and the cluster could be compared. */
  compared?: ComparedApplication;
}

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/**
 * Argo CD's refresh of one app (`controller/appcontroller.go`
 * `processAppRefreshQueueItem` + `controller/state.go` `CompareAppState`):
 * validate the spec, resolve and render every source, register the
 * app-of-apps children, compare with the live objects, assess health, and
 * build the status document. It writes nothing but children registrations:
 * the caller saves the status, emits events and decides about syncing.
 */
export async function reconcileApplication(
  record: ApplicationRecord,
  deps: ReconcileDependencies,
  options: { refreshGit: boolean; hardRefresh: boolean; now: Date },
): Promise<ReconcileResult> {
  const now = options.now.toISOString();
  const previous = record.status?.status as
    | Partial<ApplicationStatusBody>
    | undefined;
  let application: Application;
  try {
    application = parseApplication(
      record.manifest,
      `Application ${record.namespace}/${record.name}`,
    );
  } catch (error) {
    if (!(error instanceof ApplicationValidationError)) throw error;
    return {
      status: invalidSpecStatus(
        previous,
        {},
        error.problems.map(problem => ({
          type: 'InvalidSpecError',
          message: problem,
        })),
        now,
      ),
    };
  }

  const automated = application.spec.syncPolicy?.automated;
  const automatedOn = Boolean(automated) && automated?.enabled !== false;
  let compared: ComparedApplication;
  try {
    compared = await compareApplication(application, deps, {
      appNamespace: record.namespace,
      refreshGit: options.refreshGit,
      hardRefresh: options.hardRefresh,
      previousRevisions:
        previous?.sync?.revisions ??
        (previous?.sync?.revision ? [previous.sync.revision] : undefined),
      previousResources: previous?.resources,
      // Argo CD creates an app of apps' children when it syncs: at once
      // with automated sync, and prunes them only with automated prune.
      registerChildren: automatedOn,
      pruneChildren: automatedOn && Boolean(automated?.prune),
    });
  } catch (error) {
    if (!(error instanceof ReconcileProblem)) throw error;
    if (error.conditionType === 'InvalidSpecError') {
      return {
        application,
        status: invalidSpecStatus(
          previous,
          comparedTo(application),
          [{ type: 'InvalidSpecError', message: error.message }],
          now,
        ),
      };
    }
    // Nothing is known about the desired state: keep the last resources and
    // health, never treat the app as empty (nothing gets pruned).
    return {
      application,
      status: {
        ...invalidSpecStatus(
          previous,
          comparedTo(application),
          [{ type: 'ComparisonError', message: error.message }],
          now,
        ),
        health: previous?.health ?? { status: 'Unknown' },
      },
    };
  }

  return {
    application,
    compared,
    status: await buildStatus(compared, deps.health, previous, now),
  };
}

async function buildStatus(
  compared: ComparedApplication,
  health: HealthAssessor,
  previous: Partial<ApplicationStatusBody> | undefined,
  now: string,
): Promise<ApplicationStatusBody> {
  const { application, comparison, cluster, rendered, children } = compared;
  const comparisonFailed = comparison.conditions.some(
    condition => condition.type === 'ComparisonError',
  );
  const desiredById = new Map(
    compared.desired.map(object => [
      formatResourceKey(resourceKeyOf(object)),
      object,
    ]),
  );

  const entries: ResourceStatusEntry[] = [];
  const managed: ManagedResource[] = [];
  const ignoredExtraneous = new Set<ResourceStatusEntry>();
  const liveObjects: KubernetesObject[] = [];
  for (const resource of comparison.resources) {
    if (resource.skipped) continue;
    const key = {
      group: resource.group,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
    };
    const live = resource.missing
      ? undefined
      : await cluster.cache
          .getObject(key, apiVersionOf(resource.group, resource.version))
          .catch(() => undefined);
    if (live) liveObjects.push(live);
    const target = desiredById.get(formatResourceKey(key));
    // As Argo CD: the wave of what Git wants, else of what the cluster has.
    const waveSource = target ?? live;
    const entry: ResourceStatusEntry = {
      group: resource.group,
      version: resource.version,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
      ...(resource.status ? { status: resource.status } : {}),
      ...(resource.hook ? { hook: true } : {}),
      ...(resource.requiresPruning ? { requiresPruning: true } : {}),
      ...(waveSource ? { syncWave: syncWaveOf(waveSource) } : {}),
    };
    if (resource.requiresPruning && resource.ignoreExtraneous) {
      ignoredExtraneous.add(entry);
    }
    entries.push(entry);
    managed.push({ ...key, target, live });
  }
  for (const child of children.resources) {
    entries.push(child.entry);
    managed.push({
      group: child.entry.group,
      kind: child.entry.kind,
      namespace: child.entry.namespace,
      name: child.entry.name,
      target: child.target,
      live: child.live,
    });
  }

  const appHealth = await health.assessApplication(managed, {
    application: {
      name: application.metadata.name,
      namespace: application.metadata.namespace,
    },
  });
  appHealth.resources.forEach((resourceHealth, index) => {
    if (resourceHealth.health) {
      entries[index].health = {
        status: resourceHealth.health.status,
        ...(resourceHealth.health.message
          ? { message: resourceHealth.health.message }
          : {}),
      };
    }
  });

  const conditions: StatusCondition[] = [
    ...comparison.conditions,
    ...children.conditions,
  ];
  const multi =
    rendered.sources.length > 1 || Boolean(application.spec.sources?.length);
  const revisions = rendered.sources.map(source => source.sha);
  const resources = comparisonFailed
    ? previous?.resources ?? []
    : sortResources(entries);
  return {
    sync: {
      status: comparisonFailed
        ? 'Unknown'
        : combinedSyncStatus(entries, ignoredExtraneous),
      ...(multi ? { revisions } : { revision: revisions[0] }),
      comparedTo: comparedTo(application),
    },
    health: comparisonFailed
      ? previous?.health ?? { status: 'Unknown' }
      : {
          status: appHealth.status,
          ...(appHealth.message ? { message: appHealth.message } : {}),
        },
    resources,
    conditions: withTransitionTimes(previous?.conditions, conditions, now),
    reconciledAt: now,
    observedAt: now,
    ...(multi
      ? { sourceTypes: rendered.sources.map(source => source.sourceType) }
      : { sourceType: rendered.sources[0]?.sourceType }),
    summary: { images: collectImages(liveObjects) },
  };
}

/** The instance name an app's objects are tracked by. */
export function instanceNameOf(
  key: { namespace: string; name: string },
  controlPlaneNamespace: string,
): string {
  return applicationInstanceName(key, controlPlaneNamespace);
}
