import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';

/** What `argocd_app_info` says of one app. */
export interface ApplicationInfo {
  name: string;
  namespace: string;
  project: string;
  syncStatus: string;
  healthStatus: string;
  /** The destination's server URL (or name, when the app names its cluster). */
  destServer: string;
  /** The first source's repoURL. */
  repo: string;
  /** `Automated` or `None`, as Argo CD's autosync_enabled label. */
  autosyncEnabled: boolean;
}

/** Argo CD's bucket boundaries for `argocd_app_reconcile` (seconds). */
const RECONCILE_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 16];

/**
 * The application controller's metrics under Argo CD's names and labels,
 * so Argo CD's Grafana dashboards work: `argocd_app_info` (a gauge of 1 per
 * app with its sync and health status), the `argocd_app_reconcile` histogram
 * (seconds per reconcile) and the `argocd_app_sync_total` counter (per
 * finished operation and phase). They go through Backstage's metrics service
 * (OpenTelemetry), which the backend exports to Prometheus.
 *
 * Each replica reports the apps it reconciled last, so summing over
 * replicas counts each app once.
 */
export class ControllerMetrics {
  private readonly apps = new Map<string, ApplicationInfo>();
  private readonly reconcile: MetricsServiceHistogram;
  private readonly syncs: MetricsServiceCounter;

  constructor(metrics: MetricsService) {
    metrics
      .createObservableGauge('argocd_app_info', {
        description: 'Information about application.',
      })
      .addCallback(result => {
        for (const app of this.apps.values()) {
          result.observe(1, {
            name: app.name,
            namespace: app.namespace,
            project: app.project,
            sync_status: app.syncStatus,
            health_status: app.healthStatus,
            dest_server: app.destServer,
            repo: app.repo,
            autosync_enabled: String(app.autosyncEnabled),
          });
        }
      });
    this.reconcile = metrics.createHistogram('argocd_app_reconcile', {
      description: 'Application reconciliation performance in seconds.',
      advice: { explicitBucketBoundaries: RECONCILE_BUCKETS },
    });
    this.syncs = metrics.createCounter('argocd_app_sync_total', {
      description: 'Number of application syncs.',
    });
  }

  /** Records an app's current status (after each reconcile by this replica). */
  setApplication(info: ApplicationInfo): void {
    this.apps.set(`${info.namespace}/${info.name}`, info);
  }

  /** Stops reporting an app: deleted, or reconciled by another replica now. */
  forgetApplication(key: { namespace: string; name: string }): void {
    this.apps.delete(`${key.namespace}/${key.name}`);
  }

  recordReconcile(
    seconds: number,
    app: { namespace: string; destServer: string },
  ): void {
    this.reconcile.record(seconds, {
      namespace: app.namespace,
      dest_server: app.destServer,
    });
  }

  recordSync(app: {
    name: string;
    namespace: string;
    project: string;
    destServer: string;
    phase: string;
    dryRun: boolean;
  }): void {
    this.syncs.add(1, {
      name: app.name,
      namespace: app.namespace,
      project: app.project,
      dest_server: app.destServer,
      phase: app.phase,
      dry_run: String(app.dryRun),
    });
  }
}
