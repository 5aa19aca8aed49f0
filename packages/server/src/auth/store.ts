import type { Kysely, Selectable } from 'kysely';
import type { DB, SessionsTable } from '../db/schema';

export type SessionRow = Selectable<SessionsTable>;

export const sessionStore = {
  insert: (db: Kysely<DB>, row: SessionRow) => db.insertInto('sessions').values(row).execute(),
  byTokenHash: (db: Kysely<DB>, tokenHash: string) =>
    db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  touch: (db: Kysely<DB>, id: string, at: number, expiresAt: number) =>
    db
      .updateTable('sessions')
      .set({ last_seen_at: at, expires_at: expiresAt })
      .where('id', '=', id)
      .execute(),
  delete: (db: Kysely<DB>, id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
  /** An agent's sessions that have not expired, latest activity first. */
  liveForAgent: (db: Kysely<DB>, agentId: string, now: number) =>
    db
      .selectFrom('sessions')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .execute(),
  /** True when the session existed and was this agent's. */
  deleteOwn: async (db: Kysely<DB>, id: string, agentId: string): Promise<boolean> => {
    const r = await db
      .deleteFrom('sessions')
      .where('id', '=', id)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
  deleteForAgent: (db: Kysely<DB>, agentId: string) =>
    db.deleteFrom('sessions').where('agent_id', '=', agentId).execute(),
  /** Which of these sessions still exist, are unexpired, and belong to an active agent. */
  aliveIds: async (db: Kysely<DB>, ids: readonly string[], now: number): Promise<string[]> => {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('agents', 'agents.id', 'sessions.agent_id')
      .select('sessions.id')
      .where('sessions.id', 'in', ids)
      .where('sessions.expires_at', '>', now)
      .where('agents.active', '=', 1)
      .execute();
    return rows.map((r) => r.id);
  },
  extend: async (db: Kysely<DB>, ids: readonly string[], at: number, expiresAt: number): Promise<void> => {
    if (ids.length === 0) return;
    await db
      .updateTable('sessions')
      .set({ last_seen_at: at, expires_at: expiresAt })
      .where('id', 'in', ids)
      .execute();
  },
  deleteExpired: (db: Kysely<DB>, now: number) =>
    db.deleteFrom('sessions').where('expires_at', '<', now).execute(),
};
