import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';
import { isUniqueViolation } from './dialect';

type Work<T> = (trx: Kysely<DB>) => Promise<T>;

interface Job {
  work: Work<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  attempts: number;
}

export interface GroupCommitOptions {
  /** Most jobs in one transaction. */
  maxBatch: number;
  /** Transactions in flight at once: 1 for SQLite (one connection), a few for PostgreSQL. */
  concurrency: number;
  /** Attempts for a job that lost a unique-key race (it finds the winner's row next time). */
  maxAttempts: number;
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

  private async flush(batch: Job[]): Promise<void> {
    const [first] = batch;
    if (batch.length === 1 && first) return this.runAlone(first);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const job of batch) {
          await sql`savepoint parley_job`.execute(trx);
          try {
            const value = await job.work(trx);
            await sql`release savepoint parley_job`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to savepoint parley_job`.execute(trx);
            await sql`release savepoint parley_job`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch {
      // Nothing of this batch was committed: give every job a transaction of its own.
      await Promise.all(batch.map((job) => this.runAlone(job)));
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i];
      if (!o) return;
      if (o.ok) job.resolve(o.value);
      else this.failed(job, o.error);
    });
  }

  private async runAlone(job: Job): Promise<void> {
    try {
      job.resolve(await this.db.transaction().execute(job.work));
    } catch (error) {
      this.failed(job, error);
    }
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
