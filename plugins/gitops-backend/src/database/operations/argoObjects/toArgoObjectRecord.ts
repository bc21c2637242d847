import { parseStoredJson } from '../../json';
import type { ArgoObjectRow } from '../../tables';
import { fromStoredTimestamp } from '../../timestamps';
import type {
  ArgoObjectKind,
  ArgoObjectManifest,
  ArgoObjectRecord,
} from '../../types';
import { describeArgoObject } from './argoObjectTable';

export function toArgoObjectRecord(
  kind: ArgoObjectKind,
  row: ArgoObjectRow,
): ArgoObjectRecord {
  return {
    kind,
    namespace: row.namespace,
    name: row.name,
    manifest: parseStoredJson<ArgoObjectManifest>(
      row.manifest,
      describeArgoObject({ kind, namespace: row.namespace, name: row.name }),
    ),
    origin: row.origin,
    generation: Number(row.generation),
    createdAt: fromStoredTimestamp(row.created_at),
    updatedAt: fromStoredTimestamp(row.updated_at),
  };
}
