import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { applyDatabaseMigrations } from './migrations';
import { countApplications } from './operations/applications/countApplications';

/** The plugin's persistent state. Grows one operation at a time (see operations/). */
export interface GitOpsStore {
  countApplications(): Promise<number>;
}

/** {@link GitOpsStore} on the plugin's own knex database (SQLite or PostgreSQL). */
export class DatabaseGitOpsStore implements GitOpsStore {
  static async create(options: {
    database: DatabaseService;
    /** Skip migrations when the deployment runs them separately (`database.migrations.skip`). */
    skipMigrations?: boolean;
  }): Promise<DatabaseGitOpsStore> {
    const knex = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await applyDatabaseMigrations(knex);
    }
    return new DatabaseGitOpsStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  countApplications(): Promise<number> {
    return countApplications(this.knex);
  }
}
