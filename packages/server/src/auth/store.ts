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
  deleteForAgent: (db: Kysely<DB>, agentId: string) =>
    db.deleteFrom('sessions').where('agent_id', '=', agentId).execute(),
  deleteExpired: (db: Kysely<DB>, now: number) =>
    db.deleteFrom('sessions').where('expires_at', '<', now).execute(),
};
