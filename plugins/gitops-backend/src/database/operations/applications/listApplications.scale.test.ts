import type { Knex } from 'knex';
import {
  bulkStoreFleet,
  generateFleet,
  type FleetApplication,
} from '../../__testUtils__/bulkApplications';
import {
  databases,
  migratedDatabase,
} from '../../__testUtils__/storeTestUtils';
import type {
  ApplicationListFilter,
  ListApplicationsOptions,
} from '../../types';
import { listApplications } from './listApplications';

jest.setTimeout(300_000);

const FLEET_SIZE = 10_000;

/** Rows each query of `run` fetched from the database, in order. */
async function rowsFetched<T>(
  knex: Knex,
  run: () => Promise<T>,
): Promise<{ result: T; rows: number[] }> {
  const rows: number[] = [];
  const listener = (response: unknown) => {
    rows.push(Array.isArray(response) ? response.length : 0);
  };
  knex.on('query-response', listener);
  try {
    return { result: await run(), rows };
  } finally {
    knex.removeListener('query-response', listener);
  }
}

function listWithRowsFetched(knex: Knex, options: ListApplicationsOptions) {
  return rowsFetched(knex, () => listApplications(knex, options));
}

const keyOf = ({ application }: FleetApplication) =>
  `${application.metadata.namespace}/${application.metadata.name}`;

describe.each(databases.eachSupportedId())(
  'listApplications over a fleet of 10,000 apps, on %p',
  databaseId => {
    const fleet = generateFleet(FLEET_SIZE);
    let knex: Knex;

    beforeAll(async () => {
      knex = await migratedDatabase(databaseId);
      await bulkStoreFleet(knex, fleet);
    });

    it('serves the first page, and one deep in the list, without reading more rows than a page', async () => {
      const first = await rowsFetched(knex, () =>
        listApplications(knex, { limit: 50, includeTotalCount: true }),
      );
      expect(first.result.items).toHaveLength(50);
      expect(first.result.totalCount).toBe(FLEET_SIZE);
      // The page (one extra row says another follows) and the count's one row.
      expect(first.rows).toEqual([51, 1]);

      const sorted = fleet.map(keyOf).sort();
      const deep = await rowsFetched(knex, () =>
        listApplications(knex, {
          limit: 50,
          cursor: Buffer.from(
            JSON.stringify(sorted[7_000].split('/')),
          ).toString('base64url'),
        }),
      );
      expect(deep.rows).toEqual([51]);
      expect(
        deep.result.items.map(item => `${item.namespace}/${item.name}`),
      ).toEqual(sorted.slice(7_001, 7_051));
    });

    it.each<
      [string, ApplicationListFilter, (app: FleetApplication) => boolean]
    >([
      [
        'project and health',
        { projects: ['search'], healthStatuses: ['Degraded'] },
        app =>
          app.application.spec.project === 'search' &&
          app.health === 'Degraded',
      ],
      [
        'cluster, namespace and sync',
        {
          destinationCluster: { names: ['prod-eu'] },
          destinationNamespaces: ['data-1'],
          syncStatuses: ['OutOfSync', 'Unknown'],
        },
        app =>
          app.application.spec.destination.name === 'prod-eu' &&
          app.application.spec.destination.namespace === 'data-1' &&
          (app.sync ?? 'Unknown') !== 'Synced',
      ],
      [
        'search',
        { nameContains: 'svc-0012' },
        app => app.application.metadata.name.includes('svc-0012'),
      ],
      [
        "an owner's entities",
        {
          linkedToAny: [
            { names: [], selectors: ['app.kubernetes.io/part-of=checkout-7'] },
            { names: ['identity-svc-00003'], selectors: [] },
          ],
        },
        app =>
          app.application.metadata.labels?.['app.kubernetes.io/part-of'] ===
            'checkout-7' ||
          app.application.metadata.name === 'identity-svc-00003',
      ],
    ])(
      'pages through a filter on %s, each page reading one page of rows',
      async (_title, filter, matches) => {
        const expected = fleet.filter(matches).map(keyOf).sort();
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(FLEET_SIZE / 10);

        const limit = 20;
        const served: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listWithRowsFetched(knex, {
            filter,
            limit,
            cursor,
          });
          expect(page.rows).toHaveLength(1);
          expect(page.rows[0]).toBeLessThanOrEqual(limit + 1);
          served.push(
            ...page.result.items.map(item => `${item.namespace}/${item.name}`),
          );
          cursor = page.result.nextCursor;
        } while (cursor);
        expect(served).toEqual(expected);

        const counted = await listApplications(knex, {
          filter,
          limit: 1,
          includeTotalCount: true,
        });
        expect(counted.totalCount).toBe(expected.length);
      },
    );
  },
);
