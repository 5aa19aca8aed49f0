import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type Dialect as KyselyDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import type { Dialect } from './dialect';

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

import { GroupCommitter, type Durability } from './groupCommit';
import { DurableSqliteDialect, WalSyncer, withDeferredSync } from './durableSqlite';
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer';

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
  let closeExtra = (): Promise<void> => Promise.resolve();
  let durability: Durability | undefined;
  let beforeClose = (): Promise<void> => Promise.resolve();
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
    // An acknowledged write survives power loss, not only a process crash: every commit is followed
    // by an fdatasync of the WAL before it counts as done — on the thread pool instead of inside
    // COMMIT (synchronous=FULL would block the event loop for each fsync). See durableSqlite.ts.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const syncer = new WalSyncer(file === ':memory:' ? null : `${path.resolve(file)}-wal`);
    dialect = new DurableSqliteDialect({ database: withStatementCache(sqlite) }, syncer);
    durability = {
      defer: withDeferredSync,
      sync: () => syncer.sync(),
      whenDurable: () => syncer.whenDurable(),
    };
    if (file === ':memory:') {
      closeExtra = () => syncer.close();
    } else {
      sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      const checkpointer = new Checkpointer(path.resolve(file), (message) =>
        process.emitWarning(`SQLite checkpoint failed: ${message}`),
      );
      beforeClose = () => checkpointer.close();
      closeExtra = () => syncer.close();
    }
  }
  const db = new Kysely<DB>({ dialect });
  // SQLite has one connection: one batch at a time. PostgreSQL commits several batches in parallel.
  const commits = new GroupCommitter(db, {
    // PostgreSQL: each job is a subtransaction, and past 64 of them in one transaction every other
    // session's snapshots get slow (subxid cache overflow); more batches run in parallel instead.
    maxBatch: isPg ? 60 : 200,
    concurrency: isPg ? 4 : 1,
    maxAttempts: 3,
    ...(durability && { durability }),
  });
  return {
    db,
    commits,
    dialect: isPg ? 'postgres' : 'sqlite',
    async ping() {
      await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    },
    async close() {
      await commits.idle();
      await beforeClose();
      await db.destroy();
      await closeExtra();
    },
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3's prepare parses and plans the SQL each time
 * (a sixth of a send's CPU in profiles). The hot path issues the same few statements over and
 * over, so prepared statements are kept by SQL text (one connection: never used concurrently).
 */
function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value ?? '');
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
