import {
  databases,
  migratedDatabase,
} from '../../__testUtils__/storeTestUtils';
import { appendApplicationSetEvent } from './appendApplicationSetEvent';
import { deleteApplicationSetState } from './deleteApplicationSetState';
import { getApplicationSetStatus } from './getApplicationSetStatus';
import { listApplicationSetEvents } from './listApplicationSetEvents';
import { listApplicationSetStatuses } from './listApplicationSetStatuses';
import { saveApplicationSetStatus } from './saveApplicationSetStatus';

jest.setTimeout(120_000);

const SET = { namespace: 'argocd', name: 'shop' };

describe.each(databases.eachSupportedId())(
  'ApplicationSet status and events on %p',
  databaseId => {
    it('saves, replaces, lists and deletes a status with the policy it applied', async () => {
      const knex = await migratedDatabase(databaseId);
      await expect(getApplicationSetStatus(knex, SET)).resolves.toBeUndefined();

      await saveApplicationSetStatus(knex, {
        ...SET,
        status: { conditions: [{ type: 'ErrorOccurred', status: 'True' }] },
        applicationsSync: 'sync',
        reconciledAt: '2026-12-20T10:00:00Z',
      });
      await saveApplicationSetStatus(knex, {
        ...SET,
        status: { conditions: [], resourcesCount: 2 },
        applicationsSync: 'create-update',
        reconciledAt: '2026-12-20T10:05:00Z',
      });
      await saveApplicationSetStatus(knex, {
        namespace: 'team-a',
        name: 'shop',
        status: {},
        applicationsSync: 'sync',
      });

      await expect(getApplicationSetStatus(knex, SET)).resolves.toEqual({
        ...SET,
        status: { conditions: [], resourcesCount: 2 },
        applicationsSync: 'create-update',
        reconciledAt: '2026-12-20T10:05:00.000Z',
      });
      expect(
        (await listApplicationSetStatuses(knex)).map(
          record => `${record.namespace}/${record.name}`,
        ),
      ).toEqual(['argocd/shop', 'team-a/shop']);
      expect(
        (await listApplicationSetStatuses(knex, { namespaces: ['team-a'] }))
          .length,
      ).toBe(1);

      await appendApplicationSetEvent(knex, {
        ...SET,
        type: 'Normal',
        reason: 'ApplicationCreated',
        message: 'Created Application shop-dev',
      });
      await expect(deleteApplicationSetState(knex, SET)).resolves.toBe(true);
      await expect(getApplicationSetStatus(knex, SET)).resolves.toBeUndefined();
      await expect(listApplicationSetEvents(knex, SET)).resolves.toEqual([]);
      await expect(deleteApplicationSetState(knex, SET)).resolves.toBe(false);
      // The other namespace's set of the same name is untouched.
      await expect(
        getApplicationSetStatus(knex, { namespace: 'team-a', name: 'shop' }),
      ).resolves.toBeDefined();
    });

    it('lists events newest first, pages, and keeps only the newest', async () => {
      const knex = await migratedDatabase(databaseId);
      for (let i = 1; i <= 5; i++) {
        await appendApplicationSetEvent(knex, {
          ...SET,
          type: i === 3 ? 'Warning' : 'Normal',
          reason: 'ApplicationCreated',
          message: `event ${i}`,
          keep: 4,
        });
      }
      const events = await listApplicationSetEvents(knex, SET);
      expect(events.map(event => event.message)).toEqual([
        'event 5',
        'event 4',
        'event 3',
        'event 2',
      ]);
      expect(events[2]).toMatchObject({ type: 'Warning' });
      const page = await listApplicationSetEvents(knex, {
        ...SET,
        limit: 2,
        beforeId: events[1].id,
      });
      expect(page.map(event => event.message)).toEqual(['event 3', 'event 2']);
    });

    it('refuses a bad event type and a bad limit', async () => {
      const knex = await migratedDatabase(databaseId);
      await expect(
        appendApplicationSetEvent(knex, {
          ...SET,
          type: 'Error' as never,
          reason: 'x',
          message: 'y',
        }),
      ).rejects.toThrow("Event type 'Error' for ApplicationSet argocd/shop");
      await expect(
        listApplicationSetEvents(knex, { ...SET, limit: 0 }),
      ).rejects.toThrow('Event limit 0 is out of range');
    });
  },
);
