import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Classified, ConversationFacts, StatusChange } from './metrics';

/** The reads of analytics: SQL only, read-only, each one index-backed (migration 006_analytics). */

export interface FactsFilter {
  siteIds: readonly string[];
  start: number;
  end: number;
  departmentId?: string | undefined;
  assigneeId?: string | undefined;
}

const CHUNK = 500;
const SOURCES = ['chat', 'offline_form', 'proactive'] as const;
const STATUSES = ['open', 'pending', 'closed'] as const;
const RATINGS = [null, 'good', 'bad'] as const;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

export const analyticsStore = {
  /** The conversations of the period: a range scan of (site_id, created_at). */
  conversationsQuery: (db: Kysely<DB>, f: FactsFilter) =>
    db
      .selectFrom('conversations as c')
      .select([
        'c.id',
        'c.site_id',
        'c.created_at',
        // Small numbers instead of short strings: 100,000 rows are 300,000 strings fewer to make.
        sql<number>`case c.source when 'offline_form' then 1 when 'proactive' then 2 else 0 end`.as('source'),
        sql<number>`case c.status when 'closed' then 2 when 'pending' then 1 else 0 end`.as('status'),
        'c.assignee_id',
        'c.department_id',
        'c.closed_at',
        sql<number>`case c.rating when 'good' then 1 when 'bad' then 2 else 0 end`.as('rating'),
      ])
      .where('c.site_id', 'in', f.siteIds)
      .where('c.created_at', '>=', f.start)
      .where('c.created_at', '<', f.end)
      .$if(f.departmentId !== undefined, (q) => q.where('c.department_id', '=', f.departmentId ?? ''))
      .$if(f.assigneeId !== undefined, (q) => q.where('c.assignee_id', '=', f.assigneeId ?? '')),

  /**
   * What the log says of each of those conversations, in one pass over the covering index
   * messages (conversation_id, author_kind, private, created_at) of migration 006: no table row
   * is read.
   */
  messagesQuery: (db: Kysely<DB>, f: FactsFilter) =>
    db
      .selectFrom('messages as m')
      .select([
        'm.conversation_id',
        sql<
          number | null
        >`min(case when m.author_kind = 'visitor' and m.private = 0 then m.created_at end)`.as(
          'first_visitor_at',
        ),
        sql<number | null>`min(case when m.author_kind = 'agent' and m.private = 0 then m.created_at end)`.as(
          'first_agent_at',
        ),
        sql<number>`count(case when m.private = 0 and m.author_kind <> 'system' then 1 end)`.as('messages'),
      ])
      .where('m.conversation_id', 'in', analyticsStore.conversationsQuery(db, f).clearSelect().select('c.id'))
      .groupBy('m.conversation_id'),

  /**
   * The conversations created in [start, end) with what the log says of each: one range scan of
   * conversations by (site, created_at) and one covering scan of their messages, grouped.
   */
  async facts(db: Kysely<DB>, f: FactsFilter): Promise<ConversationFacts[]> {
    if (f.siteIds.length === 0) return [];
    // Both at once: PostgreSQL runs them on two connections of the read pool.
    const [rows, aggregates] = await Promise.all([
      analyticsStore.conversationsQuery(db, f).execute(),
      analyticsStore.messagesQuery(db, f).execute(),
    ]);
    const logs = new Map(aggregates.map((r) => [r.conversation_id, r]));
    // Every object gets the classification's slots now, so all have one shape (classify fills them).
    const facts: Classified[] = rows.map((r) => {
      const log = logs.get(r.id);
      return {
        id: r.id,
        siteId: r.site_id,
        createdAt: r.created_at,
        source: SOURCES[r.source] ?? 'chat',
        status: STATUSES[r.status] ?? 'open',
        assigneeId: r.assignee_id,
        departmentId: r.department_id,
        closedAt: r.closed_at,
        rating: RATINGS[r.rating] ?? null,
        firstVisitorAt: log?.first_visitor_at ?? null,
        firstAgentReplyAt: log?.first_agent_at ?? null,
        messages: log?.messages ?? 0,
        start: 0,
        outcome: 'waiting',
        firstResponseMs: null,
        resolutionMs: null,
      };
    });
    // An agent who wrote first (a proactive message): the reply is the first one after the visitor's.
    const early = facts.filter(
      (x) =>
        x.firstVisitorAt !== null && x.firstAgentReplyAt !== null && x.firstAgentReplyAt < x.firstVisitorAt,
    );
    if (early.length > 0) {
      const replies = new Map<string, number>();
      for (const part of chunks(early.map((x) => x.id))) {
        const found = await db
          .selectFrom('messages as m')
          .select(['m.conversation_id', sql<number>`min(m.created_at)`.as('at')])
          .where('m.conversation_id', 'in', part)
          .where('m.author_kind', '=', 'agent')
          .where('m.private', '=', 0)
          .where(
            'm.created_at',
            '>=',
            sql<number>`(select min(v.created_at) from messages v where v.conversation_id = m.conversation_id
              and v.author_kind = 'visitor' and v.private = 0)`,
          )
          .groupBy('m.conversation_id')
          .execute();
        for (const r of found) replies.set(r.conversation_id, r.at);
      }
      for (const x of early) x.firstAgentReplyAt = replies.get(x.id) ?? null;
    }
    return facts;
  },

  sites: (db: Kysely<DB>, ids: readonly string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : db.selectFrom('sites').select(['id', 'name', 'settings']).where('id', 'in', ids).execute(),

  allSiteIds: async (db: Kysely<DB>) =>
    (await db.selectFrom('sites').select('id').orderBy('created_at').execute()).map((r) => r.id),

  /** Agents with access to any of the sites (owners and admins have all), with their sites. */
  async agentsOfSites(db: Kysely<DB>, siteIds: readonly string[]) {
    const agents = await db
      .selectFrom('agents')
      .select(['id', 'name', 'role', 'status', 'max_chats', 'active'])
      .where((eb) =>
        eb.or([
          eb('role', 'in', ['owner', 'admin']),
          eb(
            'id',
            'in',
            eb
              .selectFrom('site_agents')
              .select('agent_id')
              .where('site_id', 'in', [...siteIds]),
          ),
        ]),
      )
      .orderBy('name')
      .execute();
    const memberships =
      siteIds.length === 0
        ? []
        : await db.selectFrom('site_agents').selectAll().where('site_id', 'in', siteIds).execute();
    return { agents, memberships };
  },

  agentsByIds: (db: Kysely<DB>, ids: readonly string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('agents')
          .select(['id', 'name', 'role', 'status', 'max_chats', 'active'])
          .where('id', 'in', ids)
          .execute(),

  /** Each agent's status changes in [from, to), preceded by the last change before `from`. */
  async statusLog(
    db: Kysely<DB>,
    agentIds: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, StatusChange[]>> {
    const out = new Map<string, StatusChange[]>(agentIds.map((id) => [id, []]));
    for (const part of chunks(agentIds)) {
      const rows = await db
        .selectFrom('agent_status_log as s')
        .select(['s.agent_id', 's.status', 's.at', 's.id'])
        .where('s.agent_id', 'in', part)
        .where('s.at', '<', to)
        .where((eb) =>
          eb.or([
            eb('s.at', '>=', from),
            eb(
              's.at',
              '=',
              eb
                .selectFrom('agent_status_log as p')
                .select((e) => e.fn.max('p.at').as('at'))
                .whereRef('p.agent_id', '=', 's.agent_id')
                .where('p.at', '<', from),
            ),
          ]),
        )
        .orderBy('s.at')
        .orderBy('s.id')
        .execute();
      for (const r of rows) out.get(r.agent_id)?.push({ at: r.at, status: r.status });
    }
    return out;
  },

  departments: (db: Kysely<DB>, siteIds: readonly string[]) =>
    db
      .selectFrom('departments')
      .select(['id', 'name', 'site_id'])
      .where((eb) => eb.or([eb('site_id', 'is', null), eb('site_id', 'in', [...siteIds, ''])]))
      .orderBy('name')
      .execute(),

  departmentById: (db: Kysely<DB>, id: string) =>
    db.selectFrom('departments').select(['id', 'name', 'site_id']).where('id', '=', id).executeTakeFirst(),

  departmentMembers: (db: Kysely<DB>, ids: readonly string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : db.selectFrom('department_agents').selectAll().where('department_id', 'in', ids).execute(),

  /** Conversations not closed now, by assignee and by department (the conversations_site_status index). */
  async openNow(db: Kysely<DB>, siteIds: readonly string[], assigneeId?: string) {
    if (siteIds.length === 0) return [];
    return db
      .selectFrom('conversations')
      .select(['assignee_id', 'department_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('site_id', 'in', siteIds)
      .where('status', 'in', ['open', 'pending'])
      .$if(assigneeId !== undefined, (q) => q.where('assignee_id', '=', assigneeId ?? ''))
      .groupBy(['assignee_id', 'department_id'])
      .execute();
  },

  /** Chats waiting for the team now: not closed, not snoozed, the visitor spoke last. */
  async waiting(db: Kysely<DB>, siteIds: readonly string[], now: number, limit: number) {
    if (siteIds.length === 0) return { rows: [], count: 0, unassigned: 0 };
    const base = db
      .selectFrom('conversations as c')
      .where('c.site_id', 'in', siteIds)
      .where('c.status', 'in', ['open', 'pending'])
      .where('c.waiting_since', 'is not', null)
      .where((eb) => eb.or([eb('c.snoozed_until', 'is', null), eb('c.snoozed_until', '<=', now)]));
    const rows = await base
      .innerJoin('visitors as v', 'v.id', 'c.visitor_id')
      .select([
        'c.id',
        'c.site_id',
        'c.assignee_id',
        'c.department_id',
        'c.waiting_since',
        'v.name as visitor_name',
      ])
      .orderBy('c.waiting_since')
      .limit(limit)
      .execute();
    const counts = await base
      .select([
        (eb) => eb.fn.countAll<number>().as('n'),
        sql<number>`count(case when c.assignee_id is null then 1 end)`.as('unassigned'),
      ])
      .executeTakeFirst();
    return { rows, count: counts?.n ?? 0, unassigned: counts?.unassigned ?? 0 };
  },

  /** Visitors whose widget connection was refreshed since `since` (any node writes it). */
  visitorsSeenSince: async (db: Kysely<DB>, siteIds: readonly string[], since: number) =>
    siteIds.length === 0
      ? []
      : (
          await db
            .selectFrom('visitors')
            .select('id')
            .where('site_id', 'in', siteIds)
            .where('last_seen_at', '>=', since)
            .where('socket_seen_at', '>=', since)
            .execute()
        ).map((r) => r.id),

  onlineAgents: (db: Kysely<DB>, siteIds: readonly string[]) =>
    db
      .selectFrom('agents')
      .select(['id', 'name', 'max_chats'])
      .where('active', '=', 1)
      .where('status', '=', 'online')
      .where((eb) =>
        eb.or([
          eb('role', 'in', ['owner', 'admin']),
          eb(
            'id',
            'in',
            eb
              .selectFrom('site_agents')
              .select('agent_id')
              .where('site_id', 'in', [...siteIds, '']),
          ),
        ]),
      )
      .orderBy('name')
      .execute(),
};
