/**
 * Upgrading a database that has data to 005_console: waiting times are worked out from the logs,
 * visits start at the last sign of each visitor, and the full-text indexes take in what was
 * written before (then stay current through later inserts and deletes).
 */
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate';
import { searchStore } from '../src/search/store';
import { OLD_AGENT, OLD_SITE, useOldDatabase } from './testDb';

const t = useOldDatabase(['001_initial', '002_files', '003_widget', '004_cluster']);

describe('migration 005_console', () => {
  it('upgrades a database with data in place', async () => {
    const db = t.old;
    const { database } = t;
    await db.insertInto('sites').values(OLD_SITE).execute();
    const visitor = (id: string, name: string | null, email: string | null) => ({
      id,
      site_id: 's',
      token_hash: `h-${id}`,
      name,
      email,
      attributes: '{}',
      first_seen_at: 1,
      last_seen_at: 5000,
      last_page_url: 'https://shop.example/',
    });
    await db
      .insertInto('visitors')
      .values([visitor('v1', 'Grace Hopper', 'grace@navy.example'), visitor('v2', null, null)])
      .execute();
    await db.insertInto('agents').values(OLD_AGENT).execute();
    const conversation = (id: string, visitorId: string, status: string, firstResponseAt: number | null) => ({
      id,
      site_id: 's',
      visitor_id: visitorId,
      status,
      created_at: 100,
      updated_at: 100,
      first_response_at: firstResponseAt,
      last_seq: 4,
    });
    await db
      .insertInto('conversations')
      .values([
        conversation('answered-then-asked', 'v1', 'open', 200),
        conversation('never-answered', 'v2', 'open', null),
      ])
      .execute();
    // Closed conversations wait for nothing.
    await db
      .insertInto('conversations')
      .values(conversation('closed', 'v1', 'closed', 200))
      .execute();
    const message = (
      conversationId: string,
      seq: number,
      kind: string,
      body: string,
      at: number,
      priv = 0,
    ) => ({
      id: `${conversationId}-${seq}`,
      conversation_id: conversationId,
      seq,
      author_kind: kind,
      author_id: kind === 'agent' ? 'a' : kind === 'visitor' ? 'v1' : null,
      private: priv,
      body,
      attachments: '[]',
      client_msg_id: kind === 'system' ? null : `cm-${conversationId}-${seq}`,
      created_at: at,
    });
    await db
      .insertInto('messages')
      .values([
        message('answered-then-asked', 1, 'visitor', 'Where is my parcel?', 150),
        message('answered-then-asked', 2, 'agent', 'On its way.', 200),
        message('answered-then-asked', 3, 'agent', 'note: courier delayed', 250, 1),
        message('answered-then-asked', 4, 'visitor', 'It has not arrived, the lighthouse is waiting', 300),
        message('never-answered', 1, 'system', 'Ann joined the lighthouse', 120),
      ])
      .execute();

    const applied = await migrateToLatest(database.db);
    expect(applied.applied).toContain('005_console');

    const convs = await database.db
      .selectFrom('conversations')
      .select(['id', 'waiting_since', 'snoozed_until'])
      .orderBy('id')
      .execute();
    expect(convs).toEqual([
      // Answered, and a visitor message after the last public answer (the note does not count).
      { id: 'answered-then-asked', waiting_since: 300, snoozed_until: null },
      { id: 'closed', waiting_since: null, snoozed_until: null },
      { id: 'never-answered', waiting_since: 100, snoozed_until: null },
    ]);
    expect(
      await database.db
        .selectFrom('visitors')
        .select(['id', 'visit_started_at', 'last_page_at', 'visits', 'socket_seen_at'])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: 'v1', visit_started_at: 5000, last_page_at: 5000, visits: 1, socket_seen_at: null },
      { id: 'v2', visit_started_at: 5000, last_page_at: 5000, visits: 1, socket_seen_at: null },
    ]);

    // What was written before is in the index; system lines are not.
    const scope = { siteIds: 'all' as const, limit: 10 };
    const hits = await searchStore.messages(database.db, database.dialect, ['lighthouse'], scope);
    expect(hits.map((h) => h.id)).toEqual(['answered-then-asked-4']);
    const people = await searchStore.visitors(database.db, database.dialect, ['hopper'], scope);
    expect(people.map((p) => p.conversation_id)).toEqual(['closed', 'answered-then-asked']);

    // And it stays current: a new message, a changed name, deletions cascaded from a conversation.
    await db
      .insertInto('messages')
      .values({
        ...message('never-answered', 2, 'visitor', 'A lighthouse keeper writes', 400),
        author_id: 'v2',
      })
      .execute();
    await database.db.updateTable('visitors').set({ name: 'Ada Keeper' }).where('id', '=', 'v2').execute();
    expect(
      (await searchStore.messages(database.db, database.dialect, ['lighthouse'], scope)).map((h) => h.id),
    ).toEqual(['never-answered-2', 'answered-then-asked-4']);
    expect(
      (await searchStore.visitors(database.db, database.dialect, ['keeper'], scope)).map(
        (p) => p.conversation_id,
      ),
    ).toEqual(['never-answered']);
    await database.db.deleteFrom('conversations').where('id', '=', 'answered-then-asked').execute();
    expect(
      (await searchStore.messages(database.db, database.dialect, ['lighthouse'], scope)).map((h) => h.id),
    ).toEqual(['never-answered-2']);
    await database.db.deleteFrom('visitors').where('id', '=', 'v2').execute();
    expect(await searchStore.visitors(database.db, database.dialect, ['keeper'], scope)).toEqual([]);
  });
});
