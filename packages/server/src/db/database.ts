import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Dialect as KyselyDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import type { Dialect } from './dialect';

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

import { GroupCommitter } from './groupCommit';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  commits: GroupCommitter;
  /** Cheap round trip used by /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path, or `:memory:`. */
  url: string;
  poolSize?: number;
}

export function openDatabase(opts: DatabaseOptions): Database {
  const isPg = /^postgres(ql)?:\/\//.test(opts.url);
  let dialect: KyselyDialect;
  let closeExtra = (): void => undefined;
  if (isPg) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // A dropped idle client must not crash the process; the next query gets a fresh one.
    pool.on('error', () => undefined);
    dialect = new PostgresDialect({ pool });
  } else {
    const file = opts.url.replace(/^sqlite:(\/\/)?/, '');
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: an acknowledged message survives power loss, not only a process crash.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    dialect = new SqliteDialect({ database: sqlite });
    closeExtra = () => undefined;
  }
  const db = new Kysely<DB>({ dialect });
  // SQLite has one connection: one batch at a time. PostgreSQL commits several batches in parallel.
  const commits = new GroupCommitter(db, { maxBatch: 200, concurrency: isPg ? 4 : 1, maxAttempts: 3 });
  return {
    db,
    commits,
    dialect: isPg ? 'postgres' : 'sqlite',
    async ping() {
      await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    },
    async close() {
      await db.destroy();
      closeExtra();
    },
  };
}
