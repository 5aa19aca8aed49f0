import { sql, type Kysely } from 'kysely';
import { autoIncrementId } from '../dialect';

/**
 * The whole initial schema, written once for both dialects: only portable column types, and
 * `bigint` for epoch-millisecond times (SQLite maps it to INTEGER).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allowed_origins', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('identity_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
    .addColumn('max_chats', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('avatar_url', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('site_agents')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('site_agents_pk', ['site_id', 'agent_id'])
    .execute();
  await db.schema.createIndex('site_agents_agent_idx').on('site_agents').column('agent_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_agent_idx').on('sessions').column('agent_id').execute();

  await db.schema
    .createTable('agent_status_log')
    .addColumn('id', 'integer', autoIncrementId(db))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agent_status_log_agent_at_idx')
    .on('agent_status_log')
    .columns(['agent_id', 'at'])
    .execute();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('department_agents')
    .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id').onDelete('cascade'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('department_agents_pk', ['department_id', 'agent_id'])
    .execute();

  await db.schema
    .createTable('visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('external_id', 'text')
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('last_page_url', 'text')
    .addColumn('last_page_title', 'text')
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visitors_site_seen_idx')
    .on('visitors')
    .columns(['site_id', 'last_seen_at'])
    .execute();

  await db.schema
    .createTable('page_views')
    .addColumn('id', 'integer', autoIncrementId(db))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('referrer', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('page_views_visitor_at_idx')
    .on('page_views')
    .columns(['visitor_id', 'at'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('department_id', 'text', (c) => c.references('departments.id').onDelete('set null'))
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    // Highest seq that is not a private note: what a visitor's client can expect to receive.
    .addColumn('last_public_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('first_response_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('last_message_at', 'bigint')
    .addColumn('last_message_preview', 'text')
    .addColumn('rating', 'text')
    .addColumn('rating_comment', 'text')
    .execute();
  // At most one conversation that is not closed per visitor: makes "start" idempotent under races.
  await db.schema
    .createIndex('conversations_one_open_per_visitor')
    .on('conversations')
    .column('visitor_id')
    .unique()
    .where(sql.ref('status'), '<>', 'closed')
    .execute();
  await db.schema
    .createIndex('conversations_visitor_idx')
    .on('conversations')
    .columns(['visitor_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('conversations_site_status_idx')
    .on('conversations')
    .columns(['site_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('conversations_site_created_idx')
    .on('conversations')
    .columns(['site_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull())
    .addColumn('client_msg_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('messages_conversation_seq_uq', ['conversation_id', 'seq'])
    .execute();
  // Idempotency key of the reliability contract: one clientMsgId per author, ever.
  await db.schema
    .createIndex('messages_client_msg_id_uq')
    .on('messages')
    .columns(['author_kind', 'author_id', 'client_msg_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('read_marks')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('participant_kind', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('read_seq', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('read_marks_pk', ['conversation_id', 'participant_kind', 'participant_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'read_marks',
    'messages',
    'conversations',
    'page_views',
    'visitors',
    'department_agents',
    'departments',
    'agent_status_log',
    'sessions',
    'site_agents',
    'agents',
    'sites',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
