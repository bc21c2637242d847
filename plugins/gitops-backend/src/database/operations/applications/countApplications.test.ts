import { createTestDatabases } from '../../../__testUtils__/databases';
import { applyDatabaseMigrations } from '../../migrations';
import { countApplications } from './countApplications';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'countApplications on %p',
  databaseId => {
    it('counts stored Applications as a number on every database', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);

      expect(await countApplications(knex)).toBe(0);
      await knex('applications').insert([
        { namespace: 'argocd', name: 'shop-dev', manifest: '{}' },
        { namespace: 'argocd', name: 'shop-prod', manifest: '{}' },
      ]);
      await expect(countApplications(knex)).resolves.toBe(2);
    });
  },
);
