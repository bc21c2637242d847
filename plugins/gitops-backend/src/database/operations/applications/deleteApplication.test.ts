import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { appendEvent } from '../events/appendEvent';
import { listEvents } from '../events/listEvents';
import { appendHistory } from '../history/appendHistory';
import { listHistory } from '../history/listHistory';
import { createOperation } from '../operations/createOperation';
import { getCurrentOperation } from '../operations/getCurrentOperation';
import { getApplicationStatus } from '../status/getApplicationStatus';
import { saveApplicationStatus } from '../status/saveApplicationStatus';
import { countApplications } from './countApplications';
import { deleteApplication } from './deleteApplication';
import { getApplication } from './getApplication';
import { listApplications } from './listApplications';
import { upsertApplication } from './upsertApplication';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'deleteApplication on %p',
  databaseId => {
    it('deletes the app and everything recorded about it, and nothing else', async () => {
      const knex = await migratedDatabase(databaseId);
      for (const name of ['shop', 'other']) {
        await upsertApplication(knex, {
          application: testApplication(name, { labels: { team: 'a' } }),
          origin: 'config',
        });
        const key = { namespace: 'argocd', name };
        await saveApplicationStatus(knex, {
          ...key,
          status: { sync: { status: 'Synced' } },
        });
        await createOperation(knex, { ...key, operation: { sync: {} } });
        await appendHistory(knex, {
          ...key,
          revision: 'abc',
          initiatedBy: { automated: true },
        });
        await appendEvent(knex, {
          ...key,
          type: 'Normal',
          reason: 'ResourceUpdated',
          message: 'updated',
        });
      }
      const shop = { namespace: 'argocd', name: 'shop' };
      const other = { namespace: 'argocd', name: 'other' };

      await expect(deleteApplication(knex, shop)).resolves.toBe(true);

      await expect(getApplication(knex, shop)).resolves.toBeUndefined();
      await expect(getApplicationStatus(knex, shop)).resolves.toBeUndefined();
      await expect(getCurrentOperation(knex, shop)).resolves.toBeUndefined();
      await expect(listHistory(knex, shop)).resolves.toEqual([]);
      await expect(listEvents(knex, shop)).resolves.toEqual([]);
      expect(await knex('application_labels').where(shop)).toEqual([]);
      expect(await knex('application_sources').where(shop)).toEqual([]);

      await expect(countApplications(knex)).resolves.toBe(1);
      await expect(getApplicationStatus(knex, other)).resolves.toBeDefined();
      await expect(getCurrentOperation(knex, other)).resolves.toBeDefined();
      await expect(listHistory(knex, other)).resolves.toHaveLength(1);
      await expect(listEvents(knex, other)).resolves.toHaveLength(1);
      const page = await listApplications(knex, {
        filter: { labelSelector: 'team=a' },
      });
      expect(page.items.map(item => item.name)).toEqual(['other']);
    });

    it('says when there was nothing to delete', async () => {
      const knex = await migratedDatabase(databaseId);
      await expect(
        deleteApplication(knex, { namespace: 'argocd', name: 'ghost' }),
      ).resolves.toBe(false);
    });
  },
);
