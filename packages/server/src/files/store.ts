import type { Kysely, Selectable } from 'kysely';
import type { DB, FilesTable } from '../db/schema';

export type FileRow = Selectable<FilesTable>;

export const fileStore = {
  insert: (db: Kysely<DB>, row: FileRow) => db.insertInto('files').values(row).execute(),
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst(),
  byIds: (db: Kysely<DB>, ids: readonly string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : db.selectFrom('files').selectAll().where('id', 'in', ids).execute(),
  /**
   * Deletes up to `limit` uploads that no message took before `before`; returns their ids. A send
   * attaching one of them at the same moment either commits first (the row is no longer
   * unattached and stays) or finds it gone (and is refused like any unknown file).
   */
  deleteUnattached: async (db: Kysely<DB>, before: number, limit: number): Promise<string[]> => {
    const rows = await db
      .deleteFrom('files')
      .where(
        'id',
        'in',
        db
          .selectFrom('files')
          .select('id')
          .where('message_id', 'is', null)
          .where('created_at', '<', before)
          .limit(limit),
      )
      .where('message_id', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  },
  attach: (db: Kysely<DB>, ids: readonly string[], messageId: string) =>
    db
      .updateTable('files')
      .set({ message_id: messageId })
      .where('id', 'in', ids)
      .where('message_id', 'is', null)
      .execute(),
};
