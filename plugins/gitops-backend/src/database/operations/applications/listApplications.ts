import { InputError } from '@backstage/errors';
import {
  LabelSelectorError,
  parseLabelSelector,
  type LabelSelectorRequirement,
} from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import {
  DEFAULT_APPLICATION_PAGE_SIZE,
  MAX_APPLICATION_PAGE_SIZE,
  type ApplicationListFilter,
  type ApplicationPage,
  type ListApplicationsOptions,
} from '../../types';
import {
  decodeApplicationCursor,
  encodeApplicationCursor,
} from './applicationCursor';
import { repoURLKey } from './applicationIndex';
import {
  selectApplicationsWithStatus,
  toApplicationRecord,
  type ApplicationWithStatusRow,
} from './toApplicationRecord';

type Where = Knex.QueryBuilder;

function parseSelector(selector: string): LabelSelectorRequirement[] {
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) {
      throw new InputError(error.message);
    }
    throw error;
  }
}

/** `name` anywhere, or `namespace/name`. */
function whereNamed(builder: Where, names: string[]): void {
  const plain = names.filter(name => !name.includes('/'));
  const qualified = names
    .filter(name => name.includes('/'))
    .map(name => {
      const slash = name.indexOf('/');
      return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
    });
  builder.where(inner => {
    inner.whereIn('a.name', plain);
    for (const key of qualified) {
      inner.orWhere({ 'a.namespace': key.namespace, 'a.name': key.name });
    }
  });
}

/**
 * Every requirement as an (NOT) EXISTS on application_labels, so selectors
 * filter in SQL and pages come out full. NotIn and DoesNotExist hold for
 * apps without the label, as in Kubernetes.
 */
function whereLabels(
  builder: Where,
  requirements: LabelSelectorRequirement[],
): void {
  for (const { key, operator, values } of requirements) {
    const labelQuery = function labelQuery(this: Knex.QueryBuilder) {
      this.select('l.key')
        .from('application_labels as l')
        .whereRaw('?? = ??', ['l.namespace', 'a.namespace'])
        .andWhereRaw('?? = ??', ['l.name', 'a.name'])
        .andWhere('l.key', key);
      if (operator === 'In' || operator === 'NotIn') {
        this.whereIn('l.value', values);
      }
    };
    if (operator === 'In' || operator === 'Exists') {
      builder.whereExists(labelQuery);
    } else {
      builder.whereNotExists(labelQuery);
    }
  }
}

/** Status filters: apps never reconciled have no status row and count as Unknown. */
function whereStatus(
  builder: Where,
  column: 's.sync_status' | 's.health_status',
  values: string[],
): void {
  builder.where(inner => {
    inner.whereIn(column, values);
    if (values.includes('Unknown')) {
      inner.orWhereNull(column);
    }
  });
}

/** A catalog entity's link: apps named in `names` OR matching any selector. */
function whereLinked(
  builder: Where,
  names: string[],
  selectors: string[],
): void {
  const parsed = selectors.map(parseSelector);
  builder.where(named => whereNamed(named, names));
  for (const requirements of parsed) {
    if (requirements.length === 0) {
      builder.orWhereRaw('1 = 1');
    } else {
      builder.orWhere(matching => whereLabels(matching, requirements));
    }
  }
}

/** Not a backslash: it means different things in PostgreSQL and SQLite string literals. */
const LIKE_ESCAPE = '!';

/** Searched text matches literally: LIKE's wildcards in it are escaped. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, character => `${LIKE_ESCAPE}${character}`);
}

function applyFilter(builder: Where, filter: ApplicationListFilter): void {
  if (filter.namespaces) {
    builder.whereIn('a.namespace', filter.namespaces);
  }
  if (filter.names) {
    whereNamed(builder, filter.names);
  }
  if (filter.projects) {
    builder.whereIn('a.project', filter.projects);
  }
  if (filter.origins) {
    builder.whereIn('a.origin', filter.origins);
  }
  if (filter.destinationCluster) {
    const { names = [], servers = [] } = filter.destinationCluster;
    builder.where(inner =>
      inner.whereIn('a.dest_name', names).orWhereIn('a.dest_server', servers),
    );
  }
  if (filter.destinationNamespaces) {
    builder.whereIn('a.dest_namespace', filter.destinationNamespaces);
  }
  if (filter.syncStatuses) {
    whereStatus(builder, 's.sync_status', filter.syncStatuses);
  }
  if (filter.healthStatuses) {
    whereStatus(builder, 's.health_status', filter.healthStatuses);
  }
  if (filter.repoURLs) {
    const keys = [...new Set(filter.repoURLs.map(repoURLKey))];
    builder.whereExists(function sourceQuery(this: Knex.QueryBuilder) {
      this.select('src.position')
        .from('application_sources as src')
        .whereRaw('?? = ??', ['src.namespace', 'a.namespace'])
        .andWhereRaw('?? = ??', ['src.name', 'a.name'])
        .whereIn('src.repo_url_key', keys);
    });
  }
  if (filter.labelSelector !== undefined) {
    whereLabels(builder, parseSelector(filter.labelSelector));
  }
  if (filter.entity) {
    const { names, selectors } = filter.entity;
    builder.where(inner => whereLinked(inner, names, selectors));
  }
  if (filter.linkedToAny) {
    const links = filter.linkedToAny;
    builder.where(anyLink => {
      // An empty OR would match everything; no link must match nothing.
      anyLink.whereRaw('1 = 0');
      for (const { names, selectors, project } of links) {
        anyLink.orWhere(link => {
          link.where(inner => whereLinked(inner, names, selectors));
          if (project !== undefined) {
            link.andWhere('a.project', project);
          }
        });
      }
    });
  }
  if (filter.nameContains !== undefined && filter.nameContains !== '') {
    builder.whereRaw(`lower(??) like ? escape '${LIKE_ESCAPE}'`, [
      'a.name',
      `%${escapeLike(filter.nameContains.toLowerCase())}%`,
    ]);
  }
}

/**
 * A page of Applications with their status, ordered by (namespace, name).
 * Every filter runs in SQL (labels and repositories through their side
 * tables), so a page holds `limit` apps whenever that many more match.
 */
export async function listApplications(
  knex: Knex,
  options: ListApplicationsOptions = {},
): Promise<ApplicationPage> {
  const limit = options.limit ?? DEFAULT_APPLICATION_PAGE_SIZE;
  if (
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_APPLICATION_PAGE_SIZE
  ) {
    throw new InputError(
      `Page size ${limit} is out of range; ask for 1 to ${MAX_APPLICATION_PAGE_SIZE} applications per page`,
    );
  }
  const filter = options.filter ?? {};
  const after = options.cursor
    ? decodeApplicationCursor(options.cursor)
    : undefined;

  const pageQuery = selectApplicationsWithStatus(knex).where(builder =>
    applyFilter(builder, filter),
  );
  if (after) {
    pageQuery.where(builder =>
      builder
        .where('a.namespace', '>', after.namespace)
        .orWhere(sameNamespace =>
          sameNamespace
            .where('a.namespace', after.namespace)
            .andWhere('a.name', '>', after.name),
        ),
    );
  }
  // One extra row tells whether another page follows.
  const rows: ApplicationWithStatusRow[] = await pageQuery
    .orderBy([
      { column: 'a.namespace', order: 'asc' },
      { column: 'a.name', order: 'asc' },
    ])
    .limit(limit + 1);

  const items = rows.slice(0, limit).map(toApplicationRecord);
  const page: ApplicationPage = { items };
  if (rows.length > limit) {
    page.nextCursor = encodeApplicationCursor(items[items.length - 1]);
  }
  if (options.includeTotalCount) {
    const [{ count }] = await knex('applications as a')
      .leftJoin('application_status as s', join =>
        join.on('s.namespace', 'a.namespace').andOn('s.name', 'a.name'),
      )
      .where(builder => applyFilter(builder, filter))
      .count({ count: '*' });
    page.totalCount = Number(count);
  }
  return page;
}
