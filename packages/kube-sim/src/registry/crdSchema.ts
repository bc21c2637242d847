import { isPlainObject, JsonObject } from '../machinery/types';
import { objectMetaType } from '../schema/builtinSchemas';
import {
  DEDUCED,
  ListType,
  MapType,
  SCALAR,
  TypeNode,
} from '../schema/typeNode';

/** Converts a CRD version's `openAPIV3Schema` to the shape information apply uses. */
export function typeFromOpenApi(schema: JsonObject | undefined): TypeNode {
  if (!schema) return DEDUCED;
  if (schema['x-kubernetes-int-or-string']) return SCALAR;
  const type = schema.type;
  if (type === 'array') {
    const items = typeFromOpenApi(schema.items);
    const listType = schema['x-kubernetes-list-type'] ?? 'atomic';
    if (listType === 'map') {
      const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
      const keyDefaults: Record<string, any> = {};
      for (const key of keys) {
        const fallback = schema.items?.properties?.[key]?.default;
        if (fallback !== undefined) keyDefaults[key] = fallback;
      }
      const list: ListType = {
        kind: 'list',
        elem: items,
        relationship: 'associative',
        keys,
        keyDefaults,
      };
      return list;
    }
    return {
      kind: 'list',
      elem: items,
      relationship: listType === 'set' ? 'set' : 'atomic',
    };
  }
  if (type === 'object' || schema.properties || schema.additionalProperties) {
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const fields: Record<string, TypeNode> = {};
    for (const [name, property] of Object.entries<JsonObject>(
      schema.properties ?? {},
    )) {
      fields[name] = typeFromOpenApi(property);
    }
    let elem: TypeNode = DEDUCED;
    if (isPlainObject(schema.additionalProperties))
      elem = typeFromOpenApi(schema.additionalProperties);
    const map: MapType = {
      kind: 'map',
      fields,
      elem: preserve ? DEDUCED : elem,
      atomic: schema['x-kubernetes-map-type'] === 'atomic',
    };
    return map;
  }
  if (schema['x-kubernetes-preserve-unknown-fields']) return DEDUCED;
  if (type === undefined) return DEDUCED;
  return SCALAR;
}

/** The top-level type of a custom resource: ObjectMeta plus its schema's fields. */
export function customResourceType(schema: JsonObject | undefined): MapType {
  const root = typeFromOpenApi(
    schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  );
  const fields =
    root.kind === 'map'
      ? { ...(root.fields ?? {}) }
      : ({} as Record<string, TypeNode>);
  fields.metadata = objectMetaType;
  const rootPreserves =
    !schema || schema['x-kubernetes-preserve-unknown-fields'] === true;
  const elem = !rootPreserves && root.kind === 'map' ? root.elem : DEDUCED;
  return { kind: 'map', fields, elem };
}

/** Fills in `default` values the schema declares, like the API server's structural defaulting. */
export function applySchemaDefaults(
  value: unknown,
  schema: JsonObject | undefined,
): void {
  if (!schema || !isPlainObject(value)) {
    if (schema?.type === 'array' && Array.isArray(value) && schema.items) {
      for (const item of value) applySchemaDefaults(item, schema.items);
    }
    return;
  }
  for (const [name, property] of Object.entries<JsonObject>(
    schema.properties ?? {},
  )) {
    if (value[name] === undefined && property.default !== undefined) {
      value[name] = JSON.parse(JSON.stringify(property.default));
    }
    if (value[name] !== undefined) applySchemaDefaults(value[name], property);
  }
  if (isPlainObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) {
      if (!(schema.properties ?? {})[key])
        applySchemaDefaults(value[key], schema.additionalProperties);
    }
  }
}

/**
 * Removes fields the schema does not declare (unless it preserves unknown
 * fields) and returns their paths, for `fieldValidation=Strict`.
 */
export function pruneUnknownFields(
  value: unknown,
  schema: JsonObject | undefined,
  path = '',
  skip: string[] = [],
): string[] {
  const pruned: string[] = [];
  if (!schema) return pruned;
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((item, index) => {
        pruned.push(
          ...pruneUnknownFields(item, schema.items, `${path}[${index}]`),
        );
      });
    }
    return pruned;
  }
  if (!isPlainObject(value)) return pruned;
  if (
    schema['x-kubernetes-preserve-unknown-fields'] === true &&
    !schema.properties
  )
    return pruned;
  const properties: Record<string, JsonObject> = schema.properties ?? {};
  for (const key of Object.keys(value)) {
    if (skip.includes(key)) continue;
    const childPath = path ? `${path}.${key}` : key;
    if (properties[key]) {
      pruned.push(
        ...pruneUnknownFields(value[key], properties[key], childPath),
      );
    } else if (isPlainObject(schema.additionalProperties)) {
      pruned.push(
        ...pruneUnknownFields(
          value[key],
          schema.additionalProperties,
          childPath,
        ),
      );
    } else if (
      schema.additionalProperties === true ||
      schema['x-kubernetes-preserve-unknown-fields'] === true
    ) {
      continue;
    } else {
      delete value[key];
      pruned.push(childPath);
    }
  }
  return pruned;
}
