import type { Knex } from 'knex';
import { connectSecondClient } from '../../../__testUtils__/databases';
import {
  databases,
  migratedDatabase,
} from '../../__testUtils__/storeTestUtils';
import type { LeaseRecord } from '../../types';
import { listLeases } from './listLeases';
import { releaseLease } from './releaseLease';
import { renewLease } from './renewLease';
import { tryAcquireLease } from './tryAcquireLease';

jest.setTimeout(120_000);

const T0 = new Date('2026-12-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const TTL = 30_000;
const lease = 'app:argocd/shop';

describe.each(databases.eachSupportedId())('leases on %p', databaseId => {
  it('is taken when free, refused while another holder has it, and taken over once expired', async () => {
    const knex = await migratedDatabase(databaseId);

    const a = await tryAcquireLease(knex, {
      name: lease,
      holder: 'replica-a',
      ttlMs: TTL,
      now: T0,
    });
    expect(a).toEqual({
      name: lease,
      holder: 'replica-a',
      acquiredAt: T0.toISOString(),
      renewedAt: T0.toISOString(),
      expiresAt: at(TTL).toISOString(),
    });

    await expect(
      tryAcquireLease(knex, {
        name: lease,
        holder: 'replica-b',
        ttlMs: TTL,
        now: at(TTL - 1),
      }),
    ).resolves.toBeUndefined();

    // The holder taking it again extends it and keeps acquiredAt.
    await expect(
      tryAcquireLease(knex, {
        name: lease,
        holder: 'replica-a',
        ttlMs: TTL,
        now: at(10_000),
      }),
    ).resolves.toEqual({
      name: lease,
      holder: 'replica-a',
      acquiredAt: T0.toISOString(),
      renewedAt: at(10_000).toISOString(),
      expiresAt: at(10_000 + TTL).toISOString(),
    });

    const b = await tryAcquireLease(knex, {
      name: lease,
      holder: 'replica-b',
      ttlMs: TTL,
      now: at(10_000 + TTL),
    });
    expect(b).toEqual({
      name: lease,
      holder: 'replica-b',
      acquiredAt: at(10_000 + TTL).toISOString(),
      renewedAt: at(10_000 + TTL).toISOString(),
      expiresAt: at(10_000 + 2 * TTL).toISOString(),
    });
  });

  it('is renewed and released only by its holder', async () => {
    const knex = await migratedDatabase(databaseId);
    await tryAcquireLease(knex, {
      name: lease,
      holder: 'replica-a',
      ttlMs: TTL,
      now: T0,
    });

    await expect(
      renewLease(knex, {
        name: lease,
        holder: 'replica-b',
        ttlMs: TTL,
        now: at(1000),
      }),
    ).resolves.toBeUndefined();
    await expect(
      renewLease(knex, {
        name: lease,
        holder: 'replica-a',
        ttlMs: TTL,
        now: at(20_000),
      }),
    ).resolves.toMatchObject({
      holder: 'replica-a',
      acquiredAt: T0.toISOString(),
      expiresAt: at(20_000 + TTL).toISOString(),
    });
    // Renewed, so still held at a time the first TTL would have ended.
    await expect(
      tryAcquireLease(knex, {
        name: lease,
        holder: 'replica-b',
        ttlMs: TTL,
        now: at(TTL + 1),
      }),
    ).resolves.toBeUndefined();

    await expect(
      releaseLease(knex, { name: lease, holder: 'replica-b' }),
    ).resolves.toBe(false);
    await expect(
      releaseLease(knex, { name: lease, holder: 'replica-a' }),
    ).resolves.toBe(true);
    await expect(
      tryAcquireLease(knex, {
        name: lease,
        holder: 'replica-b',
        ttlMs: TTL,
        now: at(TTL + 2),
      }),
    ).resolves.toMatchObject({ holder: 'replica-b' });
    // replica-a lost it: renewing says so.
    await expect(
      renewLease(knex, {
        name: lease,
        holder: 'replica-a',
        ttlMs: TTL,
        now: at(TTL + 3),
      }),
    ).resolves.toBeUndefined();
  });

  it('lists leases by name prefix, case-sensitively', async () => {
    const knex = await migratedDatabase(databaseId);
    for (const name of [
      'app:argocd/b',
      'app:argocd/a',
      'APP:x',
      'shard:1',
      'app_x',
    ]) {
      await tryAcquireLease(knex, { name, holder: 'r', ttlMs: TTL, now: T0 });
    }
    expect(
      (await listLeases(knex, { prefix: 'app:' })).map(l => l.name),
    ).toEqual(['app:argocd/a', 'app:argocd/b']);
    expect(await listLeases(knex)).toHaveLength(5);
  });

  it('refuses a TTL that is not positive', async () => {
    const knex = await migratedDatabase(databaseId);
    await expect(
      tryAcquireLease(knex, { name: lease, holder: 'r', ttlMs: 0 }),
    ).rejects.toThrow("Lease 'app:argocd/shop' needs a positive ttlMs, not 0");
  });

  it('is won by exactly one of many concurrent acquirers, on two clients', async () => {
    const knex = await migratedDatabase(databaseId);
    const clients: Knex[] =
      databaseId === 'SQLITE_3' ? [knex] : [knex, connectSecondClient(knex)];
    const contenders = 20;
    try {
      // Round 0 races the INSERT (no lease yet); later rounds race the
      // conditional UPDATE of an expired lease.
      let previous: LeaseRecord | undefined;
      for (let round = 0; round < 15; round++) {
        const now = at(round * 2 * TTL);
        const attempts = await Promise.all(
          Array.from({ length: contenders }, (_, index) =>
            tryAcquireLease(clients[index % clients.length], {
              name: lease,
              holder: `replica-${index}`,
              ttlMs: TTL,
              now,
            }),
          ),
        );
        const winners = attempts.filter(attempt => attempt !== undefined);
        expect({ round, winners: winners.length }).toEqual({
          round,
          winners: 1,
        });
        const [stored] = await listLeases(knex, { prefix: lease });
        expect(stored.holder).toBe(winners[0]!.holder);
        // A holder that takes back its own expired lease keeps acquiredAt.
        expect(stored.acquiredAt).toBe(
          stored.holder === previous?.holder
            ? previous.acquiredAt
            : now.toISOString(),
        );
        previous = stored;

        // While it is valid, everyone else still loses and the holder keeps it.
        const later = new Date(now.getTime() + TTL / 2);
        const retries = await Promise.all(
          Array.from({ length: contenders }, (_, index) =>
            tryAcquireLease(clients[index % clients.length], {
              name: lease,
              holder: `replica-${index}`,
              ttlMs: TTL,
              now: later,
            }),
          ),
        );
        expect(
          retries
            .filter(attempt => attempt !== undefined)
            .map(attempt => attempt!.holder),
        ).toEqual([stored.holder]);
      }
    } finally {
      for (const client of clients.slice(1)) {
        await client.destroy();
      }
    }
  });
});
