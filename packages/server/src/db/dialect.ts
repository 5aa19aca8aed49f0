import { SqliteAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<unknown>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

/** An integer surrogate key: SQLite's rowid alias, or a PostgreSQL identity column. */
export function autoIncrementId(db: Kysely<unknown>) {
  const sqlite = dialectOf(db) === 'sqlite';
  return (c: ColumnDefinitionBuilder) =>
    sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity();
}

/** True for a unique/primary-key violation in either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
