import type { Application } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import {
  indexApplication,
  repoURLKey,
} from '../operations/applications/applicationIndex';

/** One generated fleet app: its manifest and, when reconciled, its status. */
export interface FleetApplication {
  application: Application;
  sync?: string;
  health?: string;
}

const CLUSTERS = [
  { server: 'https://kubernetes.default.svc' },
  { name: 'prod-eu' },
  { name: 'prod-us' },
  { server: 'https://staging.example.internal:6443' },
];
const TEAMS = ['payments', 'search', 'checkout', 'identity', 'data'];
const SYNC = ['Synced', 'Synced', 'Synced', 'OutOfSync'];
const HEALTH = ['Healthy', 'Healthy', 'Healthy', 'Progressing', 'Degraded'];

/**
 * A fleet of `count` Applications as a large organisation has them: teams
 * with several services, each deployed to several clusters, most synced and
 * healthy. Deterministic, so a failure reproduces.
 */
export function generateFleet(count: number): FleetApplication[] {
  return Array.from({ length: count }, (_, index) => {
    const team = TEAMS[index % TEAMS.length];
    const cluster =
      CLUSTERS[Math.floor(index / TEAMS.length) % CLUSTERS.length];
    const service = `svc-${String(index).padStart(5, '0')}`;
    const reconciled = index % 10 !== 9;
    return {
      application: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: `${team}-${service}`,
          namespace: 'argocd',
          labels: {
            team,
            'app.kubernetes.io/part-of': `${team}-${index % 40}`,
          },
        },
        spec: {
          project: team,
          source: {
            repoURL: `https://git.example.com/${team}/deploy.git`,
            path: service,
            targetRevision: 'main',
          },
          destination: { ...cluster, namespace: `${team}-${index % 3}` },
        },
      },
      ...(reconciled
        ? {
            // Other strides than the team's, so statuses spread over teams.
            sync: SYNC[Math.floor(index / 3) % SYNC.length],
            health: HEALTH[Math.floor(index / 11) % HEALTH.length],
          }
        : {}),
    };
  });
}

/**
 * Writes the rows upsertApplication and saveApplicationStatus would write,
 * in batches: thousands of one-app transactions would make the fixture,
 * not the query under test, the slow part.
 */
export async function bulkStoreFleet(
  knex: Knex,
  fleet: FleetApplication[],
): Promise<void> {
  const now = new Date().toISOString();
  const applications = [];
  const labels = [];
  const sources = [];
  const statuses = [];
  for (const { application, sync, health } of fleet) {
    const key = {
      namespace: application.metadata.namespace!,
      name: application.metadata.name,
    };
    const index = indexApplication(application);
    applications.push({
      ...key,
      ...index.columns,
      manifest: JSON.stringify(application),
      origin: 'config',
      spec_generation: 1,
      created_at: now,
      updated_at: now,
    });
    labels.push(
      ...index.labels.map(([labelKey, value]) => ({
        ...key,
        key: labelKey,
        value,
      })),
    );
    sources.push(
      ...index.sources.map(source => ({
        ...key,
        position: source.position,
        repo_url: source.repoURL,
        repo_url_key: repoURLKey(source.repoURL),
        target_revision: source.targetRevision ?? null,
      })),
    );
    if (sync && health) {
      statuses.push({
        ...key,
        sync_status: sync,
        health_status: health,
        revision: null,
        status: JSON.stringify({
          sync: { status: sync },
          health: { status: health },
        }),
        reconciled_at: now,
      });
    }
  }
  // SQLite allows 999 bound parameters per statement; rows here have up to 11 columns.
  const chunkSize = 80;
  await knex.batchInsert('applications', applications, chunkSize);
  await knex.batchInsert('application_labels', labels, chunkSize);
  await knex.batchInsert('application_sources', sources, chunkSize);
  await knex.batchInsert('application_status', statuses, chunkSize);
}
