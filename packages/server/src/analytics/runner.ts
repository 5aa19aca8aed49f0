import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { AnalyticsReport } from '@parley/protocol';
import type { DB } from '../db/schema';
import { AppError } from '../shared/errors';
import { runJob, type AnalyticsJob, type ReportParams } from './report';

/** Where reports are computed. */
export interface AnalyticsRunner {
  report(params: ReportParams, now: number): Promise<AnalyticsReport>;
  csv(job: Extract<AnalyticsJob, { kind: 'csv' }>): Promise<string>;
  close(): Promise<void>;
}

/** Reports beyond this many under way are refused (429): they queue on one read connection. */
const MAX_PENDING = 8;

/** In this thread, on the given connection (an in-memory SQLite database has no other). */
export function inProcessRunner(db: Kysely<DB>): AnalyticsRunner {
  return {
    report: async (params, now) => (await runJob(db, { kind: 'report', params, now })) as AnalyticsReport,
    csv: async (job) => (await runJob(db, job)) as string,
    close: () => Promise.resolve(),
  };
}

type Reply =
  { id: number; ok: true; result: AnalyticsReport | string } | { id: number; ok: false; message: string };

/**
 * A worker thread with its own read-only connection (analytics/readConnection.ts): SQL and the
 * computation over 100,000 conversations never run on the event loop that serves the sockets,
 * and never on the connection that commits messages. Started on first use; a crashed worker is
 * replaced by the next request.
 */
export class WorkerRunner implements AnalyticsRunner {
  #worker: Worker | null = null;
  #next = 1;
  readonly #pending = new Map<
    number,
    { resolve: (r: AnalyticsReport | string) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly databaseUrl: string) {}

  report(params: ReportParams, now: number): Promise<AnalyticsReport> {
    return this.#run({ kind: 'report', params, now }) as Promise<AnalyticsReport>;
  }

  csv(job: Extract<AnalyticsJob, { kind: 'csv' }>): Promise<string> {
    return this.#run(job) as Promise<string>;
  }

  #run(job: AnalyticsJob): Promise<AnalyticsReport | string> {
    if (this.#pending.size >= MAX_PENDING)
      return Promise.reject(new AppError('rate_limited', 'too many reports under way; retry shortly', 429));
    const worker = this.#ensure();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./workerEntry.mjs', import.meta.url), {
      workerData: { databaseUrl: this.databaseUrl },
      // A report allocates a few hundred thousand short-lived objects: a larger young generation
      // lets them die there instead of being copied and promoted (a third less GC time).
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    // An idle worker never keeps the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`analytics worker: ${reply.message}`));
    });
    const fail = (err: Error): void => {
      if (this.#worker === worker) this.#worker = null;
      for (const w of this.#pending.values()) w.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`analytics worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
  }
}

/** The runner for a database URL: a worker, except for an in-memory SQLite database. */
export function analyticsRunner(databaseUrl: string, db: Kysely<DB>): AnalyticsRunner {
  const memory = databaseUrl === ':memory:' || databaseUrl.endsWith(':memory:');
  return memory ? inProcessRunner(db) : new WorkerRunner(databaseUrl);
}
