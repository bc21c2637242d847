import { createTestDatabases } from '../__testUtils__/databases';
import { applyDatabaseMigrations, migrationsDirectory } from './migrations';
import { getApplication } from './operations/applications/getApplication';
import { listApplications } from './operations/applications/listApplications';
import { reindexApplications } from './operations/applications/reindexApplications';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const STORE_TABLES = [
  'applications',
  'application_labels',
  'application_sources',
  'application_status',
  'operations',
  'history',
  'events',
  'leases',
  'app_projects',
  'application_sets',
  'application_set_status',
  'application_set_events',
];

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('creates the applications table and drops it again on rollback', async () => {
    const knex = await databases.init(databaseId);

    await applyDatabaseMigrations(knex);
    expect(await knex.schema.hasTable('applications')).toBe(true);
    const columns = Object.keys(await knex('applications').columnInfo());
    expect(columns.sort()).toEqual(
      [
        'created_at',
        'dest_name',
        'dest_namespace',
        'dest_server',
        'index_version',
        'manifest',
        'name',
        'namespace',
        'origin',
        'project',
        'spec_generation',
        'updated_at',
      ].sort(),
    );

    // (namespace, name) is the key: the same name may exist in two namespaces.
    const row = (namespace: string) => ({
      namespace,
      name: 'shop',
      manifest: '{}',
    });
    await knex('applications').insert([row('argocd'), row('team-a')]);
    // toMatchObject, not toThrow: the driver's error class is from another realm.
    await expect(
      knex('applications').insert(row('argocd')),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /UNIQUE constraint failed|duplicate key value/,
      ),
    });
    const [stored] = await knex('applications').where({ namespace: 'team-a' });
    expect(stored.project).toBe('default');
    expect(stored.origin).toBe('api');
    expect(stored.spec_generation).toBe(1);

    await knex.migrate.rollback({ directory: migrationsDirectory }, true);
    for (const table of STORE_TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
  });

  it('walks every migration down and up again one at a time', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const [completed, pending] = await knex.migrate.list({
      directory: migrationsDirectory,
    });
    expect(completed.length).toBeGreaterThanOrEqual(3);
    expect(pending).toEqual([]);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('application_set_status')).toBe(false);
    expect(await knex.schema.hasTable('application_set_events')).toBe(false);
    expect(await knex.schema.hasTable('application_sets')).toBe(true);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('app_projects')).toBe(false);
    expect(await knex.schema.hasTable('application_sets')).toBe(false);
    expect(await knex.schema.hasTable('leases')).toBe(true);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('leases')).toBe(false);
    expect(await knex.schema.hasTable('operations')).toBe(false);
    expect(await knex.schema.hasTable('application_labels')).toBe(true);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('application_labels')).toBe(false);
    expect(Object.keys(await knex('applications').columnInfo()).sort()).toEqual(
      [
        'created_at',
        'manifest',
        'name',
        'namespace',
        'project',
        'updated_at',
      ].sort(),
    );
    // The primary key survived the column drops (SQLite rebuilds the table).
    await knex('applications').insert({
      namespace: 'a',
      name: 'b',
      manifest: '{}',
    });
    await expect(
      knex('applications').insert({
        namespace: 'a',
        name: 'b',
        manifest: '{}',
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /UNIQUE constraint failed|duplicate key value/,
      ),
    });

    await applyDatabaseMigrations(knex);
    for (const table of STORE_TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
  });

  it('indexes applications stored before the index existed', async () => {
    const knex = await databases.init(databaseId);
    // Only the first migration, as an older Driftless left the database.
    await knex.migrate.up({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('application_labels')).toBe(false);
    const manifest = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'legacy',
        namespace: 'argocd',
        labels: { team: 'payments' },
      },
      spec: {
        project: 'shop',
        source: { repoURL: 'https://git.example.com/Shop.git', path: 'k8s' },
        destination: { name: 'prod', namespace: 'shop' },
      },
    };
    await knex('applications').insert({
      namespace: 'argocd',
      name: 'legacy',
      project: 'shop',
      manifest: JSON.stringify(manifest),
    });

    await applyDatabaseMigrations(knex);
    // Before reindexing, the filters cannot see it yet.
    await expect(
      listApplications(knex, { filter: { labelSelector: 'team=payments' } }),
    ).resolves.toMatchObject({ items: [] });

    await expect(reindexApplications(knex)).resolves.toBe(1);
    await expect(reindexApplications(knex)).resolves.toBe(0);
    const page = await listApplications(knex, {
      filter: {
        labelSelector: 'team=payments',
        repoURLs: ['https://git.example.com/shop'],
        destinationCluster: { names: ['prod'] },
        destinationNamespaces: ['shop'],
      },
    });
    expect(page.items.map(item => item.name)).toEqual(['legacy']);
    const legacy = await getApplication(knex, {
      namespace: 'argocd',
      name: 'legacy',
    });
    expect(legacy).toMatchObject({
      origin: 'api',
      specGeneration: 1,
      manifest,
    });
    // SQLite's CURRENT_TIMESTAMP default reads back as ISO UTC too.
    expect(legacy!.createdAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
  });

  it('is idempotent', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await applyDatabaseMigrations(knex);
    expect(await knex.schema.hasTable('applications')).toBe(true);
  });
});
