/**
 * Rows as the database holds them (see migrations/). Timestamps come back as
 * Date from PostgreSQL and as ISO text from SQLite; JSON columns are text.
 */
type StoredTimestamp = Date | string;

/** A row of `applications`. */
export interface ApplicationRow {
  namespace: string;
  name: string;
  project: string;
  /** The Application object as JSON. */
  manifest: string;
  /** 'config', 'api', 'applicationset:<ns>/<name>' or 'app:<ns>/<name>'. */
  origin: string;
  spec_generation: number;
  /** Which derivation filled the index columns (applicationIndex.ts). */
  index_version: number;
  dest_server: string | null;
  dest_name: string | null;
  dest_namespace: string | null;
  created_at: StoredTimestamp;
  updated_at: StoredTimestamp;
}

/** A row of `application_labels`: one label of one Application. */
export interface ApplicationLabelRow {
  namespace: string;
  name: string;
  key: string;
  value: string;
}

/** A row of `application_sources`: one source of one Application. */
export interface ApplicationSourceRow {
  namespace: string;
  name: string;
  position: number;
  repo_url: string;
  repo_url_key: string;
  target_revision: string | null;
}

/** A row of `application_status`. */
export interface ApplicationStatusRow {
  namespace: string;
  name: string;
  sync_status: string;
  health_status: string;
  revision: string | null;
  /** The status document as JSON. */
  status: string;
  reconciled_at: StoredTimestamp;
}

/** A row of `operations`. */
export interface OperationRow {
  id: string;
  namespace: string;
  name: string;
  operation: string;
  state: string;
  phase: string;
  holder: string | null;
  created_at: StoredTimestamp;
  started_at: StoredTimestamp | null;
  updated_at: StoredTimestamp;
  terminate_requested_at: StoredTimestamp | null;
  finished_at: StoredTimestamp | null;
}

/** A row of `history`. */
export interface HistoryRow {
  id: number;
  namespace: string;
  name: string;
  revision: string | null;
  revisions: string | null;
  source: string | null;
  sources: string | null;
  deployed_at: StoredTimestamp;
  deploy_started_at: StoredTimestamp | null;
  initiated_by: string;
  phase: string | null;
  resources: string | null;
}

/** A row of `events`. */
export interface EventRow {
  /** bigint: pg returns it as a string. */
  id: number | string;
  namespace: string;
  name: string;
  created_at: StoredTimestamp;
  type: string;
  reason: string;
  message: string;
  actor: string | null;
}

/** A row of `leases`. */
export interface LeaseRow {
  name: string;
  holder: string;
  acquired_at: StoredTimestamp;
  renewed_at: StoredTimestamp;
  expires_at: StoredTimestamp;
}

/** A row of `app_projects` or `application_sets`. */
export interface ArgoObjectRow {
  namespace: string;
  name: string;
  /** The object as JSON. */
  manifest: string;
  /** 'config:<index>', 'api' or 'app:<ns>/<name>'. */
  origin: string;
  generation: number;
  created_at: StoredTimestamp;
  updated_at: StoredTimestamp;
}

/** A row of `application_set_status`. */
export interface ApplicationSetStatusRow {
  namespace: string;
  name: string;
  /** The status document as JSON. */
  status: string;
  /** The applicationsSync policy the last reconcile applied. */
  applications_sync: string;
  reconciled_at: StoredTimestamp;
}

/** A row of `application_set_events`. */
export interface ApplicationSetEventRow {
  /** bigint: pg returns it as a string. */
  id: number | string;
  namespace: string;
  name: string;
  created_at: StoredTimestamp;
  type: string;
  reason: string;
  message: string;
}
