import { Migrator, type Kysely, type Migration } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../src/db/database';
import { scratchDatabase, type ScratchDatabase } from './scratchDatabase';
import { migrations } from '../src/db/migrate';

/** Which engine this run of the suite uses: `PARLEY_TEST_DB=postgres npm run test:unit` runs it on PostgreSQL. */
export const TEST_DB = process.env.PARLEY_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const PG_ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDatabase = ScratchDatabase;

/** A database of its own for one test server (see scratchDatabase.ts). */
export function createTestDatabase(): Promise<TestDatabase> {
  return scratchDatabase(TEST_DB, PG_ADMIN_URL, 'parley_t');
}

/**
 * Bring a database to an older release: only the named migrations (upgrade tests then write data
 * as that release did, and migrate to the latest).
 */
async function migrateOnly(db: Kysely<unknown>, names: readonly string[]): Promise<void> {
  const chosen = Object.fromEntries(names.map((n) => [n, migrations[n] as Migration]));
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(chosen) },
    migrationTableName: 'parley_migrations',
    migrationLockTableName: 'parley_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
}

/** The site row every upgrade test starts from (id `s`), as the first migrations define sites. */
export const OLD_SITE = {
  id: 's',
  key: 'k',
  name: 'Old',
  allowed_origins: '[]',
  settings: '{}',
  identity_secret: 'x',
  created_at: 1,
};

/** An agent row (id `a`, role agent) as the first migrations define agents. */
export const OLD_AGENT = {
  id: 'a',
  email: 'a@x',
  name: 'Ann',
  password_hash: 'x',
  role: 'agent',
  created_at: 1,
  updated_at: 1,
};

/**
 * An upgrade test's database: its own, with the schema of an older release (the named migrations
 * only), opened before the file's tests and dropped after them. `old` is the same database
 * untyped, to write rows as that release did; `database` then migrates it to the latest.
 */
export function useOldDatabase(migrationNames: readonly string[]) {
  let testDb: TestDatabase | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = openDatabase({ url: testDb.url });
    await migrateOnly(database.db as Kysely<unknown>, migrationNames);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });
  const current = (): Database => {
    if (database === undefined) throw new Error('the database exists only while the file runs its tests');
    return database;
  };
  return {
    get database(): Database {
      return current();
    },
    get old(): Kysely<Record<string, Record<string, unknown>>> {
      return current().db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    },
  };
}
