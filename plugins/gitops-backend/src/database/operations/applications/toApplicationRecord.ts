import type { Application } from '@driftless/gitops-engine';
import type { Knex } from 'knex';
import { parseStoredJson } from '../../json';
import type { ApplicationRow, ApplicationStatusRow } from '../../tables';
import { fromStoredTimestamp } from '../../timestamps';
import type { ApplicationRecord } from '../../types';
import { toApplicationStatusRecord } from '../status/toApplicationStatusRecord';

/** An applications row joined with its status row (`s.*` null when never reconciled). */
export type ApplicationWithStatusRow = Pick<
  ApplicationRow,
  | 'namespace'
  | 'name'
  | 'project'
  | 'manifest'
  | 'origin'
  | 'spec_generation'
  | 'created_at'
  | 'updated_at'
> & {
  [column in
    | 'sync_status'
    | 'health_status'
    | 'revision'
    | 'status'
    | 'reconciled_at']: ApplicationStatusRow[column] | null;
};

/** Applications (alias `a`) with their status (alias `s`), the query get and list share. */
export function selectApplicationsWithStatus(knex: Knex) {
  return knex('applications as a')
    .leftJoin('application_status as s', join =>
      join.on('s.namespace', 'a.namespace').andOn('s.name', 'a.name'),
    )
    .select(
      'a.namespace',
      'a.name',
      'a.project',
      'a.manifest',
      'a.origin',
      'a.spec_generation',
      'a.created_at',
      'a.updated_at',
      's.sync_status',
      's.health_status',
      's.revision',
      's.status',
      's.reconciled_at',
    );
}

export function toApplicationRecord(
  row: ApplicationWithStatusRow,
): ApplicationRecord {
  const record: ApplicationRecord = {
    namespace: row.namespace,
    name: row.name,
    project: row.project,
    manifest: parseStoredJson<Application>(
      row.manifest,
      `application ${row.namespace}/${row.name}`,
    ),
    origin: row.origin,
    specGeneration: Number(row.spec_generation),
    createdAt: fromStoredTimestamp(row.created_at),
    updatedAt: fromStoredTimestamp(row.updated_at),
  };
  if (row.status !== null) {
    record.status = toApplicationStatusRecord({
      namespace: row.namespace,
      name: row.name,
      sync_status: row.sync_status!,
      health_status: row.health_status!,
      revision: row.revision,
      status: row.status,
      reconciled_at: row.reconciled_at!,
    });
  }
  return record;
}
