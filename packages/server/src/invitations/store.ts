import type { Kysely, Selectable } from 'kysely';
import type { DB, InvitationsTable } from '../db/schema';

export type InvitationRow = Selectable<InvitationsTable>;
export type InvitationWithInviter = InvitationRow & { inviter_name: string | null };

export const invitationStore = {
  insert: (db: Kysely<DB>, row: InvitationRow) => db.insertInto('invitations').values(row).execute(),

  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst(),

  byTokenHash: (db: Kysely<DB>, hash: string) =>
    db
      .selectFrom('invitations as i')
      .leftJoin('agents as a', 'a.id', 'i.invited_by')
      .selectAll('i')
      .select('a.name as inviter_name')
      .where('i.token_hash', '=', hash)
      .executeTakeFirst(),

  /** Pending ones first (newest first), then the last 100 others. */
  recent: (db: Kysely<DB>, now: number) =>
    db
      .selectFrom('invitations as i')
      .leftJoin('agents as a', 'a.id', 'i.invited_by')
      .selectAll('i')
      .select('a.name as inviter_name')
      .orderBy((eb) =>
        eb
          .case()
          .when(
            eb.and([
              eb('i.accepted_at', 'is', null),
              eb('i.revoked_at', 'is', null),
              eb('i.expires_at', '>', now),
            ]),
          )
          .then(0)
          .else(1)
          .end(),
      )
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(100)
      .execute(),

  /** Revokes the pending invitations of an address (a new one replaces them); returns their ids. */
  revokePendingFor: async (db: Kysely<DB>, email: string, now: number): Promise<string[]> =>
    (
      await db
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('email', '=', email)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .execute()
    ).map((r) => r.id),

  /** True when this call changed it (it was pending). */
  revoke: async (db: Kysely<DB>, id: string, now: number): Promise<boolean> => {
    const r = await db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Uses it up: true for exactly one caller, and only while it is pending. */
  accept: async (db: Kysely<DB>, id: string, agentId: string, now: number): Promise<boolean> => {
    const r = await db
      .updateTable('invitations')
      .set({ accepted_at: now, agent_id: agentId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
};
