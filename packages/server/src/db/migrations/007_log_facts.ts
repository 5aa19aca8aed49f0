import { sql, type Kysely } from 'kysely';

/**
 * Analytics reads three facts of each conversation's log from the conversation row, instead of
 * aggregating every message of the period (docs/analytics.md, "Where the figures are read"):
 *
 * - `first_visitor_at`: the first public visitor message;
 * - `first_reply_at`: the first public message of a human agent at or after that one;
 * - `public_messages`: public messages of the visitor, agents and bots (not notes, not system lines).
 *
 * From now on the statement that takes a message's seq (conversations/store.ts `nextSeq`, the one
 * writer of the log) writes them, in the transaction that appends the message, so they cannot
 * drift from the log. Here they are worked out from the log as it stands, with the index of 006,
 * which is then dropped: reports no longer read messages, and the send path writes one B-tree
 * entry fewer per message.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('first_visitor_at', 'bigint').execute();
  await db.schema.alterTable('conversations').addColumn('first_reply_at', 'bigint').execute();
  await db.schema
    .alterTable('conversations')
    .addColumn('public_messages', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    update conversations set
      first_visitor_at = (
        select min(m.created_at) from messages m
        where m.conversation_id = conversations.id and m.author_kind = 'visitor' and m.private = 0),
      public_messages = (
        select count(*) from messages m
        where m.conversation_id = conversations.id and m.private = 0 and m.author_kind <> 'system')`.execute(
    db,
  );
  await sql`
    update conversations set first_reply_at = (
      select min(m.created_at) from messages m
      where m.conversation_id = conversations.id and m.author_kind = 'agent' and m.private = 0
        and m.created_at >= conversations.first_visitor_at)
    where first_visitor_at is not null`.execute(db);
  await db.schema.dropIndex('messages_analytics_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_analytics_idx')
    .on('messages')
    .columns(['conversation_id', 'author_kind', 'private', 'created_at'])
    .execute();
  await db.schema.alterTable('conversations').dropColumn('public_messages').execute();
  await db.schema.alterTable('conversations').dropColumn('first_reply_at').execute();
  await db.schema.alterTable('conversations').dropColumn('first_visitor_at').execute();
}
