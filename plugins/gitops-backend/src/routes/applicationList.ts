import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  getEntityApplicationLinks,
  gitopsApplicationReadPermission,
  type ListApplicationsResponse,
} from '@driftless/backstage-plugin-gitops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ApplicationListFilter,
  ApplicationRecord,
} from '../database/types';
import { applicationReadScope, authorizedKeys } from './authorization';
import { toApplicationView } from './applicationView';
import type { RouteContext } from './context';

/**
 * With a conditional read decision, one response reads at most this many
 * pages' worth of applications looking for readable ones, then returns what
 * it found with a cursor to go on from: a caller who may read few apps gets
 * short (even empty) pages instead of one request scanning the whole store.
 */
export const MAX_PAGES_SCANNED_PER_RESPONSE = 5;

export interface ApplicationListRequest {
  filter: ApplicationListFilter;
  /** A catalog entity ref whose annotations narrow the list. */
  entity?: string;
  /** An owner's entity ref: the apps the entities it owns link narrow the list. */
  owner?: string;
  /** A cluster name or server URL. */
  cluster?: string;
  limit: number;
  cursor?: string;
  includeTotalCount: boolean;
}

/** Keeps only `allowed` entries of `values`, or `allowed` when nothing was asked. */
function intersect(values: string[] | undefined, allowed: string[]): string[] {
  return values ? values.filter(value => allowed.includes(value)) : allowed;
}

/**
 * The entity's links as a filter, or undefined when the entity links no
 * application (its list is empty). 404 when the caller cannot see the entity.
 */
async function entityFilter(
  context: RouteContext,
  credentials: BackstageCredentials,
  entityRef: string,
  filter: ApplicationListFilter,
): Promise<ApplicationListFilter | undefined> {
  let ref;
  try {
    ref = parseEntityRef(entityRef, { defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(
      `Invalid query: entity: '${entityRef}' is not an entity ref; write it as kind:namespace/name, e.g. component:default/shop`,
    );
  }
  const entity = await context.catalog.getEntityByRef(ref, { credentials });
  if (!entity) {
    throw new NotFoundError(
      `Entity ${stringifyEntityRef(
        ref,
      )} is not in the catalog, or you may not see it; check the entity ref`,
    );
  }
  const links = getEntityApplicationLinks(entity);
  if (!links) {
    return undefined;
  }
  return {
    ...filter,
    entity: { names: links.appNames, selectors: links.appSelectors },
    ...(links.projectName
      ? { projects: intersect(filter.projects, [links.projectName]) }
      : {}),
  };
}

/**
 * The links of every entity `ownerRef` owns (that the caller may see), as a
 * filter. An owner of no linked entity gets an empty list: no application.
 */
async function ownerFilter(
  context: RouteContext,
  credentials: BackstageCredentials,
  ownerRef: string,
): Promise<NonNullable<ApplicationListFilter['linkedToAny']>> {
  let ref;
  try {
    ref = parseEntityRef(ownerRef, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `Invalid query: owner: '${ownerRef}' is not an entity ref; write it as kind:namespace/name, e.g. group:default/team-a`,
    );
  }
  const { items } = await context.catalog.getEntities(
    {
      filter: { 'relations.ownedBy': stringifyEntityRef(ref) },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    },
    { credentials },
  );
  return items.flatMap(entity => {
    const links = getEntityApplicationLinks(entity);
    return links
      ? [
          {
            names: links.appNames,
            selectors: links.appSelectors,
            ...(links.projectName ? { project: links.projectName } : {}),
          },
        ]
      : [];
  });
}

/**
 * Apps address a cluster by name or by URL; a known cluster is looked up so
 * either finds both. An unknown value is matched as given, as name and URL.
 */
async function clusterFilter(
  context: RouteContext,
  cluster: string,
): Promise<ApplicationListFilter['destinationCluster']> {
  let known;
  try {
    known = (await context.clusters.list()).find(
      ({ cluster: c }) => c.name === cluster || c.server === cluster,
    );
  } catch (error) {
    context.logger.warn(
      `Cannot list clusters to resolve the cluster filter '${cluster}'; matching it as given: ${
        (error as Error).message
      }`,
    );
  }
  return known
    ? { names: [known.cluster.name], servers: [known.cluster.server] }
    : { names: [cluster], servers: [cluster] };
}

/**
 * One page of the applications the caller may read. Read permission is asked
 * once for all applications; when the policy decides per application, the
 * page's apps are authorized in one batch and the refused ones left out.
 */
export async function listReadableApplications(
  context: RouteContext,
  credentials: BackstageCredentials,
  request: ApplicationListRequest,
): Promise<ListApplicationsResponse> {
  const { store, permissions } = context;
  let filter: ApplicationListFilter | undefined = request.filter;
  if (request.cluster !== undefined) {
    filter = {
      ...filter,
      destinationCluster: await clusterFilter(context, request.cluster),
    };
  }
  if (request.entity !== undefined) {
    filter = await entityFilter(context, credentials, request.entity, filter);
    if (!filter) {
      return { items: [] };
    }
  }
  if (request.owner !== undefined) {
    const linkedToAny = await ownerFilter(context, credentials, request.owner);
    if (linkedToAny.length === 0) {
      return { items: [] };
    }
    filter = { ...filter, linkedToAny };
  }

  const scope = await applicationReadScope(
    permissions,
    credentials,
    gitopsApplicationReadPermission,
  );
  if (scope === AuthorizeResult.DENY) {
    return { items: [] };
  }

  let items: ApplicationRecord[] = [];
  let nextCursor: string | undefined;
  let totalCount: number | undefined;
  if (scope === AuthorizeResult.ALLOW) {
    const page = await store.listApplications({
      filter,
      limit: request.limit,
      cursor: request.cursor,
      includeTotalCount: request.includeTotalCount,
    });
    items = page.items;
    nextCursor = page.nextCursor;
    // Only here: counting for a caller who may not read every app would reveal how many it cannot see.
    totalCount = page.totalCount;
  } else {
    let cursor = request.cursor;
    let scanned = 0;
    do {
      const page = await store.listApplications({
        filter,
        limit: request.limit - items.length,
        cursor,
      });
      scanned += page.items.length;
      items.push(
        ...(await authorizedKeys(
          permissions,
          credentials,
          gitopsApplicationReadPermission,
          page.items,
        )),
      );
      nextCursor = page.nextCursor;
      cursor = nextCursor;
    } while (
      nextCursor &&
      items.length < request.limit &&
      scanned < request.limit * MAX_PAGES_SCANNED_PER_RESPONSE
    );
  }

  const latestOperations = await Promise.all(
    items.map(record => store.getLatestOperation(record)),
  );
  const response: ListApplicationsResponse = {
    items: items.map((record, index) =>
      toApplicationView(record, { latestOperation: latestOperations[index] }),
    ),
  };
  if (nextCursor) {
    response.nextCursor = nextCursor;
  }
  if (totalCount !== undefined) {
    response.totalCount = totalCount;
  }
  return response;
}
