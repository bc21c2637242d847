// @ts-check

/**
 * What the ApplicationSet controller records about each ApplicationSet: its
 * last status (conditions, progressive sync state, generated Applications)
 * and its events. Kept apart from `application_sets`, which holds the
 * manifest as Git has it, so registering a set never touches its status and
 * a set and an Application of the same name never share events.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('application_set_status', table => {
    table.comment(
      'Status of each ApplicationSet from its last reconcile (Argo CD ApplicationSetStatus)',
    );
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.text('status').notNullable().comment('The status document as JSON');
    table
      .string('applications_sync', 32)
      .notNullable()
      .comment(
        'The applicationsSync policy that reconcile applied: what happens to the generated Applications once the set is gone',
      );
    table.timestamp('reconciled_at', { useTz: true }).notNullable();
    table.primary(['namespace', 'name']);
  });

  await knex.schema.createTable('application_set_events', table => {
    table.comment('Events of each ApplicationSet, newest read first');
    table.bigIncrements('id');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('type', 16).notNullable().comment('Normal or Warning');
    table.string('reason', 128).notNullable();
    table.text('message').notNullable();
    table.index(['namespace', 'name', 'id'], 'application_set_events_set_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('application_set_events');
  await knex.schema.dropTable('application_set_status');
};
