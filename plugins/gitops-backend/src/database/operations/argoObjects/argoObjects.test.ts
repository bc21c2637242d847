import {
  databases,
  migratedDatabase,
} from '../../__testUtils__/storeTestUtils';
import type { ArgoObjectManifest } from '../../types';
import { deleteArgoObject } from './deleteArgoObject';
import { getArgoObject } from './getArgoObject';
import { listArgoObjects } from './listArgoObjects';
import { upsertArgoObject } from './upsertArgoObject';

jest.setTimeout(120_000);

function project(
  name: string,
  description = 'a team',
  namespace = 'argocd',
): ArgoObjectManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace },
    spec: { description, sourceRepos: ['*'] },
  };
}

describe.each(databases.eachSupportedId())('argo objects on %p', databaseId => {
  it('registers, updates only on change, lists by origin and deletes', async () => {
    const knex = await migratedDatabase(databaseId);

    const first = await upsertArgoObject(knex, {
      object: project('shop'),
      origin: 'config:0',
    });
    expect(first).toMatchObject({ created: true, changed: true });
    expect(first.record).toMatchObject({
      kind: 'AppProject',
      namespace: 'argocd',
      name: 'shop',
      origin: 'config:0',
      generation: 1,
      manifest: project('shop'),
    });

    const same = await upsertArgoObject(knex, {
      object: project('shop'),
      origin: 'config:0',
    });
    expect(same).toMatchObject({ created: false, changed: false });
    expect(same.record.generation).toBe(1);

    const moved = await upsertArgoObject(knex, {
      object: project('shop'),
      origin: 'app:argocd/root',
    });
    expect(moved).toMatchObject({ changed: true });
    expect(moved.record.generation).toBe(1);

    const edited = await upsertArgoObject(knex, {
      object: project('shop', 'the shop team'),
      origin: 'app:argocd/root',
    });
    expect(edited.record.generation).toBe(2);

    await upsertArgoObject(knex, {
      object: project('payments'),
      origin: 'config:0',
    });
    await upsertArgoObject(knex, {
      object: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: 'shop', namespace: 'argocd' },
        spec: { generators: [] },
      },
      origin: 'config:0',
    });

    expect(
      (
        await listArgoObjects(knex, {
          kind: 'AppProject',
          origins: ['config:0'],
        })
      ).map(record => record.name),
    ).toEqual(['payments']);
    expect(
      (await listArgoObjects(knex, { kind: 'AppProject' })).map(
        record => record.name,
      ),
    ).toEqual(['payments', 'shop']);
    expect(
      (await listArgoObjects(knex, { kind: 'ApplicationSet' })).map(
        record => `${record.kind} ${record.name}`,
      ),
    ).toEqual(['ApplicationSet shop']);

    await expect(
      deleteArgoObject(knex, {
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'shop',
      }),
    ).resolves.toBe(true);
    await expect(
      getArgoObject(knex, {
        kind: 'AppProject',
        namespace: 'argocd',
        name: 'shop',
      }),
    ).resolves.toBeUndefined();
    // The ApplicationSet of the same name is another table.
    await expect(
      getArgoObject(knex, {
        kind: 'ApplicationSet',
        namespace: 'argocd',
        name: 'shop',
      }),
    ).resolves.toMatchObject({ origin: 'config:0' });
  });

  it('refuses an object without a namespace', async () => {
    const knex = await migratedDatabase(databaseId);
    const object = project('shop');
    delete object.metadata.namespace;
    await expect(
      upsertArgoObject(knex, { object, origin: 'api' }),
    ).rejects.toThrow(
      "Cannot store AppProject 'shop' without metadata.name and metadata.namespace",
    );
  });
});
