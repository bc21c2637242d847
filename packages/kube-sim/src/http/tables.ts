import { JsonObject, KubeObject } from '../machinery/types';
import { ResourceType, TableColumn } from '../registry/resourceType';

/** Whether the client asked for a server-side table (`kubectl get` does). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0];
  return first.includes('as=Table');
}

/** Ages as kubectl prints them: 45s, 3m12s, 5h, 2d3h, 40d. */
export function humanAge(
  timestamp: string | undefined | null,
  now: Date = new Date(),
): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(
    0,
    Math.floor((now.getTime() - Date.parse(timestamp)) / 1000),
  );
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  return `${days}d`;
}

/** Reads a simple JSONPath (`status.conditions[0].reason`) as printer columns use. */
function readPath(object: JsonObject, path: string): unknown {
  let current: any = object;
  for (const segment of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (segment === '') continue;
    if (current === null || current === undefined) return undefined;
    current = current[segment];
  }
  return current;
}

function cell(column: TableColumn, object: KubeObject): unknown {
  const value =
    typeof column.value === 'function'
      ? column.value(object)
      : readPath(object, column.value);
  if (value === undefined || value === null)
    return column.type === 'string' ? '' : null;
  if (column.type === 'string' && typeof value === 'object')
    return JSON.stringify(value);
  return value;
}

/** A meta.k8s.io/v1 Table of `objects`, with metadata-only row objects as the server sends by default. */
export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  listMeta: JsonObject,
  includeObject: string | undefined,
): JsonObject {
  const extra = type.columns ?? [];
  if (type.eventTable)
    return eventTable(objects, listMeta, includeObject, extra);
  const columns = [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
    ...extra
      .filter(column => column.name !== 'Created At')
      .map(column => ({
        name: column.name,
        type: column.type,
        format: column.format ?? '',
        description: column.description ?? '',
        priority: column.priority ?? 0,
      })),
    {
      name: 'Age',
      type: 'string',
      format: '',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    },
  ];
  const now = new Date();
  const rows = objects.map(object => {
    const row = rowObject(object, includeObject);
    return {
      cells: [
        object.metadata.name,
        ...extra
          .filter(column => column.name !== 'Created At')
          .map(column => cell(column, object)),
        humanAge(object.metadata.creationTimestamp, now),
      ],
      ...(row ? { object: row } : {}),
    };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows,
  };
}

function rowObject(
  object: KubeObject,
  includeObject: string | undefined,
): JsonObject | undefined {
  if (includeObject === 'Object') return object;
  if (includeObject === 'None') return undefined;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: object.metadata,
  };
}

/** Events print as LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (name hidden). */
function eventTable(
  objects: KubeObject[],
  listMeta: JsonObject,
  includeObject: string | undefined,
  extra: TableColumn[],
): JsonObject {
  const now = new Date();
  const columns = [
    {
      name: 'Last Seen',
      type: 'string',
      format: '',
      description: 'Time of the last occurrence',
      priority: 0,
    },
    ...extra.map(column => ({
      name: column.name,
      type: column.type,
      format: '',
      description: column.description ?? '',
      priority: 0,
    })),
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 1,
    },
  ];
  const rows = objects.map(object => {
    const row = rowObject(object, includeObject);
    return {
      cells: [
        humanAge(
          object.lastTimestamp ??
            object.eventTime ??
            object.metadata.creationTimestamp,
          now,
        ),
        ...extra.map(column => cell(column, object)),
        object.metadata.name,
      ],
      ...(row ? { object: row } : {}),
    };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows,
  };
}
