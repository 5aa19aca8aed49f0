import type { Kysely } from 'kysely';

/**
 * Analytics (docs/analytics.md): a report reads, for each conversation of the period, its first
 * visitor message, its first public agent message and how many public messages it has. This
 * index answers that from the index alone, in conversation order (no table row is read, no sort):
 * one more B-tree entry per message written, for reports over 100,000 conversations in well under
 * a second (docs/performance.md, "Analytics"). Conversations are found by the existing
 * (site_id, created_at) index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_analytics_idx')
    .on('messages')
    .columns(['conversation_id', 'author_kind', 'private', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_analytics_idx').execute();
}
