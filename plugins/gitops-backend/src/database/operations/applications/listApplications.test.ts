import { InputError } from '@backstage/errors';
import {
  matchesLabelSelector,
  parseLabelSelector,
} from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import {
  databases,
  migratedDatabase,
  testApplication,
} from '../../__testUtils__/storeTestUtils';
import type { ApplicationListFilter, ApplicationRecord } from '../../types';
import { saveApplicationStatus } from '../status/saveApplicationStatus';
import { deleteApplication } from './deleteApplication';
import { listApplications } from './listApplications';
import { upsertApplication } from './upsertApplication';

jest.setTimeout(120_000);

/** What the test knows about each generated app, to compute expected results. */
interface Generated {
  namespace: string;
  name: string;
  project: string;
  origin: string;
  destination: { server?: string; name?: string; namespace: string };
  labels: Record<string, string>;
  repoURLs: string[];
  sync?: string;
  health?: string;
}

/** A small deterministic generator, so failures reproduce. */
function sequence(seed: number) {
  let state = seed;
  return <T>(choices: readonly T[]): T => {
    state = (state * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with short periods.
    return choices[Math.floor(state / 65536) % choices.length];
  };
}

const IN_CLUSTER = 'https://kubernetes.default.svc';
const PROD_SERVER = 'https://prod.example.internal:6443';

function generateApps(count: number): Generated[] {
  const pick = sequence(7);
  return Array.from({ length: count }, (_, index) => {
    const labels: Record<string, string> = {};
    const team = pick(['a', 'b', 'c', undefined]);
    if (team) labels.team = team;
    const tier = pick(['web', 'api', undefined]);
    if (tier) labels.tier = tier;
    if (pick([true, false, false]))
      labels['app.kubernetes.io/part-of'] = 'shop';
    const reconciled = pick([true, true, false]);
    return {
      namespace: pick(['argocd', 'argocd', 'team-x']),
      name: `app-${String(index).padStart(3, '0')}`,
      project: pick(['default', 'shop', 'infra']),
      origin: pick(['config', 'api', 'applicationset:argocd/shops']),
      destination: pick([
        { server: IN_CLUSTER, namespace: 'default' },
        { name: 'prod', namespace: 'shop' },
        { server: PROD_SERVER, namespace: 'shop' },
      ]),
      labels,
      repoURLs: pick([
        ['https://git.example.com/platform.git'],
        ['https://git.example.com/Shop.git'],
        [
          'https://git.example.com/platform.git',
          'git@git.example.com:team/values.git',
        ],
      ]),
      ...(reconciled
        ? {
            sync: pick(['Synced', 'OutOfSync']),
            health: pick(['Healthy', 'Degraded', 'Progressing']),
          }
        : {}),
    };
  });
}

async function storeGenerated(knex: Knex, apps: Generated[]): Promise<void> {
  for (const app of apps) {
    await upsertApplication(knex, {
      application: testApplication(app.name, {
        namespace: app.namespace,
        project: app.project,
        labels: app.labels,
        destination: app.destination,
        repoURLs: app.repoURLs,
      }),
      origin: app.origin,
    });
    if (app.sync) {
      await saveApplicationStatus(knex, {
        namespace: app.namespace,
        name: app.name,
        status: { sync: { status: app.sync }, health: { status: app.health } },
      });
    }
  }
}

function named(app: Generated, names: string[]): boolean {
  return names.some(entry =>
    entry.includes('/')
      ? entry === `${app.namespace}/${app.name}`
      : entry === app.name,
  );
}

/** The filter's meaning, written plainly, as the oracle for the SQL. */
function expectedMatch(app: Generated, filter: ApplicationListFilter): boolean {
  const repoKey = (url: string) =>
    url
      .toLowerCase()
      .replace(/\.git$/, '')
      .replace(/^git@([^:]+):/, 'git@$1/');
  const checks: boolean[] = [
    !filter.namespaces || filter.namespaces.includes(app.namespace),
    !filter.names || named(app, filter.names),
    !filter.projects || filter.projects.includes(app.project),
    !filter.origins || filter.origins.includes(app.origin),
    !filter.destinationCluster ||
      (filter.destinationCluster.names ?? []).includes(app.destination.name!) ||
      (filter.destinationCluster.servers ?? []).includes(
        app.destination.server!,
      ),
    !filter.destinationNamespaces ||
      filter.destinationNamespaces.includes(app.destination.namespace),
    !filter.syncStatuses || filter.syncStatuses.includes(app.sync ?? 'Unknown'),
    !filter.healthStatuses ||
      filter.healthStatuses.includes(app.health ?? 'Unknown'),
    !filter.repoURLs ||
      app.repoURLs.some(url =>
        filter.repoURLs!.map(repoKey).includes(repoKey(url)),
      ),
    filter.labelSelector === undefined ||
      matchesLabelSelector(
        parseLabelSelector(filter.labelSelector),
        app.labels,
      ),
    !filter.entity ||
      named(app, filter.entity.names) ||
      filter.entity.selectors.some(selector =>
        matchesLabelSelector(parseLabelSelector(selector), app.labels),
      ),
    !filter.linkedToAny ||
      filter.linkedToAny.some(
        link =>
          (named(app, link.names) ||
            link.selectors.some(selector =>
              matchesLabelSelector(parseLabelSelector(selector), app.labels),
            )) &&
          (link.project === undefined || link.project === app.project),
      ),
    filter.nameContains === undefined ||
      app.name.includes(filter.nameContains.toLowerCase()),
  ];
  return checks.every(Boolean);
}

const keyOf = (app: { namespace: string; name: string }) =>
  `${app.namespace}/${app.name}`;

function byKey(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
) {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/** Every page of a listing, as keys in the order served. */
async function pageThrough(
  knex: Knex,
  filter: ApplicationListFilter,
  limit: number,
): Promise<{ keys: string[]; pages: number; items: ApplicationRecord[] }> {
  const items: ApplicationRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listApplications(knex, { filter, limit, cursor });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) {
      // A page followed by another is always full: filters run in SQL.
      expect(page.items).toHaveLength(limit);
    }
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { keys: items.map(keyOf), pages, items };
}

const FILTERS: Array<[string, ApplicationListFilter]> = [
  ['no filter', {}],
  ['project', { projects: ['shop'] }],
  ['two projects', { projects: ['shop', 'infra'] }],
  ['app namespace', { namespaces: ['team-x'] }],
  ['origin', { origins: ['applicationset:argocd/shops'] }],
  [
    'cluster by name or server',
    { destinationCluster: { names: ['prod'], servers: [PROD_SERVER] } },
  ],
  ['cluster by server only', { destinationCluster: { servers: [IN_CLUSTER] } }],
  ['destination namespace', { destinationNamespaces: ['shop'] }],
  ['sync status', { syncStatuses: ['OutOfSync'] }],
  ['never reconciled count as Unknown', { syncStatuses: ['Unknown'] }],
  ['health', { healthStatuses: ['Degraded', 'Unknown'] }],
  ['repo, normalized', { repoURLs: ['HTTPS://git.example.com/shop'] }],
  ['scp-style repo', { repoURLs: ['git@git.example.com:team/values'] }],
  ['label equality', { labelSelector: 'team=a' }],
  ['label inequality', { labelSelector: 'team!=a' }],
  ['label set', { labelSelector: 'tier in (web,api),team notin (c)' }],
  ['label existence', { labelSelector: 'app.kubernetes.io/part-of,!tier' }],
  ['empty selector', { labelSelector: '' }],
  ['names', { names: ['app-001', 'team-x/app-002', 'argocd/app-003'] }],
  [
    'catalog entity',
    {
      entity: {
        names: ['app-010', 'app-011'],
        selectors: ['team=b,tier=web', 'app.kubernetes.io/part-of=shop'],
      },
    },
  ],
  [
    'everything combined',
    {
      projects: ['shop', 'default'],
      destinationCluster: {
        names: ['prod'],
        servers: [PROD_SERVER, IN_CLUSTER],
      },
      syncStatuses: ['Synced', 'Unknown'],
      healthStatuses: ['Healthy', 'Progressing', 'Unknown'],
      repoURLs: ['https://git.example.com/platform'],
      labelSelector: '!team',
      entity: { names: [], selectors: ['tier'] },
    },
  ],
  ['search in names, ignoring case', { nameContains: 'P-01' }],
  [
    'entities of an owner',
    {
      linkedToAny: [
        { names: ['app-020'], selectors: ['team=a'], project: 'shop' },
        { names: ['team-x/app-021', 'app-022'], selectors: [] },
        { names: [], selectors: ['tier=api,team=c'] },
      ],
    },
  ],
  [
    'entities of an owner, with other filters',
    {
      linkedToAny: [{ names: [], selectors: ['team'] }],
      nameContains: '1',
      healthStatuses: ['Degraded'],
    },
  ],
  ['an empty list matches nothing', { projects: [] }],
  ['an owner without linked entities matches nothing', { linkedToAny: [] }],
];

const MATCHING_NOTHING = [
  'an empty list matches nothing',
  'an owner without linked entities matches nothing',
];

describe.each(databases.eachSupportedId())(
  'listApplications on %p',
  databaseId => {
    const apps = generateApps(150);
    let knex: Knex;

    beforeAll(async () => {
      knex = await migratedDatabase(databaseId);
      await storeGenerated(knex, apps);
    });

    it.each(FILTERS)(
      'pages through %s with no duplicate, gap or short page',
      async (_title, filter) => {
        const expected = apps
          .filter(app => expectedMatch(app, filter))
          .sort(byKey)
          .map(keyOf);

        const { keys, items } = await pageThrough(knex, filter, 7);

        expect(keys).toEqual(expected);
        expect(new Set(keys).size).toBe(keys.length);
        const total = await listApplications(knex, {
          filter,
          limit: 1,
          includeTotalCount: true,
        });
        expect(total.totalCount).toBe(expected.length);
        // Items carry their status when they have one.
        for (const item of items) {
          const app = apps.find(candidate => keyOf(candidate) === keyOf(item))!;
          expect(item.status?.syncStatus).toBe(app.sync);
        }
      },
    );

    it('has filters that select some apps but not all, so the cases above mean something', () => {
      const selected = (filter: ApplicationListFilter) =>
        apps.filter(app => expectedMatch(app, filter)).length;
      const unfiltered = ['no filter', 'empty selector'];
      expect(
        FILTERS.filter(([title]) => !unfiltered.includes(title)).map(
          ([title, filter]) => [
            title,
            selected(filter) > 0,
            selected(filter) < apps.length,
          ],
        ),
      ).toEqual(
        FILTERS.filter(([title]) => !unfiltered.includes(title)).map(
          ([title]) => [title, !MATCHING_NOTHING.includes(title), true],
        ),
      );
    });

    it('refuses a bad selector, cursor or page size with an InputError', async () => {
      await expect(
        listApplications(knex, { filter: { labelSelector: 'team in a' } }),
      ).rejects.toThrow(InputError);
      await expect(
        listApplications(knex, { filter: { labelSelector: 'team in a' } }),
      ).rejects.toThrow("Invalid label selector 'team in a'");
      await expect(
        listApplications(knex, { cursor: 'not-a-cursor' }),
      ).rejects.toThrow(/is not one this API returned/);
      await expect(listApplications(knex, { limit: 0 })).rejects.toThrow(
        InputError,
      );
      await expect(listApplications(knex, { limit: 1001 })).rejects.toThrow(
        /ask for 1 to 1000 applications per page/,
      );
    });

    it('matches searched text literally, LIKE wildcards included', async () => {
      for (const nameContains of ['%', '_', 'app_0', '!', '!%']) {
        const page = await listApplications(knex, {
          filter: { nameContains },
        });
        expect([nameContains, page.items]).toEqual([nameContains, []]);
      }
      const page = await listApplications(knex, {
        filter: { nameContains: 'app-00' },
      });
      expect(page.items.map(item => item.name)).toEqual(
        apps
          .filter(app => app.name.startsWith('app-00'))
          .sort(byKey)
          .map(app => app.name),
      );
    });

    it('ends without a cursor when the last page is exactly full', async () => {
      const page = await listApplications(knex, {
        filter: { names: ['app-001', 'app-002'] },
        limit: 2,
      });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeUndefined();
    });
  },
);

describe.each(databases.eachSupportedId())(
  'listApplications paging while apps change, on %p',
  databaseId => {
    it('serves every app present throughout exactly once, in order', async () => {
      const knex = await migratedDatabase(databaseId);
      const initial = Array.from({ length: 100 }, (_, index) =>
        testApplication(`app-${String(index * 2).padStart(3, '0')}`),
      );
      for (const application of initial) {
        await upsertApplication(knex, { application, origin: 'config' });
      }
      const deleted = new Set<string>();
      const seen: string[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = await listApplications(knex, { limit: 9, cursor });
        seen.push(...page.items.map(item => item.name));
        cursor = page.nextCursor;
        round++;
        // Between pages: new apps before and after the cursor, and deletions
        // of apps already served and not yet served.
        await upsertApplication(knex, {
          application: testApplication(
            `app-${String(round * 7 + 1).padStart(3, '0')}`,
          ),
          origin: 'api',
        });
        for (const name of [
          `app-${String(round * 4).padStart(3, '0')}`,
          `app-${String(180 - round * 2).padStart(3, '0')}`,
        ]) {
          if (await deleteApplication(knex, { namespace: 'argocd', name })) {
            deleted.add(name);
          }
        }
      } while (cursor);

      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(seen);
      const presentThroughout = initial
        .map(application => application.metadata.name)
        .filter(name => !deleted.has(name));
      for (const name of presentThroughout) {
        expect(seen).toContain(name);
      }
    });
  },
);
