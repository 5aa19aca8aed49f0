import { sql, type Kysely } from 'kysely';
import { autoIncrementId, dialectOf } from '../dialect';

/**
 * The agent console: waiting time and snooze on conversations, profile photos, visits and widget
 * connections of visitors (live visitors), tags, canned responses, invitations, an audit log, and
 * full-text search with each engine's own index (see db/search.ts for how it is queried).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';

  await db.schema.alterTable('conversations').addColumn('waiting_since', 'bigint').execute();
  await db.schema.alterTable('conversations').addColumn('snoozed_until', 'bigint').execute();
  // Conversations that are not closed wait from their start until the first public reply of an
  // agent or bot, and again from the first visitor message after the last such reply.
  await sql`
    update conversations set waiting_since = case
      when first_response_at is null and source <> 'proactive' then created_at
      else (
        select min(m.created_at) from messages m
        where m.conversation_id = conversations.id and m.author_kind = 'visitor'
          and m.seq > coalesce((
            select max(a.seq) from messages a
            where a.conversation_id = conversations.id and a.author_kind in ('agent', 'bot') and a.private = 0
          ), 0)
      ) end
    where status <> 'closed'`.execute(db);
  // The wake-up job looks for snoozes that are due.
  await db.schema
    .createIndex('conversations_snoozed_until_idx')
    .on('conversations')
    .column('snoozed_until')
    .where(sql.ref('snoozed_until'), 'is not', null)
    .execute();
  // Retention finds closed conversations by site and age.
  await db.schema
    .createIndex('conversations_site_closed_idx')
    .on('conversations')
    .columns(['site_id', 'closed_at'])
    .where(sql.ref('closed_at'), 'is not', null)
    .execute();

  // The photo's files are `avatar-<key>-<size>` in file storage; a new photo gets a new key.
  await db.schema.alterTable('agents').addColumn('avatar_key', 'text').execute();

  // Live visitors: a widget connection refreshes socket_seen_at (and last_seen_at) every heartbeat;
  // a visit starts after 30 minutes without a sign of the visitor.
  await db.schema.alterTable('visitors').addColumn('socket_seen_at', 'bigint').execute();
  await db.schema.alterTable('visitors').addColumn('visit_started_at', 'bigint').execute();
  await db.schema.alterTable('visitors').addColumn('last_page_at', 'bigint').execute();
  await db.schema
    .alterTable('visitors')
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update visitors set visit_started_at = last_seen_at,
    last_page_at = case when last_page_url is null then null else last_seen_at end`.execute(db);

  await db.schema
    .createTable('tags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // One name per scope (a site, or all sites), whatever its case.
  await sql`create unique index tags_scope_name_uq on tags (coalesce(site_id, ''), lower(name))`.execute(db);
  await db.schema
    .createTable('conversation_tags')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('added_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_tags_pk', ['conversation_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('conversation_tags_tag_idx').on('conversation_tags').column('tag_id').execute();

  await db.schema
    .createTable('canned_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.references('agents.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A shortcut is unique among one agent's own responses, and among the shared ones of one scope.
  await sql`create unique index canned_responses_scope_uq
    on canned_responses (coalesce(owner_id, ''), coalesce(site_id, ''), shortcut)`.execute(db);

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('site_ids', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_created_idx').on('invitations').column('created_at').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', autoIncrementId(db))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text')
    .addColumn('target_id', 'text')
    .addColumn('site_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();

  if (pg) await searchIndexesPostgres(db);
  else await searchIndexesSqlite(db);
}

/**
 * SQLite: FTS5 tables holding their own copy of the text. Their rowids come from a small table per
 * indexed table (`*_rows`), because the rowid of `messages` and `visitors` (text primary keys) is
 * not stable across VACUUM. Triggers keep them current on every insert, change and delete,
 * including the deletes cascaded from conversations and visitors.
 */
async function searchIndexesSqlite(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // remove_diacritics 2: "cafe" finds "café", as PostgreSQL's unaccent does.
    `create virtual table message_search using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`,
    `create table message_search_rows (row integer primary key, message_id text not null unique)`,
    // System lines ("X joined the conversation") are not worth finding.
    `create trigger message_search_insert after insert on messages when new.author_kind <> 'system' begin
       insert into message_search_rows (message_id) values (new.id);
       insert into message_search (rowid, body)
         values ((select row from message_search_rows where message_id = new.id), new.body);
     end`,
    `create trigger message_search_delete after delete on messages begin
       delete from message_search where rowid = (select row from message_search_rows where message_id = old.id);
       delete from message_search_rows where message_id = old.id;
     end`,
    `create trigger message_search_update after update of body on messages when new.author_kind <> 'system' begin
       update message_search set body = new.body
         where rowid = (select row from message_search_rows where message_id = new.id);
     end`,
    `insert into message_search_rows (message_id) select id from messages where author_kind <> 'system'`,
    `insert into message_search (rowid, body)
       select r.row, m.body from message_search_rows r join messages m on m.id = r.message_id`,

    `create virtual table visitor_search using fts5(name, email, tokenize = 'unicode61 remove_diacritics 2')`,
    `create table visitor_search_rows (row integer primary key, visitor_id text not null unique)`,
    // Anonymous visitors (no name, no e-mail) are most of them: they are not indexed at all.
    `create trigger visitor_search_insert after insert on visitors
       when new.name is not null or new.email is not null begin
       insert into visitor_search_rows (visitor_id) values (new.id);
       insert into visitor_search (rowid, name, email)
         values ((select row from visitor_search_rows where visitor_id = new.id), new.name, new.email);
     end`,
    `create trigger visitor_search_delete after delete on visitors begin
       delete from visitor_search where rowid = (select row from visitor_search_rows where visitor_id = old.id);
       delete from visitor_search_rows where visitor_id = old.id;
     end`,
    `create trigger visitor_search_update after update of name, email on visitors
       when old.name is not new.name or old.email is not new.email begin
       delete from visitor_search where rowid = (select row from visitor_search_rows where visitor_id = old.id);
       delete from visitor_search_rows where visitor_id = old.id;
       insert into visitor_search_rows (visitor_id)
         select new.id where new.name is not null or new.email is not null;
       insert into visitor_search (rowid, name, email)
         select row, new.name, new.email from visitor_search_rows where visitor_id = new.id;
     end`,
    `insert into visitor_search_rows (visitor_id) select id from visitors where name is not null or email is not null`,
    `insert into visitor_search (rowid, name, email)
       select r.row, v.name, v.email from visitor_search_rows r join visitors v on v.id = r.visitor_id`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}

/**
 * PostgreSQL: GIN indexes on `to_tsvector('parley_search', …)` expressions, maintained by the
 * engine on every insert. `parley_search` is the `simple` configuration (no stemming: the text may
 * be in any language) with accents removed when the `unaccent` extension can be had.
 */
async function searchIndexesPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`create text search configuration parley_search (copy = simple)`.execute(db);
  if (await tryUnaccent(db)) {
    await sql`alter text search configuration parley_search
      alter mapping for word, hword, hword_part, asciiword, asciihword, hword_asciipart
      with unaccent, simple`.execute(db);
  }
  await sql`create index messages_search_idx on messages
    using gin (to_tsvector('parley_search'::regconfig, body)) where author_kind <> 'system'`.execute(db);
  await sql`create index visitors_search_idx on visitors using gin (${visitorDocumentPg})
    where name is not null or email is not null`.execute(db);
}

/** The indexed text of a visitor; search queries repeat this expression exactly. */
const visitorDocumentPg = sql`to_tsvector('parley_search'::regconfig,
  coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || translate(coalesce(email, ''), '@.+_-', '     '))`;

/** unaccent is a trusted extension (PostgreSQL 13+): a database owner may create it. */
async function tryUnaccent(db: Kysely<unknown>): Promise<boolean> {
  const available = await sql<{ n: number }>`
    select count(*)::int as n from pg_available_extensions where name = 'unaccent'`.execute(db);
  if ((available.rows[0]?.n ?? 0) === 0) return false;
  // A refusal (no right to create it) must not abort the migration's transaction.
  await sql`savepoint parley_unaccent`.execute(db);
  try {
    await sql`create extension if not exists unaccent`.execute(db);
    await sql`release savepoint parley_unaccent`.execute(db);
    return true;
  } catch {
    await sql`rollback to savepoint parley_unaccent`.execute(db);
    return false;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  if (pg) {
    await sql`drop index if exists visitors_search_idx`.execute(db);
    await sql`drop index if exists messages_search_idx`.execute(db);
    await sql`drop text search configuration if exists parley_search`.execute(db);
  } else {
    for (const t of [
      'visitor_search_update',
      'visitor_search_delete',
      'visitor_search_insert',
      'message_search_update',
      'message_search_delete',
      'message_search_insert',
    ])
      await sql.raw(`drop trigger if exists ${t}`).execute(db);
    for (const t of ['visitor_search', 'visitor_search_rows', 'message_search', 'message_search_rows'])
      await sql.raw(`drop table if exists ${t}`).execute(db);
  }
  for (const t of ['audit_log', 'invitations', 'canned_responses', 'conversation_tags', 'tags'])
    await db.schema.dropTable(t).ifExists().execute();
  for (const c of ['visits', 'last_page_at', 'visit_started_at', 'socket_seen_at'])
    await db.schema.alterTable('visitors').dropColumn(c).execute();
  await db.schema.alterTable('agents').dropColumn('avatar_key').execute();
  await db.schema.dropIndex('conversations_site_closed_idx').ifExists().execute();
  await db.schema.dropIndex('conversations_snoozed_until_idx').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('snoozed_until').execute();
  await db.schema.alterTable('conversations').dropColumn('waiting_since').execute();
}
