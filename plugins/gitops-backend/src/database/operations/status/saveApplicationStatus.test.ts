import { NotFoundError } from '@backstage/errors';
import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { upsertApplication } from '../applications/upsertApplication';
import { getApplicationStatus } from './getApplicationStatus';
import { saveApplicationStatus } from './saveApplicationStatus';

jest.setTimeout(60_000);

const shop = { namespace: 'argocd', name: 'shop' };

describe.each(databases.eachSupportedId())(
  'saveApplicationStatus and getApplicationStatus on %p',
  databaseId => {
    it('keeps the document, derives the indexed columns from it, and replaces it on the next save', async () => {
      const knex = await migratedDatabase(databaseId);
      await upsertApplication(knex, {
        application: testApplication('shop'),
        origin: 'config',
      });
      await expect(getApplicationStatus(knex, shop)).resolves.toBeUndefined();

      const status = {
        sync: {
          status: 'OutOfSync',
          revisions: ['abc', 'def'],
          comparedTo: { destination: { namespace: 'default' } },
        },
        health: { status: 'Progressing' },
        resources: [{ kind: 'Deployment', name: 'web', status: 'OutOfSync' }],
        conditions: [],
        reconciledAt: '2026-12-01T10:00:00.000Z',
        summary: { images: ['nginx:1.27'] },
      };
      const saved = await saveApplicationStatus(knex, {
        ...shop,
        status: {
          ...status,
          // Kept in their own tables, never in the status document.
          operationState: { phase: 'Running' },
          history: [{ id: 1 }],
        },
      });
      const expected = {
        ...shop,
        syncStatus: 'OutOfSync',
        healthStatus: 'Progressing',
        revision: 'abc,def',
        status,
        reconciledAt: '2026-12-01T10:00:00.000Z',
      };
      expect(saved).toEqual(expected);
      await expect(getApplicationStatus(knex, shop)).resolves.toEqual(expected);

      await saveApplicationStatus(knex, {
        ...shop,
        status: { sync: { status: 'Synced', revision: 'fed' } },
        reconciledAt: '2026-12-01T10:02:00+01:00',
      });
      await expect(getApplicationStatus(knex, shop)).resolves.toEqual({
        ...shop,
        syncStatus: 'Synced',
        healthStatus: 'Unknown',
        revision: 'fed',
        status: { sync: { status: 'Synced', revision: 'fed' } },
        reconciledAt: '2026-12-01T09:02:00.000Z',
      });
    });

    it('refuses the status of an app that does not exist', async () => {
      const knex = await migratedDatabase(databaseId);
      const attempt = saveApplicationStatus(knex, {
        ...shop,
        status: { sync: { status: 'Synced' } },
      });
      await expect(attempt).rejects.toThrow(NotFoundError);
      await expect(attempt).rejects.toThrow(
        'Application argocd/shop does not exist',
      );
      expect(await knex('application_status')).toEqual([]);
    });

    it('refuses a timestamp that is not one', async () => {
      const knex = await migratedDatabase(databaseId);
      await upsertApplication(knex, {
        application: testApplication('shop'),
        origin: 'config',
      });
      await expect(
        saveApplicationStatus(knex, {
          ...shop,
          status: {},
          reconciledAt: 'yesterday',
        }),
      ).rejects.toThrow("reconciledAt 'yesterday' is not a valid timestamp");
    });
  },
);
