import { describe, expect, test } from 'vitest';
import { InboxStore } from '../../src/web/console/inboxStore';
import { buildConversation, buildMessage, COLLEAGUE, ME, SYSTEM, VISITOR } from './fixtures';

describe('InboxStore', () => {
  test('unread counts what others wrote after the own read mark', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ lastSeq: 1, readSeq: 0 }));
    expect(inbox.rows(null)[0]?.unread).toBe(1);
    inbox.message(buildMessage(2, ME));
    inbox.message(buildMessage(3, COLLEAGUE, { private: true }));
    inbox.message(buildMessage(4, VISITOR));
    expect(inbox.rows(null)[0]?.unread).toBe(3);
  });

  test("the client's summaries carry the read marks: a raised readSeq lowers unread", () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ lastSeq: 3 }));
    inbox.message(buildMessage(4, ME));
    expect(inbox.rows(null)[0]?.unread).toBe(3);
    inbox.upsert(buildConversation({ lastSeq: 4, readSeq: 2, peerReadSeq: 2 }));
    expect(inbox.rows(null)[0]?.unread).toBe(1);
    expect(inbox.get('c1')?.peerReadSeq).toBe(2);
    inbox.upsert(buildConversation({ lastSeq: 4, readSeq: 4, peerReadSeq: 2 }));
    expect(inbox.rows(null)[0]?.unread).toBe(0);
  });

  test('newest activity first; the preview follows public messages only', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'old', lastMessageAt: '2026-01-01T10:00:00.000Z' }));
    inbox.upsert(buildConversation({ id: 'c1', lastMessageAt: '2026-01-01T09:00:00.000Z' }));
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['old', 'c1']);
    inbox.message(buildMessage(1, VISITOR, { body: 'Hello' }));
    inbox.message(buildMessage(2, ME, { body: 'secret', private: true }));
    const [first] = inbox.rows(null);
    expect([first?.id, first?.preview]).toEqual(['c1', 'Hello']);
    inbox.message(buildMessage(3, SYSTEM, { body: 'Me closed the conversation' }));
    expect(inbox.rows(null)[0]?.preview).toBe('Me closed the conversation');
  });

  test('summaries never move marks backwards, and closed conversations leave unless on screen', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ lastSeq: 5, readSeq: 4 }));
    inbox.upsert(buildConversation({ lastSeq: 3, readSeq: 1, status: 'closed' }));
    expect(inbox.get('c1')).toMatchObject({ lastSeq: 5, readSeq: 4, status: 'closed' });
    expect(inbox.rows(null)).toEqual([]);
    expect(inbox.rows('c1').map((r) => r.id)).toEqual(['c1']);
  });

  test('a welcome replaces the list but keeps the conversation on screen', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'a' }));
    inbox.upsert(buildConversation({ id: 'b' }));
    inbox.upsert(buildConversation({ id: 'c' }));
    inbox.reset([buildConversation({ id: 'c' }), buildConversation({ id: 'd' })], 'a');
    expect(
      inbox
        .rows('a')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'c', 'd']);
  });

  test('anonymous visitors are named by a short id', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation());
    inbox.upsert(buildConversation({ id: 'named', visitorName: 'Ada' }));
    expect(
      inbox
        .rows(null)
        .map((r) => r.title)
        .sort(),
    ).toEqual(['Ada', 'Visitor 3f2a9c1b']);
  });
});
