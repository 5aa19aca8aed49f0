import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../db/schema';

/**
 * A connection of analytics' own that can only read: a read-only SQLite handle beside the
 * server's writer (WAL lets it read while the writer commits, and it never holds the write lock),
 * or a small PostgreSQL pool whose transactions are read-only and time-limited. Opened inside the
 * analytics worker (analytics/worker.ts) and by the benchmark.
 */
export function openReadConnection(url: string): Kysely<DB> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
    const pool = new pg.Pool({
      connectionString: url,
      max: 2,
      options: '-c default_transaction_read_only=on -c statement_timeout=60000',
    });
    pool.on('error', () => undefined);
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}
