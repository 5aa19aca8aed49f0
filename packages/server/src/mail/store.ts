import type { Kysely, Selectable } from 'kysely';
import type { DB, MailLogTable } from '../db/schema';

export type MailLogRow = Selectable<MailLogTable>;

export const mailStore = {
  /** Returns the new row's id. */
  insert: async (db: Kysely<DB>, row: Omit<MailLogRow, 'id'>): Promise<number> =>
    (await db.insertInto('mail_log').values(row).returning('id').executeTakeFirstOrThrow()).id,
  finish: (db: Kysely<DB>, id: number, status: 'sent' | 'failed', error: string | null) =>
    db.updateTable('mail_log').set({ status, error }).where('id', '=', id).execute(),
  remove: (db: Kysely<DB>, id: number) => db.deleteFrom('mail_log').where('id', '=', id).execute(),
  /** Mails (any status) since `since`, for one visitor or one site. */
  countSince: async (
    db: Kysely<DB>,
    by: { visitorId: string } | { siteId: string },
    since: number,
  ): Promise<number> => {
    let q = db
      .selectFrom('mail_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('at', '>=', since);
    q = 'visitorId' in by ? q.where('visitor_id', '=', by.visitorId) : q.where('site_id', '=', by.siteId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  },
};
