// @ts-check

/**
 * What the controller and the list API need to know about an Application
 * without parsing its manifest: who owns it, its spec generation, and the
 * fields lists filter on (destination, labels, source repositories), kept in
 * columns and side tables the database can index. All of it is derived from
 * the manifest by the store (src/database/operations/applications/
 * applicationIndex.ts); `index_version` says which derivation wrote a row, so
 * the store re-derives rows written before (including the ones that existed
 * when this migration ran) at startup.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('applications', table => {
    table
      .string('origin', 512)
      .notNullable()
      .defaultTo('api')
      .comment(
        'Who manages the app: config, api, applicationset:<ns>/<name> or app:<ns>/<name> (app of apps)',
      );
    table
      .integer('spec_generation')
      .notNullable()
      .defaultTo(1)
      .comment('Starts at 1, bumped whenever the manifest spec changes');
    table
      .integer('index_version')
      .notNullable()
      .defaultTo(0)
      .comment('Version of the derivation that filled the columns below');
    table
      .text('dest_server')
      .nullable()
      .comment('spec.destination.server as written');
    table
      .text('dest_name')
      .nullable()
      .comment('spec.destination.name as written');
    table
      .text('dest_namespace')
      .nullable()
      .comment('spec.destination.namespace');
    table.index(['origin'], 'applications_origin_idx');
    table.index(['dest_server'], 'applications_dest_server_idx');
    table.index(['dest_name'], 'applications_dest_name_idx');
    table.index(['dest_namespace'], 'applications_dest_namespace_idx');
  });

  await knex.schema.createTable('application_labels', table => {
    table.comment('metadata.labels of each Application, for label selectors');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.text('key').notNullable();
    table.text('value').notNullable();
    table.primary(['namespace', 'name', 'key']);
    table.index(['key', 'value'], 'application_labels_key_value_idx');
  });

  await knex.schema.createTable('application_sources', table => {
    table.comment(
      'Source repositories of each Application, for repo filters and push webhooks',
    );
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .integer('position')
      .notNullable()
      .comment('Index in spec.sources; 0 for spec.source');
    table.text('repo_url').notNullable().comment('repoURL as written');
    table
      .text('repo_url_key')
      .notNullable()
      .comment('repoURL normalized as Argo CD compares repositories');
    table.text('target_revision').nullable();
    table.primary(['namespace', 'name', 'position']);
    table.index(['repo_url_key'], 'application_sources_repo_url_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('application_sources');
  await knex.schema.dropTable('application_labels');
  await knex.schema.alterTable('applications', table => {
    table.dropIndex(['origin'], 'applications_origin_idx');
    table.dropIndex(['dest_server'], 'applications_dest_server_idx');
    table.dropIndex(['dest_name'], 'applications_dest_name_idx');
    table.dropIndex(['dest_namespace'], 'applications_dest_namespace_idx');
  });
  await knex.schema.alterTable('applications', table => {
    table.dropColumns(
      'origin',
      'spec_generation',
      'index_version',
      'dest_server',
      'dest_name',
      'dest_namespace',
    );
  });
};
