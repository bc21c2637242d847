import { InputError } from '@backstage/errors';
import type { ArgoObjectKind, ArgoObjectKey } from '../../types';

const TABLES: Record<ArgoObjectKind, string> = {
  AppProject: 'app_projects',
  ApplicationSet: 'application_sets',
};

/** The table a kind is kept in; refuses kinds the store does not keep. */
export function argoObjectTable(kind: ArgoObjectKind): string {
  const table = TABLES[kind];
  if (!table) {
    throw new InputError(
      `The store keeps AppProject and ApplicationSet objects, not '${String(
        kind,
      )}'`,
    );
  }
  return table;
}

/** `AppProject argocd/shop`, for messages. */
export function describeArgoObject(key: ArgoObjectKey): string {
  return `${key.kind} ${key.namespace}/${key.name}`;
}
