import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

export const departmentStore = {
  all: (db: Kysely<DB>) => db.selectFrom('departments').selectAll().orderBy('name').execute(),
  /** Departments a site's visitors may choose: the site's own and the global ones. */
  forSite: (db: Kysely<DB>, siteId: string) =>
    db
      .selectFrom('departments')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('site_id', '=', siteId), eb('site_id', 'is', null)]))
      .orderBy('name')
      .execute(),
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst(),
  insert: (db: Kysely<DB>, row: { id: string; site_id: string | null; name: string; created_at: number }) =>
    db.insertInto('departments').values(row).execute(),
  rename: (db: Kysely<DB>, id: string, name: string) =>
    db.updateTable('departments').set({ name }).where('id', '=', id).execute(),
  /** Conversations and visitors that pointed at it keep no department (foreign keys set null). */
  delete: (db: Kysely<DB>, id: string) => db.deleteFrom('departments').where('id', '=', id).execute(),
  members: async (db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('department_agents')
      .selectAll()
      .where('department_id', 'in', ids)
      .execute();
    for (const r of rows) out.get(r.department_id)?.push(r.agent_id);
    return out;
  },
  setMembers: async (db: Kysely<DB>, id: string, agentIds: readonly string[]) => {
    await db.deleteFrom('department_agents').where('department_id', '=', id).execute();
    if (agentIds.length > 0) {
      await db
        .insertInto('department_agents')
        .values(agentIds.map((agent_id) => ({ department_id: id, agent_id })))
        .execute();
    }
  },
};
