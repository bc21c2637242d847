import {
  applicationSources,
  normalizeGitRepoURL,
  type Application,
} from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import type {
  ApplicationLabelRow,
  ApplicationRow,
  ApplicationSourceRow,
} from '../../tables';
import type { ApplicationKey } from '../../types';

/**
 * Version of {@link indexApplication}. Bump it when the derivation changes:
 * the store then re-derives older rows at startup (reindexApplications).
 */
export const APPLICATION_INDEX_VERSION = 1;

/** The fields list filters use, derived from a manifest. */
export interface ApplicationIndex {
  columns: Pick<
    ApplicationRow,
    'project' | 'dest_server' | 'dest_name' | 'dest_namespace' | 'index_version'
  >;
  labels: Array<[key: string, value: string]>;
  /** `position` is the index in `spec.sources` (0 for `spec.source`). */
  sources: Array<{
    position: number;
    repoURL: string;
    targetRevision?: string;
  }>;
}

/** How repoURLs are compared: Argo CD's normalization, or lower-cased text when the URL does not parse. */
export function repoURLKey(repoURL: string): string {
  return normalizeGitRepoURL(repoURL) || repoURL.trim().toLowerCase();
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Derives the indexed fields. Tolerates incomplete manifests (an invalid app
 * is still stored, so its InvalidSpecError condition can be shown).
 */
export function indexApplication(application: Application): ApplicationIndex {
  const spec = application.spec ?? ({} as Application['spec']);
  const destination = spec.destination ?? {};
  const labels = Object.entries(application.metadata?.labels ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return {
    columns: {
      project: nonEmptyString(spec.project) ?? 'default',
      dest_server: nonEmptyString(destination.server),
      dest_name: nonEmptyString(destination.name),
      dest_namespace: nonEmptyString(destination.namespace),
      index_version: APPLICATION_INDEX_VERSION,
    },
    labels,
    sources: applicationSources(spec).flatMap((source, position) => {
      const repoURL = nonEmptyString(source?.repoURL);
      return repoURL
        ? [{ position, repoURL, targetRevision: source.targetRevision }]
        : [];
    }),
  };
}

/** Replaces an app's rows in the side tables; run inside the transaction that writes the app. */
export async function writeApplicationIndex(
  trx: Knex.Transaction,
  key: ApplicationKey,
  index: ApplicationIndex,
): Promise<void> {
  await trx('application_labels')
    .where({ namespace: key.namespace, name: key.name })
    .delete();
  await trx('application_sources')
    .where({ namespace: key.namespace, name: key.name })
    .delete();
  if (index.labels.length > 0) {
    await trx<ApplicationLabelRow>('application_labels').insert(
      index.labels.map(([labelKey, value]) => ({
        namespace: key.namespace,
        name: key.name,
        key: labelKey,
        value,
      })),
    );
  }
  if (index.sources.length > 0) {
    await trx<ApplicationSourceRow>('application_sources').insert(
      index.sources.map(source => ({
        namespace: key.namespace,
        name: key.name,
        position: source.position,
        repo_url: source.repoURL,
        repo_url_key: repoURLKey(source.repoURL),
        target_revision: source.targetRevision ?? null,
      })),
    );
  }
}
