import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import type { Dialect } from '../db/dialect';
import { MARK_END, MARK_START, fts5Query, tsQueryText } from './text';

/**
 * Full-text search with each engine's own index (migration 005_console): FTS5 tables kept by
 * triggers in SQLite, GIN indexes on `to_tsvector('parley_search', …)` in PostgreSQL. Both return
 * the newest matches first, `limit` of them after the cursor, restricted to the given sites.
 */

export interface SearchScope {
  /** 'all' for owners and admins. */
  siteIds: readonly string[] | 'all';
  limit: number;
  /** (time, id) of the last hit of the previous page. */
  before?: { at: number; id: string } | undefined;
}

export interface MessageHitRow {
  id: string;
  conversation_id: string;
  seq: number;
  author_kind: 'visitor' | 'agent' | 'bot' | 'system';
  author_id: string | null;
  author_name: string | null;
  private: number;
  created_at: number;
  /** The excerpt with MARK_START / MARK_END around the matches. */
  snippet: string;
}

export interface VisitorHitRow {
  conversation_id: string;
  /** The conversation's latest activity: where the hit sorts among message hits. */
  at: number;
  name: string | null;
  email: string | null;
}

function siteFilter(column: RawBuilder<unknown>, siteIds: readonly string[] | 'all'): RawBuilder<unknown> {
  if (siteIds === 'all') return sql`true`;
  if (siteIds.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(siteIds)})`;
}

function cursorFilter(
  at: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
  before: SearchScope['before'],
): RawBuilder<unknown> {
  if (!before) return sql`true`;
  return sql`(${at} < ${before.at} or (${at} = ${before.at} and ${id} < ${before.id}))`;
}

/** ts_headline options: two short fragments, our marks (never HTML). */
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

/** The indexed text of a visitor in PostgreSQL: repeated exactly as in the index (migration 005). */
const visitorDocumentPg = sql`to_tsvector('parley_search'::regconfig,
  coalesce(v.name, '') || ' ' || coalesce(v.email, '') || ' ' || translate(coalesce(v.email, ''), '@.+_-', '     '))`;

export const searchStore = {
  async messages(
    db: Kysely<DB>,
    dialect: Dialect,
    terms: readonly string[],
    scope: SearchScope,
  ): Promise<MessageHitRow[]> {
    const sites = siteFilter(sql.ref('c.site_id'), scope.siteIds);
    const cursor = cursorFilter(sql.ref('m.created_at'), sql.ref('m.id'), scope.before);
    const author = sql`coalesce(a.name, v.name)`;
    const joins = sql`join conversations c on c.id = m.conversation_id
      left join agents a on a.id = m.author_id and m.author_kind = 'agent'
      left join visitors v on v.id = m.author_id and m.author_kind = 'visitor'`;
    if (dialect === 'sqlite') {
      const r = await sql<MessageHitRow>`
        select m.id, m.conversation_id, m.seq, m.author_kind, m.author_id, ${author} as author_name,
          m.private, m.created_at,
          snippet(message_search, 0, ${MARK_START}, ${MARK_END}, '…', 16) as snippet
        from message_search
        join message_search_rows r on r.row = message_search.rowid
        join messages m on m.id = r.message_id
        ${joins}
        where message_search match ${fts5Query(terms)} and ${sites} and ${cursor}
        order by m.created_at desc, m.id desc
        limit ${scope.limit}`.execute(db);
      return r.rows;
    }
    // The page is chosen first on the index; headlines are made for its rows only.
    const r = await sql<MessageHitRow>`
      with q as (select to_tsquery('parley_search', ${tsQueryText(terms)}) as query),
      page as (
        select m.id from messages m join conversations c on c.id = m.conversation_id, q
        where to_tsvector('parley_search'::regconfig, m.body) @@ q.query and m.author_kind <> 'system'
          and ${sites} and ${cursor}
        order by m.created_at desc, m.id desc
        limit ${scope.limit}
      )
      select m.id, m.conversation_id, m.seq, m.author_kind, m.author_id, ${author} as author_name,
        m.private, m.created_at,
        ts_headline('parley_search', m.body, q.query, ${HEADLINE_OPTIONS}) as snippet
      from page join messages m on m.id = page.id
      ${joins}, q
      order by m.created_at desc, m.id desc`.execute(db);
    return r.rows;
  },

  /** Conversations of the visitors whose name or e-mail matches. */
  async visitors(
    db: Kysely<DB>,
    dialect: Dialect,
    terms: readonly string[],
    scope: SearchScope,
  ): Promise<VisitorHitRow[]> {
    const at = sql`coalesce(c.last_message_at, c.created_at)`;
    const sites = siteFilter(sql.ref('c.site_id'), scope.siteIds);
    const cursor = cursorFilter(at, sql.ref('c.id'), scope.before);
    const match =
      dialect === 'sqlite'
        ? sql`from visitor_search
            join visitor_search_rows r on r.row = visitor_search.rowid
            join visitors v on v.id = r.visitor_id
            join conversations c on c.visitor_id = v.id
            where visitor_search match ${fts5Query(terms)}`
        : sql`from visitors v join conversations c on c.visitor_id = v.id
            where ${visitorDocumentPg} @@ to_tsquery('parley_search', ${tsQueryText(terms)})
              and (v.name is not null or v.email is not null)`;
    const r = await sql<VisitorHitRow>`
      select c.id as conversation_id, ${at} as at, v.name, v.email
      ${match} and ${sites} and ${cursor}
      order by ${at} desc, c.id desc
      limit ${scope.limit}`.execute(db);
    return r.rows;
  },
};
