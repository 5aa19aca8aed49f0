import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../db/schema';
import type { Clock } from '../shared/clock';
import { jobStore } from './store';

/**
 * Background work that must happen once across the cluster, not once per node. Registering one is
 * a line in jobs/builtin.ts:
 *
 *   { name: 'files.cleanup', everyMs: HOUR, run: () => deleteUnattachedFiles(ctx, storage) }
 *
 * `run` may take long; it gets an AbortSignal that fires when the node shuts down or loses the lease.
 */
export interface JobDefinition {
  /** Stable and unique: the key of the job's lease row. */
  name: string;
  /** From the start of one run to the next, anywhere in the cluster. */
  everyMs: number;
  /** Returns a short summary for the log (e.g. how many rows it removed), or nothing. */
  run(signal: AbortSignal): Promise<Record<string, unknown> | undefined>;
}

export interface JobRunnerOptions {
  nodeId: string;
  clock: Clock;
  log: Logger;
  /** How often this node looks for due jobs. */
  tickMs: number;
  /** A lease not renewed for this long lapses (its node died): another node may take the job. */
  leaseMs?: number;
  /** Replaces every job's `everyMs` (tests, drills). */
  everyMs?: number | undefined;
  onRun?: (job: string, outcome: 'ok' | 'failed') => void;
}

/**
 * Every node runs one. Each tick it asks the database which jobs are due and free, and claims
 * each with a conditional UPDATE: exactly one node wins. While a job runs its lease is renewed;
 * at the end the row records the next time it is due, the outcome and the run count. A node that
 * dies mid-run stops renewing; after `leaseMs` another node runs the job again (at-least-once,
 * so jobs are written to be idempotent: deleting what is expired is).
 */
export class JobRunner {
  readonly #jobs = new Map<string, JobDefinition>();
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  readonly #leaseMs: number;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly opts: JobRunnerOptions,
  ) {
    this.#leaseMs = opts.leaseMs ?? 60_000;
  }

  register(job: JobDefinition): this {
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    this.#jobs.set(job.name, job);
    return this;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  get names(): string[] {
    return [...this.#jobs.keys()];
  }

  async start(): Promise<void> {
    const now = this.opts.clock.now();
    for (const name of this.#jobs.keys()) await jobStore.ensure(this.db, name, now);
    this.#timer = setInterval(() => {
      this.#ticking ??= this.tick().finally(() => (this.#ticking = null));
    }, this.opts.tickMs);
    this.#timer.unref();
  }

  /** Looks for due jobs once and starts those this node wins (exposed for tests). */
  async tick(): Promise<void> {
    if (this.#stopped) return;
    const now = this.opts.clock.now();
    let due: { name: string }[];
    try {
      due = await jobStore.due(this.db, this.names, now);
    } catch (err) {
      this.opts.log.warn({ err }, 'could not look for due jobs');
      return;
    }
    for (const { name } of due) {
      const job = this.#jobs.get(name);
      if (!job || this.#running.has(name) || this.stopped) continue;
      const won = await jobStore
        .claim(this.db, { name, holder: this.opts.nodeId, now, leaseMs: this.#leaseMs, due: true })
        .catch(() => false);
      if (won) this.#launch(job, now);
    }
  }

  /**
   * Runs `fn` while holding the lease `name`, waiting for it if another node holds it: a
   * cluster-wide mutex (first-run bootstrap uses it so two nodes starting together create one owner).
   */
  async exclusive<T>(name: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
    // Short, so that a node killed while holding it delays the others by seconds, not a minute.
    const leaseMs = 15_000;
    await jobStore.ensure(this.db, name, 0);
    const give = this.opts.clock.now() + waitMs;
    while (
      !(await jobStore.claim(this.db, {
        name,
        holder: this.opts.nodeId,
        now: this.opts.clock.now(),
        leaseMs,
        due: false,
      }))
    ) {
      if (this.opts.clock.now() > give) throw new Error(`lease ${name} still held after ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await fn();
    } finally {
      await jobStore.release(this.db, name, this.opts.nodeId);
    }
  }

  /** Stops looking for work, aborts running jobs and waits for them (their leases are handed back). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#ticking;
    for (const r of this.#running.values()) r.abort.abort(new Error('node shutting down'));
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
  }

  #launch(job: JobDefinition, startedAt: number): void {
    const abort = new AbortController();
    const holder = this.opts.nodeId;
    const renew = setInterval(
      () => {
        void jobStore
          .renew(this.db, job.name, holder, this.opts.clock.now() + this.#leaseMs)
          .then((held) => {
            if (!held) abort.abort(new Error('lease lost'));
          })
          .catch(() => undefined);
      },
      Math.floor(this.#leaseMs / 3),
    );
    renew.unref();
    const done = (async () => {
      let error: string | null = null;
      let summary: Record<string, unknown> | undefined;
      try {
        summary = await job.run(abort.signal);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        this.opts.log.error({ err, job: job.name }, 'job failed');
      } finally {
        clearInterval(renew);
      }
      const now = this.opts.clock.now();
      const every = this.opts.everyMs ?? job.everyMs;
      if (abort.signal.aborted && error === null) error = 'aborted';
      try {
        const kept = await jobStore.finish(this.db, {
          name: job.name,
          holder,
          now,
          // An aborted run is due again at once (on another node if this one is leaving).
          nextRunAt: abort.signal.aborted ? now : startedAt + every,
          error,
        });
        if (!kept) this.opts.log.warn({ job: job.name }, 'job lease was lost while it ran');
      } catch (err) {
        this.opts.log.warn(
          { err, job: job.name },
          'could not record the end of a job (its lease will lapse)',
        );
      }
      this.opts.onRun?.(job.name, error === null ? 'ok' : 'failed');
      if (error === null) this.opts.log.info({ job: job.name, ms: now - startedAt, ...summary }, 'job done');
    })().finally(() => this.#running.delete(job.name));
    this.#running.set(job.name, { abort, done });
  }
}
