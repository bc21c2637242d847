import { createTestDatabases } from '../__testUtils__/databases';
import { applyDatabaseMigrations, migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('creates the applications table and drops it again on rollback', async () => {
    const knex = await databases.init(databaseId);

    await applyDatabaseMigrations(knex);
    expect(await knex.schema.hasTable('applications')).toBe(true);
    const columns = Object.keys(await knex('applications').columnInfo());
    expect(columns.sort()).toEqual(
      [
        'created_at',
        'manifest',
        'name',
        'namespace',
        'project',
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

    await knex.migrate.rollback({ directory: migrationsDirectory }, true);
    expect(await knex.schema.hasTable('applications')).toBe(false);
  });

  it('is idempotent', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await applyDatabaseMigrations(knex);
    expect(await knex.schema.hasTable('applications')).toBe(true);
  });
});
