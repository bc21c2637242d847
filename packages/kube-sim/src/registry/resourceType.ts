import { NameRule } from '../machinery/validation';
import { MapType } from '../schema/typeNode';

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** A column of the server-side table `kubectl get` prints. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  /** Dotted path into the object, or a function computing the cell. */
  value: string | ((object: any) => unknown);
}

/** What the server knows about one served resource (one group/version/resource). */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  hasStatusSubresource: boolean;
  /** Tracks metadata.generation (bumped on changes outside metadata and status). */
  tracksGeneration: boolean;
  /** Accepts strategic merge patch (built-in kinds only, like a real server). */
  strategicMerge: boolean;
  nameRule: NameRule;
  schema: MapType;
  /** Served from a CustomResourceDefinition (unstructured: list items carry apiVersion/kind). */
  custom: boolean;
  /** CRD name, for custom resources. */
  crdName?: string;
  /** The storage key shared by every served version of the resource. */
  storageKey: string;
  /** Paths of the scale subresource (CRDs that declare one). */
  scaleSubresource?: {
    specReplicasPath: string;
    statusReplicasPath: string;
    labelSelectorPath?: string;
  };
  /** Events list without Name and Age columns, as the real server's table does. */
  eventTable?: boolean;
  /** Columns for `kubectl get`, after the name. */
  columns?: TableColumn[];
  /** PUT of a missing object creates it. */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion is accepted. */
  allowUnconditionalUpdate: boolean;
}

export function storageKeyOf(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}
