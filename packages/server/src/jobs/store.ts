import type { Kysely, Selectable } from 'kysely';
import type { DB, JobLeasesTable } from '../db/schema';

export type JobLeaseRow = Selectable<JobLeasesTable>;

/**
 * Leases are claimed with one conditional UPDATE: in PostgreSQL the row lock makes a second
 * claimer re-check the condition after the first committed (and fail it); SQLite has one writer.
 */
export const jobStore = {
  ensure: (db: Kysely<DB>, name: string, firstRunAt: number) =>
    db
      .insertInto('job_leases')
      .values({ name, next_run_at: firstRunAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute(),

  due: (db: Kysely<DB>, names: readonly string[], now: number) =>
    names.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('job_leases')
          .select('name')
          .where('name', 'in', names)
          .where('next_run_at', '<=', now)
          .where((eb) => eb.or([eb('holder', 'is', null), eb('lease_until', '<', now)]))
          .execute(),

  /** True when this node now holds the lease. `due` false: a mutex (no schedule, see runner.exclusive). */
  claim: async (
    db: Kysely<DB>,
    m: { name: string; holder: string; now: number; leaseMs: number; due: boolean },
  ): Promise<boolean> => {
    let q = db
      .updateTable('job_leases')
      .set({ holder: m.holder, lease_until: m.now + m.leaseMs, last_started_at: m.now })
      .where('name', '=', m.name)
      .where((eb) => eb.or([eb('holder', 'is', null), eb('lease_until', '<', m.now)]));
    if (m.due) q = q.where('next_run_at', '<=', m.now);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** False when the lease was lost (it lapsed and another node took it). */
  renew: async (db: Kysely<DB>, name: string, holder: string, until: number): Promise<boolean> => {
    const r = await db
      .updateTable('job_leases')
      .set({ lease_until: until })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  finish: async (
    db: Kysely<DB>,
    m: { name: string; holder: string; now: number; nextRunAt: number; error: string | null },
  ): Promise<boolean> => {
    const r = await db
      .updateTable('job_leases')
      .set((eb) => ({
        holder: null,
        lease_until: 0,
        next_run_at: m.nextRunAt,
        last_finished_at: m.now,
        last_error: m.error,
        runs: eb('runs', '+', 1),
      }))
      .where('name', '=', m.name)
      .where('holder', '=', m.holder)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  release: (db: Kysely<DB>, name: string, holder: string) =>
    db
      .updateTable('job_leases')
      .set({ holder: null, lease_until: 0 })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute(),

  byName: (db: Kysely<DB>, name: string) =>
    db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirst(),
};
