/**
 * Upgrading a database that has data to 007_log_facts: each conversation's first visitor message,
 * first agent reply and public message count are worked out from its log as it stands (notes,
 * system lines and a proactive opening included), and the index of 006 goes away.
 */
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate';
import { OLD_AGENT, OLD_SITE, useOldDatabase } from './testDb';

const t = useOldDatabase([
  '001_initial',
  '002_files',
  '003_widget',
  '004_cluster',
  '005_console',
  '006_analytics',
]);

describe('migration 007_log_facts', () => {
  it('works the facts out from the logs already written', async () => {
    const db = t.old;
    const { database } = t;
    await db.insertInto('sites').values(OLD_SITE).execute();
    await db
      .insertInto('visitors')
      .values({ id: 'v', site_id: 's', token_hash: 'h', attributes: '{}', first_seen_at: 1, last_seen_at: 1 })
      .execute();
    await db.insertInto('agents').values(OLD_AGENT).execute();
    const conversation = (id: string, source: string) => ({
      id,
      site_id: 's',
      visitor_id: 'v',
      status: 'closed',
      source,
      created_at: 100,
      updated_at: 100,
      last_seq: 5,
    });
    await db
      .insertInto('conversations')
      .values([
        conversation('chat', 'chat'),
        conversation('proactive', 'proactive'),
        conversation('empty', 'chat'),
      ])
      .execute();
    let seq = 0;
    const message = (conversationId: string, kind: string, at: number, priv = 0) => ({
      id: `m${String(++seq)}`,
      conversation_id: conversationId,
      seq,
      author_kind: kind,
      author_id: kind === 'agent' ? 'a' : kind === 'visitor' ? 'v' : null,
      private: priv,
      body: 'x',
      attachments: '[]',
      client_msg_id: null,
      created_at: at,
    });
    await db
      .insertInto('messages')
      .values([
        message('chat', 'visitor', 100),
        message('chat', 'agent', 150, 1),
        message('chat', 'agent', 200),
        message('chat', 'visitor', 250),
        message('chat', 'system', 300),
        message('proactive', 'agent', 100),
        message('proactive', 'visitor', 400),
        message('proactive', 'agent', 450, 1),
        message('proactive', 'agent', 500),
        message('empty', 'system', 100),
      ])
      .execute();

    expect((await migrateToLatest(database.db)).applied).toEqual(['007_log_facts']);

    expect(
      await database.db
        .selectFrom('conversations')
        .select(['id', 'first_visitor_at', 'first_reply_at', 'public_messages'])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: 'chat', first_visitor_at: 100, first_reply_at: 200, public_messages: 3 },
      { id: 'empty', first_visitor_at: null, first_reply_at: null, public_messages: 0 },
      // The agent's opening line is before the visitor's first message: not a reply.
      { id: 'proactive', first_visitor_at: 400, first_reply_at: 500, public_messages: 3 },
    ]);
    const dropped =
      database.dialect === 'sqlite'
        ? await db
            .selectFrom('sqlite_master')
            .select('name')
            .where('name', '=', 'messages_analytics_idx')
            .execute()
        : await db
            .selectFrom('pg_indexes')
            .select('indexname')
            .where('indexname', '=', 'messages_analytics_idx')
            .execute();
    expect(dropped).toEqual([]);
  });
});
