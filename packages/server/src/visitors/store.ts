import type { Kysely, Selectable } from 'kysely';
import type { DB, VisitorsTable } from '../db/schema';
import type { Dialect } from '../db/dialect';

export type VisitorRow = Selectable<VisitorsTable>;

/** Events kept per visitor; older ones are dropped as new ones arrive. */
export const MAX_EVENTS_PER_VISITOR = 500;

export const visitorStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('visitors').selectAll().where('id', '=', id).executeTakeFirst(),

  /**
   * The row, locked until the transaction ends (PostgreSQL), for read-modify-write of its JSON
   * columns. SQLite has one writer at a time anyway.
   */
  byIdForUpdate: (db: Kysely<DB>, dialect: Dialect, id: string) =>
    db
      .selectFrom('visitors')
      .selectAll()
      .where('id', '=', id)
      .$if(dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst(),

  /** The visitor a token belongs to: its first token, or one issued later (identify from another browser). */
  byTokenHash: async (db: Kysely<DB>, tokenHash: string): Promise<VisitorRow | undefined> =>
    (await db.selectFrom('visitors').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ??
    (await db
      .selectFrom('visitor_tokens as t')
      .innerJoin('visitors as v', 'v.id', 't.visitor_id')
      .selectAll('v')
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst()),

  /** The visitor whose verified user id this is, on this site. */
  byVerifiedExternalId: (db: Kysely<DB>, siteId: string, externalId: string) =>
    db
      .selectFrom('visitors')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('external_id', '=', externalId)
      .where('verified', '=', 1)
      .executeTakeFirst(),

  insert: (db: Kysely<DB>, row: VisitorRow) => db.insertInto('visitors').values(row).execute(),

  update: (db: Kysely<DB>, id: string, patch: Partial<Omit<VisitorRow, 'id' | 'site_id'>>) =>
    db.updateTable('visitors').set(patch).where('id', '=', id).execute(),

  addToken: (db: Kysely<DB>, visitorId: string, tokenHash: string, at: number) =>
    db
      .insertInto('visitor_tokens')
      .values({ token_hash: tokenHash, visitor_id: visitorId, created_at: at })
      .execute(),

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

  recentPageViews: (db: Kysely<DB>, visitorId: string, limit: number) =>
    db
      .selectFrom('page_views')
      .select(['url', 'title', 'referrer', 'at'])
      .where('visitor_id', '=', visitorId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),

  /** Store an event and drop the visitor's events beyond the newest MAX_EVENTS_PER_VISITOR. */
  addEvent: async (
    db: Kysely<DB>,
    e: { visitor_id: string; site_id: string; name: string; data: string; at: number },
  ): Promise<void> => {
    await db.insertInto('visitor_events').values(e).execute();
    const cutoff = await db
      .selectFrom('visitor_events')
      .select('id')
      .where('visitor_id', '=', e.visitor_id)
      .orderBy('id', 'desc')
      .offset(MAX_EVENTS_PER_VISITOR)
      .limit(1)
      .executeTakeFirst();
    if (cutoff) {
      await db
        .deleteFrom('visitor_events')
        .where('visitor_id', '=', e.visitor_id)
        .where('id', '<=', cutoff.id)
        .execute();
    }
  },

  recentEvents: (db: Kysely<DB>, visitorId: string, limit: number) =>
    db
      .selectFrom('visitor_events')
      .select(['name', 'data', 'at'])
      .where('visitor_id', '=', visitorId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),

  /** Visitors of these sites ('all': any) seen since `since`, newest visit first. */
  seenSince: (db: Kysely<DB>, siteIds: readonly string[] | 'all', since: number, limit: number) => {
    if (siteIds !== 'all' && siteIds.length === 0) return Promise.resolve([]);
    let q = db.selectFrom('visitors').selectAll().where('last_seen_at', '>=', since);
    if (siteIds !== 'all') q = q.where('site_id', 'in', siteIds);
    return q
      .orderBy((eb) => eb.fn.coalesce('visit_started_at', 'last_seen_at'), 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  /** Page views of each visitor's current visit, in one query. */
  pagesThisVisit: async (db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, number>> => {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('page_views as p')
      .innerJoin('visitors as v', 'v.id', 'p.visitor_id')
      .select(['p.visitor_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.visitor_id', 'in', ids)
      .whereRef('p.at', '>=', (eb) => eb.fn.coalesce('v.visit_started_at', 'v.last_seen_at'))
      .groupBy('p.visitor_id')
      .execute();
    return new Map(rows.map((r) => [r.visitor_id, r.n]));
  },

  /** The conversation that is not closed, per visitor (there is at most one each). */
  openConversations: async (db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string>> => {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('conversations')
      .select(['id', 'visitor_id'])
      .where('visitor_id', 'in', ids)
      .where('status', '<>', 'closed')
      .execute();
    return new Map(rows.map((r) => [r.visitor_id, r.id]));
  },

  countEvents: async (db: Kysely<DB>, visitorId: string): Promise<number> =>
    Number(
      (
        await db
          .selectFrom('visitor_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('visitor_id', '=', visitorId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
};
