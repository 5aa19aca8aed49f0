import type { Kysely, Selectable } from 'kysely';
import type { DB, SitesTable } from '../db/schema';

export type SiteRow = Selectable<SitesTable>;

export const siteStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst(),
  byKey: (db: Kysely<DB>, key: string) =>
    db.selectFrom('sites').selectAll().where('key', '=', key).executeTakeFirst(),
  all: (db: Kysely<DB>) => db.selectFrom('sites').selectAll().orderBy('created_at').execute(),
  forAgent: (db: Kysely<DB>, agentId: string) =>
    db
      .selectFrom('sites')
      .innerJoin('site_agents', 'site_agents.site_id', 'sites.id')
      .selectAll('sites')
      .where('site_agents.agent_id', '=', agentId)
      .orderBy('sites.created_at')
      .execute(),
  count: async (db: Kysely<DB>) =>
    Number(
      (
        await db
          .selectFrom('sites')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  insert: (db: Kysely<DB>, row: SiteRow) => db.insertInto('sites').values(row).execute(),
  update: (db: Kysely<DB>, id: string, patch: Partial<Omit<SiteRow, 'id'>>) =>
    db.updateTable('sites').set(patch).where('id', '=', id).execute(),
  addAgent: (db: Kysely<DB>, siteId: string, agentId: string) =>
    db
      .insertInto('site_agents')
      .values({ site_id: siteId, agent_id: agentId })
      .onConflict((oc) => oc.doNothing())
      .execute(),
};
