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
  attach: (db: Kysely<DB>, ids: readonly string[], messageId: string) =>
    db
      .updateTable('files')
      .set({ message_id: messageId })
      .where('id', 'in', ids)
      .where('message_id', 'is', null)
      .execute(),
};
