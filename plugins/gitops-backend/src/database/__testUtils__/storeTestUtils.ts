import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { Application } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { applyDatabaseMigrations } from '../migrations';
import { upsertApplication } from '../operations/applications/upsertApplication';

/** Every supported database, for `describe.each(databases.eachSupportedId())`. */
export const databases = createTestDatabases();

/** A fresh database of the given kind with the schema in place. */
export async function migratedDatabase(id: TestDatabaseId): Promise<Knex> {
  const knex = await databases.init(id);
  await applyDatabaseMigrations(knex);
  return knex;
}

export interface TestApplicationOptions {
  namespace?: string;
  project?: string;
  labels?: Record<string, string>;
  repoURL?: string;
  repoURLs?: string[];
  destination?: { server?: string; name?: string; namespace?: string };
  path?: string;
}

/** A valid Application manifest; multi-source when `repoURLs` is given. */
export function testApplication(
  name: string,
  options: TestApplicationOptions = {},
): Application {
  const sources = options.repoURLs?.map(repoURL => ({
    repoURL,
    path: options.path ?? 'deploy',
    targetRevision: 'main',
  }));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: options.namespace ?? 'argocd',
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      project: options.project ?? 'default',
      ...(sources
        ? { sources }
        : {
            source: {
              repoURL:
                options.repoURL ?? 'https://git.example.com/platform.git',
              path: options.path ?? 'deploy',
              targetRevision: 'main',
            },
          }),
      destination: options.destination ?? {
        server: 'https://kubernetes.default.svc',
        namespace: 'default',
      },
    },
  };
}

/** Stores apps the way the controller does (origin `config`). */
export async function storeApplications(
  knex: Knex,
  applications: Application[],
): Promise<void> {
  for (const application of applications) {
    await upsertApplication(knex, { application, origin: 'config' });
  }
}
