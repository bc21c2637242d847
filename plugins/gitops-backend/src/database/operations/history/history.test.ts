import { InputError, NotFoundError } from '@backstage/errors';
import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { upsertApplication } from '../applications/upsertApplication';
import { appendHistory } from './appendHistory';
import { getHistoryEntry } from './getHistoryEntry';
import { listHistory } from './listHistory';

jest.setTimeout(60_000);

const shop = { namespace: 'argocd', name: 'shop' };
const other = { namespace: 'argocd', name: 'other' };

describe.each(databases.eachSupportedId())('history on %p', databaseId => {
  async function databaseWithApps() {
    const knex = await migratedDatabase(databaseId);
    for (const name of ['shop', 'other']) {
      await upsertApplication(knex, {
        application: testApplication(name),
        origin: 'config',
      });
    }
    return knex;
  }

  it('records entries with every field and reads them back, oldest first', async () => {
    const knex = await databaseWithApps();
    const full = await appendHistory(knex, {
      ...shop,
      revision: 'abc123',
      source: { repoURL: 'https://git.example.com/shop.git', path: 'k8s' },
      deployStartedAt: '2026-12-01T10:00:00Z',
      deployedAt: '2026-12-01T10:00:05Z',
      initiatedBy: { username: 'user:default/jane' },
      phase: 'Succeeded',
      resources: [{ kind: 'Deployment', name: 'web', status: 'Synced' }],
    });
    expect(full).toEqual({
      id: expect.any(Number),
      ...shop,
      revision: 'abc123',
      source: { repoURL: 'https://git.example.com/shop.git', path: 'k8s' },
      deployStartedAt: '2026-12-01T10:00:00.000Z',
      deployedAt: '2026-12-01T10:00:05.000Z',
      initiatedBy: { username: 'user:default/jane' },
      phase: 'Succeeded',
      resources: [{ kind: 'Deployment', name: 'web', status: 'Synced' }],
    });
    const multiSource = await appendHistory(knex, {
      ...shop,
      revisions: ['abc', 'def'],
      sources: [{ repoURL: 'a' }, { repoURL: 'b' }],
      initiatedBy: { automated: true },
    });
    expect(multiSource.id).toBeGreaterThan(full.id);
    expect(multiSource).not.toHaveProperty('revision');
    expect(multiSource).not.toHaveProperty('deployStartedAt');

    await expect(listHistory(knex, shop)).resolves.toEqual([full, multiSource]);
    await expect(
      getHistoryEntry(knex, { ...shop, id: full.id }),
    ).resolves.toEqual(full);
    // An id names an entry of one app only.
    await expect(
      getHistoryEntry(knex, { ...other, id: full.id }),
    ).resolves.toBeUndefined();
  });

  it('trims each app to its newest entries', async () => {
    const knex = await databaseWithApps();
    await appendHistory(knex, { ...other, revision: 'o1', initiatedBy: {} });
    const appended = [];
    for (let index = 1; index <= 15; index++) {
      appended.push(
        await appendHistory(knex, {
          ...shop,
          revision: `r${index}`,
          initiatedBy: { automated: true },
        }),
      );
    }
    // Default limit: 10.
    expect(
      (await listHistory(knex, shop)).map(entry => entry.revision),
    ).toEqual(Array.from({ length: 10 }, (_, index) => `r${index + 6}`));
    await expect(
      getHistoryEntry(knex, { ...shop, id: appended[0].id }),
    ).resolves.toBeUndefined();

    await appendHistory(knex, {
      ...shop,
      revision: 'r16',
      initiatedBy: {},
      limit: 3,
    });
    expect(
      (await listHistory(knex, shop)).map(entry => entry.revision),
    ).toEqual(['r14', 'r15', 'r16']);
    // Another app's history is its own.
    expect(
      (await listHistory(knex, other)).map(entry => entry.revision),
    ).toEqual(['o1']);

    // revisionHistoryLimit 0 keeps nothing, as in Argo CD.
    await appendHistory(knex, {
      ...shop,
      revision: 'r17',
      initiatedBy: {},
      limit: 0,
    });
    await expect(listHistory(knex, shop)).resolves.toEqual([]);
  });

  it('refuses a negative limit and apps that do not exist', async () => {
    const knex = await databaseWithApps();
    await expect(
      appendHistory(knex, { ...shop, initiatedBy: {}, limit: -1 }),
    ).rejects.toThrow(InputError);
    await expect(
      appendHistory(knex, {
        namespace: 'argocd',
        name: 'ghost',
        initiatedBy: {},
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(listHistory(knex, shop)).resolves.toEqual([]);
  });
});
