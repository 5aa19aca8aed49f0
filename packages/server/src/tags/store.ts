import type { Kysely, Selectable } from 'kysely';
import type { DB, TagsTable } from '../db/schema';

export type TagRow = Selectable<TagsTable>;

export const tagStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('tags').selectAll().where('id', '=', id).executeTakeFirst(),

  /** Global tags and those of the given sites ('all': every tag), by name. */
  visible: (db: Kysely<DB>, siteIds: readonly string[] | 'all') => {
    let q = db.selectFrom('tags').selectAll();
    if (siteIds !== 'all')
      q = q.where((eb) =>
        siteIds.length === 0
          ? eb('site_id', 'is', null)
          : eb.or([eb('site_id', 'is', null), eb('site_id', 'in', siteIds)]),
      );
    return q.orderBy('name').orderBy('id').execute();
  },

  insert: (db: Kysely<DB>, row: TagRow) => db.insertInto('tags').values(row).execute(),

  update: (db: Kysely<DB>, id: string, patch: Partial<Pick<TagRow, 'name' | 'color'>>) =>
    db.updateTable('tags').set(patch).where('id', '=', id).execute(),

  /** Deletes the tag; returns the conversations under way that carried it, for their consoles. */
  delete: async (db: Kysely<DB>, id: string) => {
    const tagged = await db
      .selectFrom('conversation_tags as ct')
      .innerJoin('conversations as c', 'c.id', 'ct.conversation_id')
      .select(['c.id', 'c.site_id', 'c.visitor_id'])
      .where('ct.tag_id', '=', id)
      .where('c.status', '<>', 'closed')
      .execute();
    await db.deleteFrom('tags').where('id', '=', id).execute();
    return tagged;
  },

  /** True when the tag was not there yet. */
  attach: async (
    db: Kysely<DB>,
    m: { conversationId: string; tagId: string; agentId: string; at: number },
  ): Promise<boolean> => {
    const r = await db
      .insertInto('conversation_tags')
      .values({ conversation_id: m.conversationId, tag_id: m.tagId, added_by: m.agentId, added_at: m.at })
      .onConflict((oc) => oc.columns(['conversation_id', 'tag_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** True when the tag was there. */
  detach: async (db: Kysely<DB>, conversationId: string, tagId: string): Promise<boolean> => {
    const r = await db
      .deleteFrom('conversation_tags')
      .where('conversation_id', '=', conversationId)
      .where('tag_id', '=', tagId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
