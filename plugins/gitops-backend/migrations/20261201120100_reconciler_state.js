// @ts-check

/**
 * What the controller records about each Application: its last compared
 * status, its sync operations, its deployment history and its events; and the
 * leases that let several backend replicas share the work.
 *
 * Timestamps are written by the store as UTC ISO 8601 strings with
 * milliseconds: PostgreSQL keeps them as timestamptz, SQLite as that text,
 * which sorts and compares chronologically. JSON documents are text columns
 * on both.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('application_status', table => {
    table.comment(
      'Status of each Application from its last reconcile, without operationState and history (kept in their own tables)',
    );
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .string('sync_status', 32)
      .notNullable()
      .comment('status.sync.status: Synced, OutOfSync or Unknown');
    table
      .string('health_status', 32)
      .notNullable()
      .comment('status.health.status: Healthy, Progressing, Degraded, …');
    table
      .text('revision')
      .nullable()
      .comment(
        'status.sync.revision, or the revisions of a multi-source app joined by commas',
      );
    table.text('status').notNullable().comment('The status document as JSON');
    table.timestamp('reconciled_at', { useTz: true }).notNullable();
    table.primary(['namespace', 'name']);
    table.index(['sync_status'], 'application_status_sync_status_idx');
    table.index(['health_status'], 'application_status_health_status_idx');
  });

  await knex.schema.createTable('operations', table => {
    table.comment(
      'Sync operations, with their state saved after every step so another replica can resume them',
    );
    table.string('id', 36).primary().comment('UUID');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .text('operation')
      .notNullable()
      .comment(
        'The requested Argo CD operation as JSON (sync options, initiatedBy, retry)',
      );
    table
      .text('state')
      .notNullable()
      .comment(
        'State of the operation as JSON: operationState plus the task list of the sync engine',
      );
    table
      .string('phase', 32)
      .notNullable()
      .comment('Running, Succeeded, Failed or Error');
    table
      .string('holder', 253)
      .nullable()
      .comment('The replica running the operation; only it may save state');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .timestamp('terminate_requested_at', { useTz: true })
      .nullable()
      .comment('Set when a user asks to terminate the running operation');
    table
      .timestamp('finished_at', { useTz: true })
      .nullable()
      .comment('Null while the operation is unfinished');
    table.index(['namespace', 'name', 'created_at'], 'operations_app_idx');
  });
  // The database itself refuses a second unfinished operation for an app, so
  // two replicas (or a user and the automated sync) cannot both start one.
  await knex.raw(
    'CREATE UNIQUE INDEX operations_one_unfinished_per_app ON operations (namespace, name) WHERE finished_at IS NULL',
  );

  await knex.schema.createTable('history', table => {
    table.comment(
      'Deployment history of each Application (status.history), trimmed to spec.revisionHistoryLimit',
    );
    table.increments('id').comment('The history entry id rollbacks name');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.text('revision').nullable();
    table.text('revisions').nullable().comment('JSON array, multi-source apps');
    table.text('source').nullable().comment('JSON, single-source apps');
    table.text('sources').nullable().comment('JSON array, multi-source apps');
    table.timestamp('deployed_at', { useTz: true }).notNullable();
    table.timestamp('deploy_started_at', { useTz: true }).nullable();
    table
      .text('initiated_by')
      .notNullable()
      .comment('JSON: { username?, automated? }');
    table.string('phase', 32).nullable().comment('Result of the sync');
    table
      .text('resources')
      .nullable()
      .comment('JSON array summarizing the synced resources');
    table.index(['namespace', 'name', 'id'], 'history_app_idx');
  });

  await knex.schema.createTable('events', table => {
    table.comment('Events of each Application, newest read first');
    table.bigIncrements('id');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('type', 16).notNullable().comment('Normal or Warning');
    table.string('reason', 128).notNullable();
    table.text('message').notNullable();
    table.text('actor').nullable().comment('Who caused it, when a user did');
    table.index(['namespace', 'name', 'id'], 'events_app_idx');
    table.index(['created_at'], 'events_created_at_idx');
  });

  await knex.schema.createTable('leases', table => {
    table.comment(
      'Time-limited locks replicas take before working on an app (app:<ns>/<name>) or a shard',
    );
    table.string('name', 512).primary();
    table.string('holder', 253).notNullable();
    table.timestamp('acquired_at', { useTz: true }).notNullable();
    table.timestamp('renewed_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('leases');
  await knex.schema.dropTable('events');
  await knex.schema.dropTable('history');
  await knex.schema.dropTable('operations');
  await knex.schema.dropTable('application_status');
};
