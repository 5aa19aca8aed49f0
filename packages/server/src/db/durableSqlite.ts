import { AsyncLocalStorage } from 'node:async_hooks';
import fsp from 'node:fs/promises';
import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Durable commits without blocking the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside every COMMIT, and better-sqlite3 runs on
 * the main thread: each fsync (0.3–10 ms on a shared disk) froze every socket of the node — the
 * limit the first benchmarks hit near 2,000 msg/s. Here the connection runs with
 * `synchronous=NORMAL` (COMMIT writes the WAL frames, no fsync; still safe from corruption) and
 * this module makes each commit durable itself: `fdatasync` of the WAL file on libuv's thread
 * pool, awaited before the commit counts as done. That is the same sync FULL performs, moved off
 * the event loop, and one sync covers every commit written before it started, so concurrent
 * commits share it.
 *
 * - Every transaction's commit, and every write outside a transaction, awaits a sync that started
 *   after it: callers keep "resolved = durable".
 * - The group committer (groupCommit.ts) defers the wait (`withDeferredSync`): it releases the
 *   connection, starts the next batch, and settles a batch's sends when the sync covering it ends.
 * - Readers that must not see what a power cut could still take back call `whenDurable()`.
 */
export class WalSyncer {
  #fd: fsp.FileHandle | null = null;
  #current: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  /** Commits written so far, and how many of them a finished sync covers. */
  #written = 0;
  #synced = 0;

  constructor(private readonly walPath: string | null) {}

  /** A commit (or autocommit write) has been written to the WAL. */
  noteWrite(): void {
    this.#written++;
  }

  /** Resolves when every write noted so far is on disk. */
  whenDurable(): Promise<void> {
    return this.#synced >= this.#written ? Promise.resolve() : this.sync();
  }

  /** A sync that starts now or after the one in flight (which may predate the caller's write). */
  sync(): Promise<void> {
    if (this.walPath === null) return Promise.resolve();
    if (this.#current === null) return (this.#current = this.#run());
    this.#queued ??= this.#current
      .catch(() => undefined)
      .then(() => {
        this.#queued = null;
        this.#current ??= this.#run();
        return this.#current;
      });
    return this.#queued;
  }

  async close(): Promise<void> {
    await this.#current?.catch(() => undefined);
    await this.#queued?.catch(() => undefined);
    await this.#fd?.close();
    this.#fd = null;
  }

  async #run(): Promise<void> {
    const covers = this.#written;
    try {
      this.#fd ??= await fsp.open(this.walPath ?? '', 'r+');
      await this.#fd.datasync();
      this.#synced = Math.max(this.#synced, covers);
    } catch (err) {
      // No WAL yet means nothing was written to it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#synced = Math.max(this.#synced, covers);
    } finally {
      this.#current = null;
    }
  }
}

const deferred = new AsyncLocalStorage<boolean>();

/** Commits inside `fn` do not wait for their sync: the caller awaits `WalSyncer.sync()` itself. */
export function withDeferredSync<T>(fn: () => Promise<T>): Promise<T> {
  return deferred.run(true, fn);
}

/** Kysely's SQLite dialect whose commits are made durable by a `WalSyncer`. */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly syncer: WalSyncer,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableDriver(super.createDriver(), this.syncer);
  }
}

class DurableConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly syncer: WalSyncer,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    if (!this.inTransaction && query.query.kind !== 'SelectQueryNode') {
      this.syncer.noteWrite();
      await this.syncer.sync();
    }
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function own(c: DatabaseConnection): DurableConnection {
  if (!(c instanceof DurableConnection)) throw new Error('a connection this driver did not hand out');
  return c;
}

class DurableDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly syncer: WalSyncer,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DurableConnection(await this.inner.acquireConnection(), this.syncer);
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const conn = own(c);
    await this.inner.beginTransaction(conn.inner, settings);
    conn.inTransaction = true;
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const conn = own(c);
    await this.inner.commitTransaction(conn.inner);
    conn.inTransaction = false;
    this.syncer.noteWrite();
    if (deferred.getStore() !== true) await this.syncer.sync();
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const conn = own(c);
    conn.inTransaction = false;
    await this.inner.rollbackTransaction(conn.inner);
  }

  async savepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.savepoint?.(own(c).inner, name, compile);
  }

  async rollbackToSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(own(c).inner, name, compile);
  }

  async releaseSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(own(c).inner, name, compile);
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(own(c).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
