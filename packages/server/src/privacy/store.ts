import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

const count = async (q: { executeTakeFirstOrThrow: () => Promise<{ n: number | string | bigint }> }) =>
  Number((await q.executeTakeFirstOrThrow()).n);

/** What retention and erasure read and delete. Deletes cascade through the foreign keys. */
export const privacyStore = {
  /** Closed conversations of a site closed before `before`, oldest first. */
  expiredConversations: (db: Kysely<DB>, siteId: string, before: number, limit: number) =>
    db
      .selectFrom('conversations')
      .select('id')
      .where('site_id', '=', siteId)
      .where('status', '=', 'closed')
      .where('closed_at', '<', before)
      .orderBy('closed_at')
      .limit(limit)
      .execute(),

  /** Files attached to messages of these conversations. */
  filesOfConversations: async (db: Kysely<DB>, conversationIds: readonly string[]): Promise<string[]> => {
    if (conversationIds.length === 0) return [];
    const rows = await db
      .selectFrom('files as f')
      .innerJoin('messages as m', 'm.id', 'f.message_id')
      .select('f.id')
      .where('m.conversation_id', 'in', conversationIds)
      .execute();
    return rows.map((r) => r.id);
  },

  /** Messages, read marks, tags and attachment rows go with them (cascades). */
  deleteConversations: async (db: Kysely<DB>, ids: readonly string[]): Promise<number> => {
    if (ids.length === 0) return 0;
    const r = await db.deleteFrom('conversations').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  /**
   * Everything a visitor left, counted before an erasure; the conversations by id (consoles are
   * told they are gone).
   */
  visitorFootprint: async (db: Kysely<DB>, visitorId: string) => {
    const [conversations, messages, pageViews, events] = await Promise.all([
      db.selectFrom('conversations').select('id').where('visitor_id', '=', visitorId).execute(),
      count(
        db
          .selectFrom('messages as m')
          .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('c.visitor_id', '=', visitorId),
      ),
      count(
        db
          .selectFrom('page_views')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('visitor_id', '=', visitorId),
      ),
      count(
        db
          .selectFrom('visitor_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('visitor_id', '=', visitorId),
      ),
    ]);
    return { conversationIds: conversations.map((r) => r.id), messages, pageViews, events };
  },

  /** Files of the visitor's conversations, and its own uploads that no message took. */
  filesOfVisitor: async (db: Kysely<DB>, visitorId: string): Promise<string[]> => {
    const attached = await db
      .selectFrom('files as f')
      .innerJoin('messages as m', 'm.id', 'f.message_id')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select('f.id')
      .where('c.visitor_id', '=', visitorId)
      .execute();
    const own = await db
      .selectFrom('files')
      .select('id')
      .where('uploader_kind', '=', 'visitor')
      .where('uploader_id', '=', visitorId)
      .execute();
    return [...new Set([...attached, ...own].map((r) => r.id))];
  },

  /**
   * The visitor and everything hanging on it: conversations (messages, files, read marks, tags),
   * page views, events, tokens. The mail log's rows hold the addresses it typed: deleted too.
   */
  deleteVisitor: async (db: Kysely<DB>, visitorId: string, fileIds: readonly string[]): Promise<void> => {
    await db.deleteFrom('mail_log').where('visitor_id', '=', visitorId).execute();
    if (fileIds.length > 0) await db.deleteFrom('files').where('id', 'in', fileIds).execute();
    await db.deleteFrom('visitors').where('id', '=', visitorId).execute();
  },

  allPageViews: (db: Kysely<DB>, visitorId: string) =>
    db
      .selectFrom('page_views')
      .select(['url', 'title', 'referrer', 'at'])
      .where('visitor_id', '=', visitorId)
      .orderBy('at')
      .orderBy('id')
      .execute(),

  allEvents: (db: Kysely<DB>, visitorId: string) =>
    db
      .selectFrom('visitor_events')
      .select(['name', 'data', 'at'])
      .where('visitor_id', '=', visitorId)
      .orderBy('id')
      .execute(),

  conversationsOf: (db: Kysely<DB>, visitorId: string) =>
    db
      .selectFrom('conversations')
      .select(['id', 'status', 'source', 'created_at', 'closed_at', 'rating', 'rating_comment'])
      .where('visitor_id', '=', visitorId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
};
