import { DatabaseGitOpsStore } from '../../database/GitOpsStore';
import { databases } from '../../database/__testUtils__/storeTestUtils';
import { applicationLeaseName, LeaseKeeper } from './LeaseKeeper';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.each(databases.eachSupportedId())('LeaseKeeper on %p', databaseId => {
  async function store() {
    const knex = await databases.init(databaseId);
    return DatabaseGitOpsStore.create({
      database: { getClient: async () => knex },
    });
  }

  it('runs work only while holding the lease, renewing it past its TTL, and releases it', async () => {
    const gitops = await store();
    const a = new LeaseKeeper({
      store: gitops,
      holder: 'replica-a',
      ttlMs: 300,
    });
    const b = new LeaseKeeper({
      store: gitops,
      holder: 'replica-b',
      ttlMs: 300,
    });
    const name = applicationLeaseName({ namespace: 'argocd', name: 'shop' });
    expect(name).toBe('app:argocd/shop');

    let bResult: unknown;
    const aResult = await a.run(name, async lease => {
      // Three TTLs: only renewals keep the lease ours.
      await sleep(900);
      bResult = await b.run(name, async () => 'b ran');
      expect(lease.signal.aborted).toBe(false);
      return 'a ran';
    });
    expect(aResult).toEqual({ acquired: true, value: 'a ran' });
    expect(bResult).toEqual({ acquired: false });
    await expect(gitops.listLeases({ prefix: 'app:' })).resolves.toEqual([]);
    await expect(b.run(name, async () => 'b ran')).resolves.toEqual({
      acquired: true,
      value: 'b ran',
    });
  });

  it('aborts the work when another holder took the lease', async () => {
    const gitops = await store();
    const lost: string[] = [];
    const a = new LeaseKeeper({
      store: gitops,
      holder: 'replica-a',
      ttlMs: 300,
      onLost: (name, reason) => lost.push(`${name}: ${reason}`),
    });
    const name = 'app:argocd/shop';
    const result = await a.run(name, async lease => {
      // Replica b, whose clock says a's lease has expired, takes it.
      await gitops.tryAcquireLease({
        name,
        holder: 'replica-b',
        ttlMs: 60_000,
        now: new Date(Date.now() + 1_000),
      });
      await sleep(250);
      return lease.signal.aborted;
    });
    expect(result).toEqual({ acquired: true, value: true });
    expect(lost).toEqual(['app:argocd/shop: another replica took it']);
    // b's lease was not released by a.
    await expect(gitops.listLeases({ prefix: 'app:' })).resolves.toEqual([
      expect.objectContaining({ name, holder: 'replica-b' }),
    ]);
  });
});
