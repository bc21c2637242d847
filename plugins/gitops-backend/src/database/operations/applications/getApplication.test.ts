import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { saveApplicationStatus } from '../status/saveApplicationStatus';
import { getApplication } from './getApplication';
import { upsertApplication } from './upsertApplication';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'getApplication on %p',
  databaseId => {
    it('returns the app with its status, keyed by namespace and name', async () => {
      const knex = await migratedDatabase(databaseId);
      await upsertApplication(knex, {
        application: testApplication('shop', { namespace: 'team-a' }),
        origin: 'api',
      });
      await upsertApplication(knex, {
        application: testApplication('shop', {
          namespace: 'team-b',
          project: 'b',
        }),
        origin: 'api',
      });
      await saveApplicationStatus(knex, {
        namespace: 'team-b',
        name: 'shop',
        status: {
          sync: { status: 'OutOfSync', revision: 'abc123' },
          health: { status: 'Degraded', message: 'pod crashing' },
        },
        reconciledAt: '2026-12-01T10:00:00Z',
      });

      const a = await getApplication(knex, {
        namespace: 'team-a',
        name: 'shop',
      });
      expect(a).toMatchObject({ namespace: 'team-a', project: 'default' });
      expect(a?.status).toBeUndefined();

      const b = await getApplication(knex, {
        namespace: 'team-b',
        name: 'shop',
      });
      expect(b).toMatchObject({
        namespace: 'team-b',
        project: 'b',
        status: {
          syncStatus: 'OutOfSync',
          healthStatus: 'Degraded',
          revision: 'abc123',
          reconciledAt: '2026-12-01T10:00:00.000Z',
          status: { health: { message: 'pod crashing' } },
        },
      });

      await expect(
        getApplication(knex, { namespace: 'team-c', name: 'shop' }),
      ).resolves.toBeUndefined();
    });
  },
);
