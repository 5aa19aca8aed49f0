import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_files';
import * as m003 from './migrations/003_widget';
import * as m004 from './migrations/004_cluster';
import * as m005 from './migrations/005_console';
import * as m006 from './migrations/006_analytics';
import * as m007 from './migrations/007_log_facts';

/** Migrations are imported statically so that they ship inside any bundle and need no file system walk. */
export const migrations: Readonly<Record<string, Migration>> = {
  '001_initial': m001,
  '002_files': m002,
  '003_widget': m003,
  '004_cluster': m004,
  '005_console': m005,
  '006_analytics': m006,
  '007_log_facts': m007,
};

class StaticProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations);
  }
}

export interface MigrateResult {
  applied: string[];
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrateResult> {
  // Migrations are written against no particular schema type.
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: new StaticProvider(),
    migrationTableName: 'parley_migrations',
    migrationLockTableName: 'parley_migrations_lock',
    // Issues land migrations in parallel (003 and 004 were written side by side): each stands
    // alone, so a database that applied a later one first still takes the earlier one.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
