import type { Kysely, Selectable } from 'kysely';
import type { CannedResponsesTable, DB } from '../db/schema';

export type CannedRow = Selectable<CannedResponsesTable>;

export const cannedStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('canned_responses').selectAll().where('id', '=', id).executeTakeFirst(),

  /**
   * What an agent may use: its own, and the shared ones that are global or for the given sites
   * ('all': any site). Shared first, then personal; each by shortcut.
   */
  usable: (db: Kysely<DB>, agentId: string, siteIds: readonly string[] | 'all') =>
    db
      .selectFrom('canned_responses')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('owner_id', '=', agentId),
          eb.and([
            eb('owner_id', 'is', null),
            siteIds === 'all'
              ? eb.lit(true)
              : siteIds.length === 0
                ? eb('site_id', 'is', null)
                : eb.or([eb('site_id', 'is', null), eb('site_id', 'in', siteIds)]),
          ]),
        ]),
      )
      .orderBy((eb) => eb.case().when('owner_id', 'is', null).then(0).else(1).end())
      .orderBy('shortcut')
      .orderBy('id')
      .execute(),

  insert: (db: Kysely<DB>, row: CannedRow) => db.insertInto('canned_responses').values(row).execute(),

  update: (
    db: Kysely<DB>,
    id: string,
    patch: Partial<Pick<CannedRow, 'shortcut' | 'body' | 'site_id' | 'updated_at'>>,
  ) => db.updateTable('canned_responses').set(patch).where('id', '=', id).execute(),

  delete: (db: Kysely<DB>, id: string) => db.deleteFrom('canned_responses').where('id', '=', id).execute(),
};
