// @ts-check

/**
 * Applications Driftless manages. The whole Argo CD Application manifest is
 * kept as JSON, so fields Driftless does not index still round-trip unchanged.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('applications', table => {
    table.comment('Argo CD-format Application objects managed by Driftless');
    table
      .string('namespace', 253)
      .notNullable()
      .comment('metadata.namespace of the Application (apps in any namespace)');
    table.string('name', 253).notNullable().comment('metadata.name');
    table
      .string('project', 253)
      .notNullable()
      .defaultTo('default')
      .comment('spec.project, indexed for per-project listing and RBAC');
    table
      .text('manifest')
      .notNullable()
      .comment('The full Application object as JSON');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['namespace', 'name']);
    table.index(['project'], 'applications_project_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('applications');
};
