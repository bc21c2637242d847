// @ts-check

/**
 * AppProjects and ApplicationSets registered from Git: by the platform
 * repositories of `gitops.applications` (origin `config:<index>`) and by apps
 * of apps (origin `app:<ns>/<name>`). As for applications, the whole manifest
 * is kept as JSON so fields Driftless does not read yet round-trip unchanged.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const [table, kind] of [
    ['app_projects', 'AppProject'],
    ['application_sets', 'ApplicationSet'],
  ]) {
    await knex.schema.createTable(table, builder => {
      builder.comment(`Argo CD-format ${kind} objects registered in Driftless`);
      builder.string('namespace', 253).notNullable();
      builder.string('name', 253).notNullable();
      builder
        .text('manifest')
        .notNullable()
        .comment(`The full ${kind} object as JSON`);
      builder
        .string('origin', 512)
        .notNullable()
        .comment(
          'Who manages it: config:<index>, api, or app:<ns>/<name> (app of apps)',
        );
      builder
        .integer('generation')
        .notNullable()
        .defaultTo(1)
        .comment('Starts at 1, bumped whenever the manifest changes');
      builder.timestamp('created_at', { useTz: true }).notNullable();
      builder.timestamp('updated_at', { useTz: true }).notNullable();
      builder.primary(['namespace', 'name']);
      builder.index(['origin'], `${table}_origin_idx`);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('application_sets');
  await knex.schema.dropTable('app_projects');
};
