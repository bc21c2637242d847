import { ConflictError, InputError } from '@backstage/errors';
import type { Application } from '@driftless/gitops-engine';
import { connectSecondClient } from '../../../__testUtils__/databases';
import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import { getApplication } from './getApplication';
import { listApplications } from './listApplications';
import { upsertApplication } from './upsertApplication';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'upsertApplication on %p',
  databaseId => {
    it('creates an app at generation 1 and reads it back unchanged', async () => {
      const knex = await migratedDatabase(databaseId);
      const application = testApplication('shop', {
        labels: { team: 'payments' },
      });

      const result = await upsertApplication(knex, {
        application,
        origin: 'config',
      });

      expect(result.created).toBe(true);
      expect(result.specChanged).toBe(true);
      expect(result.application).toMatchObject({
        namespace: 'argocd',
        name: 'shop',
        project: 'default',
        origin: 'config',
        specGeneration: 1,
        manifest: application,
      });
      expect(result.application.status).toBeUndefined();
      expect(result.application.createdAt).toBe(result.application.updatedAt);
      await expect(
        getApplication(knex, { namespace: 'argocd', name: 'shop' }),
      ).resolves.toEqual(result.application);
    });

    it('bumps the generation only when the spec changes', async () => {
      const knex = await migratedDatabase(databaseId);
      const original = testApplication('shop');
      await upsertApplication(knex, { application: original, origin: 'api' });

      // Same spec, keys in another order, new labels: not a spec change.
      const reordered: Application = {
        ...original,
        metadata: { ...original.metadata, labels: { tier: 'web' } },
        spec: {
          destination: original.spec.destination,
          source: original.spec.source,
          project: original.spec.project,
        },
      };
      const relabelled = await upsertApplication(knex, {
        application: reordered,
        origin: 'api',
      });
      expect(relabelled).toMatchObject({
        created: false,
        specChanged: false,
        application: { specGeneration: 1, manifest: reordered },
      });

      const retargeted = await upsertApplication(knex, {
        application: {
          ...reordered,
          spec: { ...reordered.spec, project: 'shop' },
        },
        origin: 'applicationset:argocd/shops',
      });
      expect(retargeted).toMatchObject({
        created: false,
        specChanged: true,
        application: {
          specGeneration: 2,
          project: 'shop',
          origin: 'applicationset:argocd/shops',
        },
      });
      expect(
        retargeted.application.updatedAt >= retargeted.application.createdAt,
      ).toBe(true);
    });

    it('replaces the indexed labels and sources with the manifest', async () => {
      const knex = await migratedDatabase(databaseId);
      await upsertApplication(knex, {
        application: testApplication('shop', {
          labels: { team: 'payments' },
          repoURL: 'https://git.example.com/old.git',
        }),
        origin: 'config',
      });
      await upsertApplication(knex, {
        application: testApplication('shop', {
          labels: { team: 'checkout' },
          repoURLs: [
            'https://git.example.com/new.git',
            'https://git.example.com/values.git',
          ],
        }),
        origin: 'config',
      });

      const names = async (filter: object) =>
        (await listApplications(knex, { filter })).items.map(item => item.name);
      expect(await names({ labelSelector: 'team=payments' })).toEqual([]);
      expect(await names({ labelSelector: 'team=checkout' })).toEqual(['shop']);
      expect(
        await names({ repoURLs: ['https://git.example.com/old'] }),
      ).toEqual([]);
      expect(
        await names({ repoURLs: ['https://git.example.com/values'] }),
      ).toEqual(['shop']);
    });

    it('refuses to create an app that exists, in create mode', async () => {
      const knex = await migratedDatabase(databaseId);
      await upsertApplication(knex, {
        application: testApplication('shop'),
        origin: 'config',
      });
      const attempt = upsertApplication(knex, {
        application: testApplication('shop', { project: 'other' }),
        origin: 'api',
        mode: 'create',
      });
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(attempt).rejects.toThrow(
        'Application argocd/shop already exists',
      );
      await expect(
        getApplication(knex, { namespace: 'argocd', name: 'shop' }),
      ).resolves.toMatchObject({ project: 'default', origin: 'config' });
    });

    it('needs metadata.namespace', async () => {
      const knex = await migratedDatabase(databaseId);
      const application = testApplication('shop');
      delete application.metadata.namespace;
      await expect(
        upsertApplication(knex, { application, origin: 'api' }),
      ).rejects.toThrow(InputError);
      await expect(
        upsertApplication(knex, { application, origin: 'api' }),
      ).rejects.toThrow(/Application 'shop' without metadata.namespace/);
    });

    it('never loses a generation bump when replicas write at once', async () => {
      const knex = await migratedDatabase(databaseId);
      const second =
        databaseId === 'SQLITE_3' ? knex : connectSecondClient(knex);
      try {
        // Twenty different specs, written concurrently from two clients to
        // an app that does not exist yet: each write is a spec change.
        const writes = Array.from({ length: 20 }, (_, index) =>
          upsertApplication(index % 2 ? second : knex, {
            application: testApplication('race', { path: `deploy/${index}` }),
            origin: 'api',
          }),
        );
        const results = await Promise.all(writes);
        expect(results.every(result => result.specChanged)).toBe(true);
        const stored = await getApplication(knex, {
          namespace: 'argocd',
          name: 'race',
        });
        expect(stored?.specGeneration).toBe(20);
      } finally {
        if (second !== knex) {
          await second.destroy();
        }
      }
    });
  },
);
