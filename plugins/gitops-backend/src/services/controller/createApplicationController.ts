import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  ApplicationSourceRenderer,
  DefaultHealthAssessor,
  DiffSettings,
  GitMirrorSource,
  ResourceTracking,
} from '@driftless/gitops-engine';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { GitOpsStore } from '../../database/GitOpsStore';
import { ApplicationSetController } from '../applicationsets/ApplicationSetController';
import { ApplicationSetGeneration } from '../applicationsets/ApplicationSetGeneration';
import { readApplicationSetConfig } from '../applicationsets/readApplicationSetConfig';
import { ScmIntegrationCredentials } from '../applicationsets/ScmIntegrationCredentials';
import type { RegisteredCluster } from '../clusters/ClusterRegistry';
import { readToolLocations } from '../health/readToolLocations';
import { RepositoryCredentialsProvider } from '../repositories/RepositoryCredentialsProvider';
import { ApplicationController } from './ApplicationController';
import { ControllerMetrics } from './ControllerMetrics';
import type { OperationRunner } from './OperationRunner';
import { readControllerConfig } from './readControllerConfig';
import { SyncEngineOperationRunner } from './SyncEngineOperationRunner';

export interface CreateApplicationControllerOptions {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  scheduler?: SchedulerService;
  store: GitOpsStore;
  clusters: { list(): Promise<RegisteredCluster[]> };
  /** `signalsServiceRef`: live status to the portal, when the signals plugin is installed. */
  signals?: SignalsService;
  /** `metricsServiceRef` (alpha): Argo CD's metrics through Backstage's OpenTelemetry. */
  metrics?: MetricsService;
  /** The sync engine; the engine's own by default. */
  operationRunner?: OperationRunner;
}

/**
 * Where the Git mirrors and checkouts live: `gitops.controller.cacheDirectory`,
 * else `backend.workingDirectory/driftless-gitops`, else a directory in the OS
 * temp dir named after this backend's base URL (so two backends on one host
 * do not share it).
 */
function cacheDirectory(config: RootConfigService): string {
  const configured = config.getOptionalString(
    'gitops.controller.cacheDirectory',
  );
  if (configured) return resolve(configured);
  const working = config.getOptionalString('backend.workingDirectory');
  if (working) return resolve(working, 'driftless-gitops');
  const baseUrl = config.getOptionalString('backend.baseUrl') ?? '';
  const suffix = createHash('sha256').update(baseUrl).digest('hex').slice(0, 8);
  return join(tmpdir(), `driftless-gitops-${suffix}`);
}

/**
 * Builds the application controller from app-config (`gitops.applications`,
 * `gitops.controller`, `gitops.tracking`, `gitops.resourceCustomizations`,
 * `gitops.repositories` with Backstage's SCM integrations, `gitops.tools`),
 * starts it once the backend has started and stops it at shutdown. Fits the
 * plugin's `controllerFactory` option.
 */
/** Rendered apps kept in memory (bounded by bytes too); enough for several thousand apps. */
const RENDER_CACHE_ENTRIES = 10_000;

export async function createApplicationController(
  options: CreateApplicationControllerOptions,
): Promise<ApplicationController> {
  const { config, logger } = options;
  const { sources, settings, tracking, resourceCustomizations } =
    readControllerConfig(config);
  const cacheRoot = cacheDirectory(config);
  await mkdir(cacheRoot, { recursive: true });

  const diffSettings = DiffSettings.fromConfig(resourceCustomizations);
  const git = new GitMirrorSource({
    cacheRoot: join(cacheRoot, 'git'),
    credentialsProvider: RepositoryCredentialsProvider.fromConfig(config),
  });
  const controller = new ApplicationController({
    store: options.store,
    clusters: options.clusters,
    git,
    renderer: new ApplicationSourceRenderer({
      tools: readToolLocations(config),
      workDir: join(cacheRoot, 'render'),
      // One entry per app and revision: with fewer entries than apps, every
      // refresh would run kustomize or helm again (a process forked from
      // this one). The engine's byte bound still caps the memory.
      memoryCache: { maxEntries: RENDER_CACHE_ENTRIES },
      // As many renders as reconciles run at once: a render is mostly spent
      // waiting for its process, and the engine's default of one per core
      // made rendering the bottleneck of a cold start (1,000 apps rendered
      // at ~9 a second on two cores while the backend used half a core).
      concurrency: settings.concurrency,
    }),
    health: new DefaultHealthAssessor({
      customizations: resourceCustomizations,
    }),
    tracking: new ResourceTracking(tracking),
    diffSettings,
    settings,
    sources,
    logger,
    operationRunner:
      options.operationRunner ??
      new SyncEngineOperationRunner({ diffSettings }),
    resourceCustomizations,
    signals: options.signals,
    metrics: options.metrics
      ? new ControllerMetrics(options.metrics)
      : undefined,
  });
  await mkdir(join(cacheRoot, 'render'), { recursive: true });

  const applicationSetSettings = readApplicationSetConfig(config);
  if (applicationSetSettings.enabled) {
    controller.attachApplicationSets(
      new ApplicationSetController({
        store: options.store,
        generation: new ApplicationSetGeneration({
          git,
          clusters: options.clusters,
          scmCredentials: ScmIntegrationCredentials.fromConfig(config).provide,
          settings: applicationSetSettings,
        }),
        applications: controller,
        settings: applicationSetSettings,
        controlPlaneNamespace: settings.namespace,
        holder: controller.holder,
        leaseTtlMs: settings.leaseTtlMs,
        refreshWaitMs: settings.refreshWaitMs,
        logger: logger.child({ controller: 'applicationset' }),
      }),
    );
  }

  options.lifecycle.addStartupHook(async () => {
    await controller.start();
    logger.info(
      `GitOps application controller ${controller.holder} started: ${
        sources.length
      } platform repositories, refresh every ${
        settings.reconciliationPeriodMs / 1000
      } s`,
    );
  });
  options.lifecycle.addShutdownHook(() => controller.stop());
  await options.scheduler?.scheduleTask({
    id: 'gitops-prune-git-checkouts',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    // Each replica has its own cache directory.
    scope: 'local',
    fn: async () => {
      const pruned = await git.pruneCheckouts({ unusedForMs: 6 * 3_600_000 });
      if (pruned.length > 0) {
        logger.debug(`Removed ${pruned.length} unused Git checkouts`);
      }
    },
  });
  return controller;
}
