import { sql, type Kysely } from 'kysely';
import { autoIncrementId } from '../dialect';

/**
 * The website widget: where a conversation came from and its rating time, verified visitor
 * identities, a visitor's chosen department, extra tokens for a visitor reached from another
 * browser, custom events (`Parley.track`), and a log of e-mail sent on a visitor's behalf.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('chat'))
    .execute();
  await db.schema.alterTable('conversations').addColumn('rated_at', 'bigint').execute();

  await db.schema
    .alterTable('visitors')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Chosen in the pre-chat form: the department the visitor's next conversation is created in.
  await db.schema
    .alterTable('visitors')
    .addColumn('department_id', 'text', (c) => c.references('departments.id').onDelete('set null'))
    .execute();
  // A verified user id is one visitor per site (identify() from another browser finds it). Unverified
  // ids are only claims anyone can make, so they may repeat and never take over a verified visitor.
  await db.schema
    .createIndex('visitors_site_external_id_uq')
    .on('visitors')
    .columns(['site_id', 'external_id'])
    .unique()
    .where(sql<boolean>`external_id is not null and verified = 1`)
    .execute();

  // Further tokens of a visitor (the first lives in visitors.token_hash): a verified identity reached
  // from a second browser gets its own token, and the first browser keeps working.
  await db.schema
    .createTable('visitor_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visitor_tokens_visitor_idx')
    .on('visitor_tokens')
    .column('visitor_id')
    .execute();

  await db.schema
    .createTable('visitor_events')
    .addColumn('id', 'integer', autoIncrementId(db))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visitor_events_visitor_id_idx')
    .on('visitor_events')
    .columns(['visitor_id', 'id'])
    .execute();
  await db.schema
    .createIndex('visitor_events_site_name_at_idx')
    .on('visitor_events')
    .columns(['site_id', 'name', 'at'])
    .execute();

  // Every e-mail sent for a visitor (transcripts): the audit trail, and what the abuse limits count,
  // so that they hold across nodes.
  await db.schema
    .createTable('mail_log')
    .addColumn('id', 'integer', autoIncrementId(db))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.references('visitors.id').onDelete('set null'))
    .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mail_log_visitor_at_idx')
    .on('mail_log')
    .columns(['visitor_id', 'at'])
    .execute();
  await db.schema.createIndex('mail_log_site_at_idx').on('mail_log').columns(['site_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_log').ifExists().execute();
  await db.schema.dropTable('visitor_events').ifExists().execute();
  await db.schema.dropTable('visitor_tokens').ifExists().execute();
  await db.schema.dropIndex('visitors_site_external_id_uq').ifExists().execute();
  await db.schema.alterTable('visitors').dropColumn('department_id').execute();
  await db.schema.alterTable('visitors').dropColumn('verified').execute();
  await db.schema.alterTable('conversations').dropColumn('rated_at').execute();
  await db.schema.alterTable('conversations').dropColumn('source').execute();
}
