import type { Kysely, Selectable } from 'kysely';
import type { DB, VisitorsTable } from '../db/schema';

export type VisitorRow = Selectable<VisitorsTable>;

export const visitorStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('visitors').selectAll().where('id', '=', id).executeTakeFirst(),
  byTokenHash: (db: Kysely<DB>, tokenHash: string) =>
    db.selectFrom('visitors').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  insert: (db: Kysely<DB>, row: VisitorRow) => db.insertInto('visitors').values(row).execute(),
  update: (db: Kysely<DB>, id: string, patch: Partial<Omit<VisitorRow, 'id' | 'site_id'>>) =>
    db.updateTable('visitors').set(patch).where('id', '=', id).execute(),
  addPageView: (
    db: Kysely<DB>,
    v: {
      visitor_id: string;
      site_id: string;
      url: string;
      title: string | null;
      referrer: string | null;
      at: number;
    },
  ) => db.insertInto('page_views').values(v).execute(),
};
