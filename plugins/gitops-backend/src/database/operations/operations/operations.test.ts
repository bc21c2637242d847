import { ConflictError, NotFoundError } from '@backstage/errors';
import { connectSecondClient } from '../../../__testUtils__/databases';
import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { deleteApplication } from '../applications/deleteApplication';
import { upsertApplication } from '../applications/upsertApplication';
import { claimOperation } from './claimOperation';
import { createOperation } from './createOperation';
import { finishOperation } from './finishOperation';
import { getCurrentOperation } from './getCurrentOperation';
import { getLatestOperation } from './getLatestOperation';
import { getOperation } from './getOperation';
import { listUnfinishedOperations } from './listUnfinishedOperations';
import { requestOperationTermination } from './requestOperationTermination';
import { saveOperationState } from './saveOperationState';

jest.setTimeout(60_000);

const shop = { namespace: 'argocd', name: 'shop' };
const syncOperation = {
  sync: { revision: 'abc', prune: true, syncOptions: ['CreateNamespace=true'] },
  initiatedBy: { username: 'user:default/jane' },
};

async function databaseWithShop(
  databaseId: Parameters<typeof migratedDatabase>[0],
) {
  const knex = await migratedDatabase(databaseId);
  await upsertApplication(knex, {
    application: testApplication('shop'),
    origin: 'config',
  });
  return knex;
}

describe.each(databases.eachSupportedId())('operations on %p', databaseId => {
  it('runs an operation from creation to finish, saving state step by step', async () => {
    const knex = await databaseWithShop(databaseId);

    const created = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });
    expect(created).toMatchObject({
      ...shop,
      operation: syncOperation,
      state: {},
      phase: 'Running',
      holder: 'replica-a',
      terminationRequested: false,
    });
    expect(created.startedAt).toBe(created.createdAt);
    expect(created.finishedAt).toBeUndefined();
    await expect(getCurrentOperation(knex, shop)).resolves.toEqual(created);

    const saved = await saveOperationState(knex, {
      id: created.id,
      holder: 'replica-a',
      state: { phase: 'Running', tasks: [{ kind: 'Job', done: true }] },
    });
    expect(saved.state).toEqual({
      phase: 'Running',
      tasks: [{ kind: 'Job', done: true }],
    });

    const finished = await finishOperation(knex, {
      id: created.id,
      holder: 'replica-a',
      phase: 'Succeeded',
      state: { phase: 'Succeeded', message: 'successfully synced' },
    });
    expect(finished).toMatchObject({
      phase: 'Succeeded',
      state: { message: 'successfully synced' },
    });
    expect(finished.finishedAt).toBeDefined();
    await expect(getCurrentOperation(knex, shop)).resolves.toBeUndefined();
    await expect(getLatestOperation(knex, shop)).resolves.toEqual(finished);
    await expect(getOperation(knex, created.id)).resolves.toEqual(finished);
  });

  it('allows one unfinished operation per app, and a new one once it finished', async () => {
    const knex = await databaseWithShop(databaseId);
    await upsertApplication(knex, {
      application: testApplication('other'),
      origin: 'config',
    });
    const first = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });

    const second = createOperation(knex, {
      ...shop,
      operation: { sync: {}, initiatedBy: { automated: true } },
    });
    await expect(second).rejects.toThrow(ConflictError);
    await expect(second).rejects.toThrow(
      `Another operation is already in progress for application argocd/shop (operation ${first.id}, created ${first.createdAt}, run by replica-a); wait for it to finish or terminate it`,
    );
    // Other apps are not affected.
    await createOperation(knex, {
      namespace: 'argocd',
      name: 'other',
      operation: syncOperation,
    });

    await finishOperation(knex, {
      id: first.id,
      holder: 'replica-a',
      phase: 'Failed',
      state: {},
    });
    const next = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
    });
    expect(next.holder).toBeUndefined();
    expect(next.startedAt).toBeUndefined();
    await expect(getLatestOperation(knex, shop)).resolves.toMatchObject({
      id: next.id,
    });

    // Finishing keeps only the latest finished operation of the app.
    const claimed = await claimOperation(knex, {
      id: next.id,
      holder: 'replica-b',
    });
    expect(claimed.startedAt).toBeDefined();
    await finishOperation(knex, {
      id: next.id,
      holder: 'replica-b',
      phase: 'Succeeded',
      state: {},
    });
    await expect(getOperation(knex, first.id)).resolves.toBeUndefined();
    expect((await knex('operations').where(shop)).map(row => row.id)).toEqual([
      next.id,
    ]);
  });

  it('refuses an operation for an app that does not exist', async () => {
    const knex = await migratedDatabase(databaseId);
    await expect(
      createOperation(knex, { ...shop, operation: syncOperation }),
    ).rejects.toThrow(NotFoundError);
  });

  it('lets only the holder write, and a claim fences off the old holder', async () => {
    const knex = await databaseWithShop(databaseId);
    const operation = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });
    await saveOperationState(knex, {
      id: operation.id,
      holder: 'replica-a',
      state: { step: 1 },
    });

    // replica-a died (as far as the others know); replica-b resumes.
    const resumed = await claimOperation(knex, {
      id: operation.id,
      holder: 'replica-b',
    });
    expect(resumed).toMatchObject({
      holder: 'replica-b',
      state: { step: 1 },
      startedAt: operation.startedAt,
    });

    const late = saveOperationState(knex, {
      id: operation.id,
      holder: 'replica-a',
      state: { step: 2 },
    });
    await expect(late).rejects.toThrow(ConflictError);
    await expect(late).rejects.toThrow(
      `Cannot save the state of operation ${operation.id} of argocd/shop: it is held by replica-b, not replica-a; this replica must stop running it`,
    );
    await expect(
      finishOperation(knex, {
        id: operation.id,
        holder: 'replica-a',
        phase: 'Succeeded',
        state: {},
      }),
    ).rejects.toThrow(/held by replica-b, not replica-a/);
    await expect(getOperation(knex, operation.id)).resolves.toMatchObject({
      state: { step: 1 },
      phase: 'Running',
    });

    await finishOperation(knex, {
      id: operation.id,
      holder: 'replica-b',
      phase: 'Error',
      state: { step: 3 },
    });
    await expect(
      saveOperationState(knex, {
        id: operation.id,
        holder: 'replica-b',
        state: {},
      }),
    ).rejects.toThrow(/it already finished \(Error\) at /);
    await expect(
      claimOperation(knex, { id: operation.id, holder: 'replica-c' }),
    ).rejects.toThrow(ConflictError);
  });

  it('says the operation is gone when its app was deleted under the holder', async () => {
    const knex = await databaseWithShop(databaseId);
    const operation = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });
    await deleteApplication(knex, shop);
    await expect(
      saveOperationState(knex, {
        id: operation.id,
        holder: 'replica-a',
        state: {},
      }),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses to finish in a phase that is not final', async () => {
    const knex = await databaseWithShop(databaseId);
    const operation = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });
    await expect(
      finishOperation(knex, {
        id: operation.id,
        holder: 'replica-a',
        phase: 'Running' as 'Succeeded',
        state: {},
      }),
    ).rejects.toThrow(/cannot finish in phase 'Running'/);
  });

  it('shows a termination request as Terminating to readers and to the holder', async () => {
    const knex = await databaseWithShop(databaseId);
    await expect(
      requestOperationTermination(knex, shop),
    ).resolves.toBeUndefined();
    const operation = await createOperation(knex, {
      ...shop,
      operation: syncOperation,
      holder: 'replica-a',
    });

    const requested = await requestOperationTermination(knex, shop);
    expect(requested).toMatchObject({
      id: operation.id,
      phase: 'Terminating',
      terminationRequested: true,
    });
    const seenByHolder = await saveOperationState(knex, {
      id: operation.id,
      holder: 'replica-a',
      state: { step: 2 },
    });
    expect(seenByHolder.terminationRequested).toBe(true);
    expect(seenByHolder.phase).toBe('Terminating');

    const finished = await finishOperation(knex, {
      id: operation.id,
      holder: 'replica-a',
      phase: 'Failed',
      state: { message: 'Operation terminated' },
    });
    expect(finished.phase).toBe('Failed');
  });

  it('lists unfinished operations oldest first, for resuming after a crash', async () => {
    const knex = await migratedDatabase(databaseId);
    const created = [];
    for (const name of ['c', 'a', 'b']) {
      await upsertApplication(knex, {
        application: testApplication(name),
        origin: 'config',
      });
      created.push(
        await createOperation(knex, {
          namespace: 'argocd',
          name,
          operation: syncOperation,
          holder: `replica-${name}`,
        }),
      );
      // Distinct creation times, so "oldest first" is observable.
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const [c, a, b] = created;
    await finishOperation(knex, {
      id: a.id,
      holder: 'replica-a',
      phase: 'Failed',
      state: {},
    });

    const unfinished = await listUnfinishedOperations(knex);
    expect(unfinished.map(operation => operation.id)).toEqual([c.id, b.id]);
    expect(unfinished[0]).toEqual(c);
  });

  it('lets exactly one of many concurrent requests start an operation', async () => {
    const knex = await databaseWithShop(databaseId);
    const second = databaseId === 'SQLITE_3' ? knex : connectSecondClient(knex);
    try {
      const attempts = await Promise.allSettled(
        Array.from({ length: 30 }, (_, index) =>
          createOperation(index % 2 ? second : knex, {
            ...shop,
            operation: syncOperation,
            holder: `replica-${index}`,
          }),
        ),
      );
      const won = attempts.filter(attempt => attempt.status === 'fulfilled');
      const lost = attempts.filter(
        (attempt): attempt is PromiseRejectedResult =>
          attempt.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(29);
      for (const attempt of lost) {
        expect(attempt.reason).toBeInstanceOf(ConflictError);
      }
      expect(await knex('operations').where(shop)).toHaveLength(1);
    } finally {
      if (second !== knex) {
        await second.destroy();
      }
    }
  });
});
