import { InputError } from '@backstage/errors';
import {
  databases,
  migratedDatabase,
} from '../../__testUtils__/storeTestUtils';
import type { EventRecord } from '../../types';
import { appendEvent } from './appendEvent';
import { listEvents } from './listEvents';
import { pruneEvents } from './pruneEvents';

jest.setTimeout(60_000);

const shop = { namespace: 'argocd', name: 'shop' };
const other = { namespace: 'argocd', name: 'other' };

describe.each(databases.eachSupportedId())('events on %p', databaseId => {
  it('lists an app’s events newest first, a page at a time', async () => {
    const knex = await migratedDatabase(databaseId);
    const appended: EventRecord[] = [];
    for (let index = 0; index < 5; index++) {
      appended.push(
        await appendEvent(knex, {
          ...shop,
          type: index === 2 ? 'Warning' : 'Normal',
          reason: index === 2 ? 'SyncError' : 'ResourceUpdated',
          message: `event ${index}`,
          ...(index === 0 ? { actor: 'user:default/jane' } : {}),
        }),
      );
    }
    await appendEvent(knex, {
      ...other,
      type: 'Normal',
      reason: 'OperationStarted',
      message: 'elsewhere',
    });
    expect(appended[0]).toEqual({
      id: expect.any(Number),
      ...shop,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      type: 'Normal',
      reason: 'ResourceUpdated',
      message: 'event 0',
      actor: 'user:default/jane',
    });

    const newest = await listEvents(knex, { ...shop, limit: 3 });
    expect(newest).toEqual([appended[4], appended[3], appended[2]]);
    await expect(
      listEvents(knex, { ...shop, limit: 3, beforeId: newest[2].id }),
    ).resolves.toEqual([appended[1], appended[0]]);
    await expect(listEvents(knex, shop)).resolves.toHaveLength(5);
  });

  it('prunes by age and by count per app', async () => {
    const knex = await migratedDatabase(databaseId);
    for (let index = 0; index < 6; index++) {
      await appendEvent(knex, {
        ...shop,
        type: 'Normal',
        reason: 'Refreshed',
        message: `shop ${index}`,
        createdAt: `2026-12-01T10:0${index}:00Z`,
      });
      await appendEvent(knex, {
        ...other,
        type: 'Normal',
        reason: 'Refreshed',
        message: `other ${index}`,
        createdAt: `2026-12-01T11:0${index}:00Z`,
      });
    }

    await expect(
      pruneEvents(knex, { olderThan: '2026-12-01T10:03:00Z' }),
    ).resolves.toBe(3);
    expect((await listEvents(knex, shop)).map(event => event.message)).toEqual([
      'shop 5',
      'shop 4',
      'shop 3',
    ]);

    await expect(pruneEvents(knex, { keepPerApplication: 2 })).resolves.toBe(
      1 + 4,
    );
    expect((await listEvents(knex, shop)).map(event => event.message)).toEqual([
      'shop 5',
      'shop 4',
    ]);
    expect((await listEvents(knex, other)).map(event => event.message)).toEqual(
      ['other 5', 'other 4'],
    );
  });

  it('refuses unknown event types and prunes that would do nothing', async () => {
    const knex = await migratedDatabase(databaseId);
    await expect(
      appendEvent(knex, {
        ...shop,
        type: 'Error' as 'Warning',
        reason: 'x',
        message: 'y',
      }),
    ).rejects.toThrow(
      "Event type 'Error' for argocd/shop must be Normal or Warning",
    );
    await expect(pruneEvents(knex, {})).rejects.toThrow(InputError);
    await expect(listEvents(knex, { ...shop, limit: 0 })).rejects.toThrow(
      InputError,
    );
  });
});
