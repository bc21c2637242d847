import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { applyDatabaseMigrations } from './migrations';
import { countApplications } from './operations/applications/countApplications';
import { deleteApplication } from './operations/applications/deleteApplication';
import { getApplication } from './operations/applications/getApplication';
import { listApplications } from './operations/applications/listApplications';
import { reindexApplications } from './operations/applications/reindexApplications';
import { useSqliteWriteAheadLog } from './sqliteWriteAheadLog';
import { upsertApplication } from './operations/applications/upsertApplication';
import { appendApplicationSetEvent } from './operations/applicationSets/appendApplicationSetEvent';
import { deleteApplicationSetState } from './operations/applicationSets/deleteApplicationSetState';
import { getApplicationSetStatus } from './operations/applicationSets/getApplicationSetStatus';
import { listApplicationSetEvents } from './operations/applicationSets/listApplicationSetEvents';
import { listApplicationSetStatuses } from './operations/applicationSets/listApplicationSetStatuses';
import { saveApplicationSetStatus } from './operations/applicationSets/saveApplicationSetStatus';
import { deleteArgoObject } from './operations/argoObjects/deleteArgoObject';
import { getArgoObject } from './operations/argoObjects/getArgoObject';
import { listArgoObjects } from './operations/argoObjects/listArgoObjects';
import { upsertArgoObject } from './operations/argoObjects/upsertArgoObject';
import { appendEvent } from './operations/events/appendEvent';
import { listEvents } from './operations/events/listEvents';
import { pruneEvents } from './operations/events/pruneEvents';
import { appendHistory } from './operations/history/appendHistory';
import { getHistoryEntry } from './operations/history/getHistoryEntry';
import { listHistory } from './operations/history/listHistory';
import { listLeases } from './operations/leases/listLeases';
import { releaseLease } from './operations/leases/releaseLease';
import { renewLease } from './operations/leases/renewLease';
import { tryAcquireLease } from './operations/leases/tryAcquireLease';
import { claimOperation } from './operations/operations/claimOperation';
import { createOperation } from './operations/operations/createOperation';
import { finishOperation } from './operations/operations/finishOperation';
import { getCurrentOperation } from './operations/operations/getCurrentOperation';
import { getLatestOperation } from './operations/operations/getLatestOperation';
import { getOperation } from './operations/operations/getOperation';
import { listUnfinishedOperations } from './operations/operations/listUnfinishedOperations';
import { requestOperationTermination } from './operations/operations/requestOperationTermination';
import { saveOperationState } from './operations/operations/saveOperationState';
import { getApplicationStatus } from './operations/status/getApplicationStatus';
import { saveApplicationStatus } from './operations/status/saveApplicationStatus';
import type {
  AppendApplicationSetEventInput,
  AppendEventInput,
  AppendHistoryInput,
  ApplicationKey,
  ApplicationPage,
  ApplicationRecord,
  ApplicationSetEventRecord,
  ApplicationSetStatusRecord,
  ApplicationStatusRecord,
  ArgoObjectKey,
  ArgoObjectRecord,
  CreateOperationInput,
  EventRecord,
  FinishOperationInput,
  HistoryEntryRecord,
  LeaseInput,
  LeaseRecord,
  ListApplicationSetEventsOptions,
  ListApplicationsOptions,
  ListArgoObjectsOptions,
  ListEventsOptions,
  OperationRecord,
  PruneEventsOptions,
  SaveApplicationSetStatusInput,
  SaveApplicationStatusInput,
  SaveOperationStateInput,
  UpsertApplicationInput,
  UpsertApplicationResult,
  UpsertArgoObjectInput,
  UpsertArgoObjectResult,
} from './types';

/**
 * The plugin's persistent state, shared by all replicas through one database.
 * Each method is one operation in operations/<area>/; types are in types.ts.
 * Errors are `@backstage/errors` classes: InputError (bad argument),
 * NotFoundError (the app or operation is gone), ConflictError (an app exists
 * already, an operation is in progress, or another replica holds it).
 */
export interface GitOpsStore {
  countApplications(): Promise<number>;

  // Applications
  upsertApplication(
    input: UpsertApplicationInput,
  ): Promise<UpsertApplicationResult>;
  getApplication(key: ApplicationKey): Promise<ApplicationRecord | undefined>;
  listApplications(options?: ListApplicationsOptions): Promise<ApplicationPage>;
  /** Also deletes the app's status, operations, history and events. */
  deleteApplication(key: ApplicationKey): Promise<boolean>;

  // Status
  saveApplicationStatus(
    input: SaveApplicationStatusInput,
  ): Promise<ApplicationStatusRecord>;
  getApplicationStatus(
    key: ApplicationKey,
  ): Promise<ApplicationStatusRecord | undefined>;

  // Operations
  createOperation(input: CreateOperationInput): Promise<OperationRecord>;
  getOperation(id: string): Promise<OperationRecord | undefined>;
  getCurrentOperation(
    key: ApplicationKey,
  ): Promise<OperationRecord | undefined>;
  getLatestOperation(key: ApplicationKey): Promise<OperationRecord | undefined>;
  claimOperation(input: {
    id: string;
    holder: string;
  }): Promise<OperationRecord>;
  saveOperationState(input: SaveOperationStateInput): Promise<OperationRecord>;
  finishOperation(input: FinishOperationInput): Promise<OperationRecord>;
  requestOperationTermination(
    key: ApplicationKey,
  ): Promise<OperationRecord | undefined>;
  listUnfinishedOperations(): Promise<OperationRecord[]>;

  // History
  appendHistory(input: AppendHistoryInput): Promise<HistoryEntryRecord>;
  listHistory(key: ApplicationKey): Promise<HistoryEntryRecord[]>;
  getHistoryEntry(
    input: ApplicationKey & { id: number },
  ): Promise<HistoryEntryRecord | undefined>;

  // Events
  appendEvent(input: AppendEventInput): Promise<EventRecord>;
  listEvents(options: ListEventsOptions): Promise<EventRecord[]>;
  pruneEvents(options: PruneEventsOptions): Promise<number>;

  // Leases
  tryAcquireLease(input: LeaseInput): Promise<LeaseRecord | undefined>;
  renewLease(input: LeaseInput): Promise<LeaseRecord | undefined>;
  releaseLease(input: { name: string; holder: string }): Promise<boolean>;
  listLeases(options?: { prefix?: string }): Promise<LeaseRecord[]>;

  // AppProjects and ApplicationSets
  upsertArgoObject(
    input: UpsertArgoObjectInput,
  ): Promise<UpsertArgoObjectResult>;
  getArgoObject(key: ArgoObjectKey): Promise<ArgoObjectRecord | undefined>;
  listArgoObjects(options: ListArgoObjectsOptions): Promise<ArgoObjectRecord[]>;
  deleteArgoObject(key: ArgoObjectKey): Promise<boolean>;

  // ApplicationSet status and events (the ApplicationSet controller's)
  saveApplicationSetStatus(
    input: SaveApplicationSetStatusInput,
  ): Promise<ApplicationSetStatusRecord>;
  getApplicationSetStatus(
    key: ApplicationKey,
  ): Promise<ApplicationSetStatusRecord | undefined>;
  listApplicationSetStatuses(options?: {
    namespaces?: string[];
  }): Promise<ApplicationSetStatusRecord[]>;
  /** Deletes a set's status and events. */
  deleteApplicationSetState(key: ApplicationKey): Promise<boolean>;
  appendApplicationSetEvent(
    input: AppendApplicationSetEventInput,
  ): Promise<ApplicationSetEventRecord>;
  listApplicationSetEvents(
    options: ListApplicationSetEventsOptions,
  ): Promise<ApplicationSetEventRecord[]>;
}

/** {@link GitOpsStore} on the plugin's own knex database (SQLite or PostgreSQL). */
export class DatabaseGitOpsStore implements GitOpsStore {
  static async create(options: {
    database: DatabaseService;
    /** Skip migrations when the deployment runs them separately (`database.migrations.skip`). */
    skipMigrations?: boolean;
  }): Promise<DatabaseGitOpsStore> {
    const knex = await options.database.getClient();
    await useSqliteWriteAheadLog(knex);
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await applyDatabaseMigrations(knex);
    }
    await reindexApplications(knex);
    return new DatabaseGitOpsStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  countApplications() {
    return countApplications(this.knex);
  }

  upsertApplication(input: UpsertApplicationInput) {
    return upsertApplication(this.knex, input);
  }

  getApplication(key: ApplicationKey) {
    return getApplication(this.knex, key);
  }

  listApplications(options?: ListApplicationsOptions) {
    return listApplications(this.knex, options);
  }

  deleteApplication(key: ApplicationKey) {
    return deleteApplication(this.knex, key);
  }

  saveApplicationStatus(input: SaveApplicationStatusInput) {
    return saveApplicationStatus(this.knex, input);
  }

  getApplicationStatus(key: ApplicationKey) {
    return getApplicationStatus(this.knex, key);
  }

  createOperation(input: CreateOperationInput) {
    return createOperation(this.knex, input);
  }

  getOperation(id: string) {
    return getOperation(this.knex, id);
  }

  getCurrentOperation(key: ApplicationKey) {
    return getCurrentOperation(this.knex, key);
  }

  getLatestOperation(key: ApplicationKey) {
    return getLatestOperation(this.knex, key);
  }

  claimOperation(input: { id: string; holder: string }) {
    return claimOperation(this.knex, input);
  }

  saveOperationState(input: SaveOperationStateInput) {
    return saveOperationState(this.knex, input);
  }

  finishOperation(input: FinishOperationInput) {
    return finishOperation(this.knex, input);
  }

  requestOperationTermination(key: ApplicationKey) {
    return requestOperationTermination(this.knex, key);
  }

  listUnfinishedOperations() {
    return listUnfinishedOperations(this.knex);
  }

  appendHistory(input: AppendHistoryInput) {
    return appendHistory(this.knex, input);
  }

  listHistory(key: ApplicationKey) {
    return listHistory(this.knex, key);
  }

  getHistoryEntry(input: ApplicationKey & { id: number }) {
    return getHistoryEntry(this.knex, input);
  }

  appendEvent(input: AppendEventInput) {
    return appendEvent(this.knex, input);
  }

  listEvents(options: ListEventsOptions) {
    return listEvents(this.knex, options);
  }

  pruneEvents(options: PruneEventsOptions) {
    return pruneEvents(this.knex, options);
  }

  tryAcquireLease(input: LeaseInput) {
    return tryAcquireLease(this.knex, input);
  }

  renewLease(input: LeaseInput) {
    return renewLease(this.knex, input);
  }

  releaseLease(input: { name: string; holder: string }) {
    return releaseLease(this.knex, input);
  }

  listLeases(options?: { prefix?: string }) {
    return listLeases(this.knex, options);
  }

  upsertArgoObject(input: UpsertArgoObjectInput) {
    return upsertArgoObject(this.knex, input);
  }

  getArgoObject(key: ArgoObjectKey) {
    return getArgoObject(this.knex, key);
  }

  listArgoObjects(options: ListArgoObjectsOptions) {
    return listArgoObjects(this.knex, options);
  }

  deleteArgoObject(key: ArgoObjectKey) {
    return deleteArgoObject(this.knex, key);
  }

  saveApplicationSetStatus(input: SaveApplicationSetStatusInput) {
    return saveApplicationSetStatus(this.knex, input);
  }

  getApplicationSetStatus(key: ApplicationKey) {
    return getApplicationSetStatus(this.knex, key);
  }

  listApplicationSetStatuses(options?: { namespaces?: string[] }) {
    return listApplicationSetStatuses(this.knex, options);
  }

  deleteApplicationSetState(key: ApplicationKey) {
    return deleteApplicationSetState(this.knex, key);
  }

  appendApplicationSetEvent(input: AppendApplicationSetEventInput) {
    return appendApplicationSetEvent(this.knex, input);
  }

  listApplicationSetEvents(options: ListApplicationSetEventsOptions) {
    return listApplicationSetEvents(this.knex, options);
  }
}
