import { createHash } from 'node:crypto';
import { JsonObject } from '../machinery/types';
import { ResourceRegistry } from '../registry/registry';

/**
 * A minimal OpenAPI v3 surface. kubectl (1.32) reads it only to learn that
 * PATCH accepts `fieldValidation`, so that `apply` validates on the server
 * instead of downloading full schemas; the documents therefore list the
 * operations with their group-version-kind and parameters, not the schemas.
 */

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY_PARAMETERS = [
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'force',
  'pretty',
].map(name => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
  uniqueItems: true,
}));

export function groupVersionDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.resourcesIn(group, version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const type of types) {
    const prefix = `/${groupVersionPath(group, version)}${
      type.namespaced ? '/namespaces/{namespace}' : ''
    }/${type.resource}`;
    const gvk = { group, version, kind: type.kind };
    const operation = (verb: string) => ({
      operationId: `${verb}${type.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: QUERY_PARAMETERS,
      responses: { '200': { description: 'OK' } },
    });
    paths[`${prefix}/{name}`] = {
      get: operation('get'),
      put: operation('put'),
      patch: operation('patch'),
      delete: operation('delete'),
    };
    paths[prefix] = { get: operation('list'), post: operation('post') };
    if (type.hasStatusSubresource) {
      paths[`${prefix}/{name}/status`] = {
        get: operation('get'),
        put: operation('put'),
        patch: operation('patch'),
      };
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

export function openApiV3Root(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const group of registry.groups()) {
    for (const version of group.versions) {
      const path = groupVersionPath(group.name, version);
      const hash = createHash('sha512')
        .update(`${registry.generation}/${path}`)
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
  }
  return { paths };
}
