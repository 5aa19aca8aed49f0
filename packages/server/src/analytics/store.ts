import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from '../db/dialect';
import type { DB } from '../db/schema';
import type { Classified, StatusChange } from './metrics';

/** The reads of analytics: SQL only, read-only, each one index-backed (docs/analytics.md). */

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

/**
 * What a report reads of each conversation: the raw list needs everything with ids; the period,
 * everything but ids; the previous period only its summary, so no strings unless several sites
 * are asked.
 */
export type FactsShape = 'list' | 'period' | 'previous';

/** One column of a week's conversations: JSON text (SQLite) or already parsed (PostgreSQL). */
type Column = string | unknown[] | null;

/**
 * Public messages, rating, status and source in one number (`messages × 64 + rating × 16 +
 * status × 4 + source`, each small one an index into RATINGS, STATUSES, SOURCES): every value a
 * database writes out costs, PostgreSQL's most of all.
 */
const FLAGS = sql`c.public_messages * 64
  + (case c.rating when 'good' then 1 when 'bad' then 2 else 0 end) * 16
  + (case c.status when 'closed' then 2 when 'pending' then 1 else 0 end) * 4
  + (case c.source when 'offline_form' then 1 when 'proactive' then 2 else 0 end)`;

/** Each query covers at most this much of the period: its JSON texts stay a few megabytes. */
const SLICE_MS = 7 * 86_400_000;

function parsed<T>(column: Column | undefined): T[] {
  return (typeof column === 'string' ? JSON.parse(column) : (column ?? [])) as T[];
}

/** Whether a query of facts groups by its strings (see factsQuery). */
function groupedFacts(pg: boolean, shape: FactsShape): boolean {
  return pg && shape !== 'list';
}

export const analyticsStore = {
  /**
   * The conversations started in [start, end), one JSON array per column, with the facts of their
   * logs that the send path keeps on the row (migration 007): one range scan of
   * (site_id, created_at), no message read. Why JSON: a driver hands rows to JavaScript one value
   * at a time (≈ 0.3 µs each here, 8–11 values a row), while the database writes one text per
   * column and JSON.parse reads it at hundreds of megabytes a second — 2.5 × faster for 100,000
   * rows; arrays per column rather than per row: PostgreSQL builds them a quarter faster and
   * JavaScript gets flat arrays of numbers (docs/performance.md, "Analytics"). All aggregates of
   * one query see the rows in the same order, so index i of every column is one conversation.
   */
  factsQuery: (db: Kysely<DB>, f: FactsFilter, shape: FactsShape) => {
    const pg = dialectOf(db as Kysely<unknown>) === 'postgres';
    const all = (value: RawBuilder<unknown>) =>
      pg ? sql<Column>`json_agg(${value})` : sql<Column>`json_group_array(${value})`;
    const strings: ('c.site_id' | 'c.assignee_id' | 'c.department_id')[] = [];
    if (shape !== 'previous' || f.siteIds.length > 1) strings.push('c.site_id');
    if (shape !== 'previous') strings.push('c.assignee_id', 'c.department_id');
    // PostgreSQL groups a week by those strings (a hash aggregate, no sort), so each is written
    // once per group instead of once per conversation; SQLite would sort for it, which costs more
    // there than the strings do.
    const grouped = groupedFacts(pg, shape);
    const text = (column: (typeof strings)[number]) =>
      grouped ? sql<Column>`${sql.ref(column)}` : all(sql.ref(column));
    return (
      db
        .selectFrom('conversations as c')
        .select([
          all(sql.ref('c.created_at')).as('created'),
          all(sql.ref('c.closed_at')).as('closed'),
          all(sql.ref('c.first_visitor_at')).as('visitor'),
          all(sql.ref('c.first_reply_at')).as('reply'),
          all(FLAGS).as('flags'),
        ])
        .$if(strings.includes('c.site_id'), (q) => q.select(text('c.site_id').as('site')))
        .$if(strings.includes('c.assignee_id'), (q) =>
          q.select([text('c.assignee_id').as('assignee'), text('c.department_id').as('department')]),
        )
        .$if(shape === 'list', (q) => q.select(all(sql.ref('c.id')).as('id')))
        .where('c.site_id', 'in', f.siteIds)
        .where('c.created_at', '>=', f.start)
        .where('c.created_at', '<', f.end)
        // Conversations the visitor never wrote in are not conversations started (docs/analytics.md).
        .where('c.first_visitor_at', 'is not', null)
        .$if(f.departmentId !== undefined, (q) => q.where('c.department_id', '=', f.departmentId ?? ''))
        .$if(f.assigneeId !== undefined, (q) => q.where('c.assignee_id', '=', f.assigneeId ?? ''))
        .$if(grouped && strings.length > 0, (q) => q.groupBy(strings.map((column) => sql.ref(column))))
    );
  },

  /**
   * Calls `visit` for each conversation started in [start, end), a week of the period at a time,
   * with ONE facts object refilled for each (metrics.ts classifies it in place): nothing per
   * conversation outlives its week, so a report over 200,000 conversations leaves the garbage
   * collector little to copy. A visitor that keeps conversations copies them.
   */
  async forEachFact(
    db: Kysely<DB>,
    f: FactsFilter,
    shape: FactsShape,
    visit: (c: Classified) => void,
  ): Promise<void> {
    if (f.siteIds.length === 0) return;
    const onlySite = f.siteIds[0] ?? '';
    const c: Classified = {
      id: '',
      siteId: onlySite,
      createdAt: 0,
      source: 'chat',
      status: 'open',
      assigneeId: null,
      departmentId: null,
      closedAt: null,
      rating: null,
      firstVisitorAt: null,
      firstAgentReplyAt: null,
      messages: 0,
      start: 0,
      outcome: 'waiting',
      firstResponseMs: null,
      resolutionMs: null,
    };
    const week = (from: number) =>
      analyticsStore
        .factsQuery(db, { ...f, start: from, end: Math.min(f.end, from + SLICE_MS) }, shape)
        .execute();
    // Strings come once per row of the answer (a group) or as arrays like the numbers.
    const grouped = groupedFacts(dialectOf(db as Kysely<unknown>) === 'postgres', shape);
    const strings = (column: Column | undefined): ((i: number) => string | null) => {
      if (grouped) return () => (typeof column === 'string' ? column : null);
      const values = parsed<string | null>(column);
      return (i) => values[i] ?? null;
    };
    // The database works on the next week while this thread adds up the last one (PostgreSQL:
    // one connection busy, never both — a report leaves a core to the live chat).
    let next: ReturnType<typeof week> | null = week(f.start);
    for (let from = f.start; next !== null; from += SLICE_MS) {
      const rows = await next;
      next = from + SLICE_MS < f.end ? week(from + SLICE_MS) : null;
      for (const row of rows) {
        const created = parsed<number>(row.created);
        const closed = parsed<number | null>(row.closed);
        const visitor = parsed<number | null>(row.visitor);
        const reply = parsed<number | null>(row.reply);
        const flags = parsed<number>(row.flags);
        const site = strings(row.site);
        const assignee = strings(row.assignee);
        const department = strings(row.department);
        const id = parsed<string>(row.id);
        for (let i = 0; i < created.length; i++) {
          c.createdAt = created[i] ?? 0;
          c.closedAt = closed[i] ?? null;
          c.firstVisitorAt = visitor[i] ?? null;
          c.firstAgentReplyAt = reply[i] ?? null;
          const packed = flags[i] ?? 0;
          c.messages = Math.floor(packed / 64);
          c.rating = RATINGS[(packed >> 4) & 3] ?? null;
          c.status = STATUSES[(packed >> 2) & 3] ?? 'open';
          c.source = SOURCES[packed & 3] ?? 'chat';
          c.siteId = site(i) ?? onlySite;
          c.assigneeId = assignee(i);
          c.departmentId = department(i);
          c.id = id[i] ?? '';
          visit(c);
        }
      }
    }
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
