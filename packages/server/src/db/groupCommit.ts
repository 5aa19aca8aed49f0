import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { DB } from './schema';
import { isUniqueViolation } from './dialect';

type Work<T> = (trx: Kysely<DB>) => Promise<T>;

interface Job {
  work: Work<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  attempts: number;
}

/**
 * SQLite (durableSqlite.ts): commits are written without waiting for their fsync (`defer`); a batch
 * is settled when a sync that started after its COMMIT has finished (`sync`).
 */
export interface Durability {
  defer<T>(fn: () => Promise<T>): Promise<T>;
  sync(): Promise<void>;
  whenDurable(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Most jobs in one transaction. */
  maxBatch: number;
  /** Transactions in flight at once: 1 for SQLite (one connection), a few for PostgreSQL. */
  concurrency: number;
  /** Attempts for a job that lost a unique-key race (it finds the winner's row next time). */
  maxAttempts: number;
  durability?: Durability;
}

/**
 * Group commit: writes that arrive while a transaction is committing wait, then share the next
 * transaction, so one fsync covers many of them. Each job runs inside its own savepoint — a job
 * that fails is rolled back alone and the others still commit — and its promise settles only
 * after the shared COMMIT, so nothing is acknowledged before it is durable.
 *
 * A batch whose COMMIT fails (a deadlock between two PostgreSQL batches, a lost connection) is
 * replayed job by job in transactions of their own.
 */
export class GroupCommitter {
  private readonly queue: Job[] = [];
  private inFlight = 0;
  /** Batches committed and waiting for their sync (SQLite): settled in order. */
  private readonly syncing = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly opts: GroupCommitOptions,
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve, reject, attempts: 0 });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Resolves when nothing is queued, running or waiting for its sync (close). */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.syncing.size > 0) {
      await Promise.allSettled([...this.syncing]);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Resolves when everything committed so far is on disk (readers that must not see less). */
  whenDurable(): Promise<void> {
    return this.opts.durability?.whenDurable() ?? Promise.resolve();
  }

  private transaction<T>(work: Work<T>): Promise<T> {
    const run = () => this.db.transaction().execute(work);
    return this.opts.durability ? this.opts.durability.defer(run) : run();
  }

  /**
   * Settles jobs once their commit is durable. Without deferred durability the commit already was;
   * with it, the next batch starts at once and this waits for the sync in the background.
   */
  private settle(settle: (syncError?: unknown) => void): void {
    const d = this.opts.durability;
    if (!d) return settle();
    // A failed fsync fails the batch's sends: their clients resend, and the idempotency key
    // returns the stored row if it did reach the disk.
    const p = d.sync().then(
      () => settle(),
      (error: unknown) => settle(error),
    );
    this.syncing.add(p);
    void p.finally(() => this.syncing.delete(p));
  }

  private async flush(batch: Job[]): Promise<void> {
    const [first] = batch;
    if (batch.length === 1 && first) return this.runAlone(first);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.transaction(async (trx) => {
        // Round trips matter on PostgreSQL: the previous job's savepoint is released and the next
        // one taken in one simple-protocol query, and COMMIT releases the last one.
        const multi = this.db.getExecutor().adapter instanceof PostgresAdapter;
        let open = false;
        for (const job of batch) {
          if (open && multi) await sql.raw('release savepoint parley_job; savepoint parley_job').execute(trx);
          else {
            if (open) await sql`release savepoint parley_job`.execute(trx);
            await sql`savepoint parley_job`.execute(trx);
          }
          open = true;
          try {
            outcomes.push({ ok: true, value: await job.work(trx) });
          } catch (error) {
            // The savepoint stays established after a rollback to it; it is released with the next.
            await sql`rollback to savepoint parley_job`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch {
      // Nothing of this batch was committed: give every job a transaction of its own.
      await Promise.all(batch.map((job) => this.runAlone(job)));
      return;
    }
    this.settle((syncError?: unknown) => {
      batch.forEach((job, i) => {
        const o = outcomes[i];
        if (!o) return;
        if (o.ok && syncError === undefined) job.resolve(o.value);
        else if (o.ok) job.reject(syncError);
        else this.failed(job, o.error);
      });
    });
  }

  private async runAlone(job: Job): Promise<void> {
    let value: unknown;
    try {
      value = await this.transaction(job.work);
    } catch (error) {
      this.failed(job, error);
      return;
    }
    this.settle((syncError?: unknown) => {
      if (syncError === undefined) job.resolve(value);
      else job.reject(syncError);
    });
  }

  private failed(job: Job, error: unknown): void {
    job.attempts++;
    if (isUniqueViolation(error) && job.attempts < this.opts.maxAttempts) {
      this.queue.push(job);
      this.pump();
    } else {
      job.reject(error);
    }
  }
}
