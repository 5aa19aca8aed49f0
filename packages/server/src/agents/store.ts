import type { Kysely, Selectable } from 'kysely';
import type { AgentsTable, DB } from '../db/schema';
import type { Dialect } from '../db/dialect';

export type AgentRow = Selectable<AgentsTable>;

export const agentStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst(),
  /** The row, locked until the transaction ends (PostgreSQL; SQLite has one writer anyway). */
  byIdForUpdate: (db: Kysely<DB>, dialect: Dialect, id: string) =>
    db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', id)
      .$if(dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst(),
  byEmail: (db: Kysely<DB>, email: string) =>
    db.selectFrom('agents').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst(),
  all: (db: Kysely<DB>) => db.selectFrom('agents').selectAll().orderBy('created_at').execute(),
  count: async (db: Kysely<DB>) =>
    Number(
      (
        await db
          .selectFrom('agents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  insert: (db: Kysely<DB>, row: AgentRow) => db.insertInto('agents').values(row).execute(),
  update: (db: Kysely<DB>, id: string, patch: Partial<Omit<AgentRow, 'id'>>) =>
    db.updateTable('agents').set(patch).where('id', '=', id).execute(),
  /** Site ids per agent for a batch of agents, in one query. */
  siteIdsFor: async (db: Kysely<DB>, agentIds: readonly string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>(agentIds.map((id) => [id, []]));
    if (agentIds.length === 0) return out;
    const rows = await db
      .selectFrom('site_agents')
      .select(['agent_id', 'site_id'])
      .where('agent_id', 'in', agentIds)
      .execute();
    for (const r of rows) out.get(r.agent_id)?.push(r.site_id);
    return out;
  },
  setSites: async (db: Kysely<DB>, agentId: string, siteIds: readonly string[]) => {
    await db.deleteFrom('site_agents').where('agent_id', '=', agentId).execute();
    if (siteIds.length > 0) {
      await db
        .insertInto('site_agents')
        .values(siteIds.map((site_id) => ({ site_id, agent_id: agentId })))
        .execute();
    }
  },
  /** Active agents who may work on a site (its members, and every owner and admin), by name. */
  withAccessToSite: (db: Kysely<DB>, siteId: string, limit: number) =>
    db
      .selectFrom('agents')
      .select(['id', 'name', 'avatar_url', 'status'])
      .where('active', '=', 1)
      .where((eb) =>
        eb.or([
          eb('role', 'in', ['owner', 'admin']),
          eb('id', 'in', eb.selectFrom('site_agents').select('agent_id').where('site_id', '=', siteId)),
        ]),
      )
      .orderBy('name')
      .limit(limit)
      .execute(),
  /** Active agents of the site (owners and admins see every site) whose status is online. */
  onlineIdsForSite: async (db: Kysely<DB>, siteId: string) =>
    (
      await db
        .selectFrom('agents')
        .select('id')
        .where('active', '=', 1)
        .where('status', '=', 'online')
        .where((eb) =>
          eb.or([
            eb('role', 'in', ['owner', 'admin']),
            eb('id', 'in', eb.selectFrom('site_agents').select('agent_id').where('site_id', '=', siteId)),
          ]),
        )
        .execute()
    ).map((r) => r.id),
  logStatus: (db: Kysely<DB>, agentId: string, status: AgentRow['status'], at: number) =>
    db.insertInto('agent_status_log').values({ agent_id: agentId, status, at }).execute(),
};
