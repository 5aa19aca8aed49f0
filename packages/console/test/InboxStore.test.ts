import { describe, expect, test } from 'vitest';
import { InboxStore } from '../src/state/InboxStore';
import { at, buildConversation, buildMessage, COLLEAGUE, ME, SYSTEM, VISITOR } from './fixtures';

describe('InboxStore: unread counts and read marks', () => {
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

  test('summaries never move marks backwards, and closed conversations leave unless on screen', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ lastSeq: 5, readSeq: 4 }));
    inbox.upsert(buildConversation({ lastSeq: 3, readSeq: 1, status: 'closed' }));
    expect(inbox.get('c1')).toMatchObject({ lastSeq: 5, readSeq: 4, status: 'closed' });
    expect(inbox.rows(null)).toEqual([]);
    expect(inbox.rows('c1').map((r) => r.id)).toEqual(['c1']);
  });

  test('the tab title counts conversations with unread messages that are unassigned or mine', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'free', lastSeq: 2 }));
    inbox.upsert(buildConversation({ id: 'mine', lastSeq: 1, assigneeId: ME.id }));
    inbox.upsert(buildConversation({ id: 'theirs', lastSeq: 4, assigneeId: COLLEAGUE.id }));
    inbox.upsert(buildConversation({ id: 'read', lastSeq: 3, readSeq: 3 }));
    inbox.upsert(buildConversation({ id: 'closed', lastSeq: 3, status: 'closed' }));
    expect(inbox.unreadForMe()).toBe(2);
    expect(inbox.isForMe('free')).toBe(true);
    expect(inbox.isForMe('theirs')).toBe(false);
  });
});

describe('InboxStore: lists', () => {
  test('a welcome replaces the open list but keeps the conversation on screen and the closed ones loaded', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'a' }));
    inbox.upsert(buildConversation({ id: 'b' }));
    inbox.upsert(buildConversation({ id: 'c' }));
    inbox.upsert(buildConversation({ id: 'old', status: 'closed' }));
    inbox.reset([buildConversation({ id: 'c' }), buildConversation({ id: 'd' })], 'a');
    expect(inbox.has('b')).toBe(false);
    expect(
      inbox
        .rows('a')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'c', 'd']);
    expect(inbox.has('old')).toBe(true);
  });

  test('views, statuses and sites filter the list; counts are per view', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'free' }));
    inbox.upsert(buildConversation({ id: 'mine', assigneeId: ME.id }));
    inbox.upsert(buildConversation({ id: 'dept', assigneeId: COLLEAGUE.id, departmentId: 'sales' }));
    inbox.upsert(buildConversation({ id: 'other-site', siteId: 'site-2' }));
    inbox.upsert(buildConversation({ id: 'waiting', status: 'pending' }));
    inbox.setMyDepartments(['sales']);
    const ids = (): string[] =>
      inbox
        .rows(null)
        .map((r) => r.id)
        .sort();
    expect(ids()).toEqual(['dept', 'free', 'mine', 'other-site']);
    inbox.setFilter({ view: 'unassigned' });
    expect(ids()).toEqual(['free', 'other-site']);
    inbox.setFilter({ view: 'mine' });
    expect(ids()).toEqual(['mine']);
    inbox.setFilter({ view: 'departments' });
    expect(ids()).toEqual(['dept']);
    inbox.setFilter({ view: 'all', siteId: 'site-1' });
    expect(ids()).toEqual(['dept', 'free', 'mine']);
    expect(inbox.counts()).toEqual({ unassigned: 1, mine: 1, departments: 1, all: 3 });
    inbox.setFilter({ status: 'pending' });
    expect(ids()).toEqual(['waiting']);
  });

  test('longest waiting first (the server’s waitingSince), kept current by messages between summaries', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'new', lastSeq: 1, lastMessageAt: at(30), waitingSince: at(30) }));
    inbox.upsert(buildConversation({ id: 'answered', lastSeq: 4, lastMessageAt: at(40) }));
    inbox.upsert(buildConversation({ id: 'quiet', lastSeq: 2, lastMessageAt: at(20) }));
    expect(inbox.rows(null).map((r) => [r.id, r.waitingSince])).toEqual([
      ['new', at(30)],
      ['answered', null],
      ['quiet', null],
    ]);
    inbox.message(buildMessage(3, VISITOR, { conversationId: 'quiet', at: at(25) }));
    inbox.message(buildMessage(4, VISITOR, { conversationId: 'quiet', at: at(26) }));
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['quiet', 'new', 'answered']);
    expect(inbox.rows(null)[0]?.waitingSince).toBe(at(25));
    // A summary built before those messages (a read mark's) does not undo them.
    inbox.upsert(buildConversation({ id: 'quiet', lastSeq: 4, readSeq: 2, lastMessageAt: at(20) }));
    expect(inbox.rows(null)[0]?.waitingSince).toBe(at(25));
    // A note or a system line is no answer; a public reply is.
    inbox.message(buildMessage(5, ME, { conversationId: 'quiet', at: at(50), private: true }));
    inbox.message(buildMessage(6, SYSTEM, { conversationId: 'quiet', at: at(51) }));
    expect(inbox.rows(null)[0]?.id).toBe('quiet');
    inbox.message(buildMessage(7, ME, { conversationId: 'quiet', at: at(52) }));
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['new', 'quiet', 'answered']);
    // The server's later word wins.
    inbox.upsert(
      buildConversation({ id: 'answered', lastSeq: 5, lastMessageAt: at(60), waitingSince: at(60) }),
    );
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['new', 'answered', 'quiet']);
  });

  test('snoozed conversations leave open and pending for their own tab; a tag narrows the list', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation({ id: 'awake', tagIds: ['vip'] }));
    inbox.upsert(buildConversation({ id: 'asleep', snoozedUntil: at(3600) }));
    inbox.upsert(buildConversation({ id: 'closed', status: 'closed', snoozedUntil: at(3600) }));
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['awake']);
    inbox.setFilter({ status: 'snoozed' });
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['asleep']);
    inbox.setFilter({ status: 'open' });
    inbox.setTag('vip');
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['awake']);
    inbox.setTag('other');
    expect(inbox.rows(null)).toEqual([]);
  });

  test('the preview follows public messages only; files show by name', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation());
    inbox.message(buildMessage(1, VISITOR, { body: 'Hello' }));
    inbox.message(buildMessage(2, ME, { body: 'secret', private: true }));
    expect(inbox.rows(null)[0]?.preview).toBe('Hello');
    inbox.message(
      buildMessage(3, VISITOR, {
        body: '',
        attachments: [
          { id: 'f', name: 'invoice.pdf', size: 3, contentType: 'application/pdf', url: '/files/f' },
        ],
      }),
    );
    expect(inbox.rows(null)[0]?.preview).toBe('📎 invoice.pdf');
  });

  test('closed conversations come in pages and are sorted by closing time', () => {
    const inbox = new InboxStore(ME.id);
    inbox.setFilter({ status: 'closed' });
    inbox.closedLoading();
    expect(inbox.closed.loading).toBe(true);
    inbox.closedPage(
      [
        buildConversation({ id: 'early', status: 'closed', closedAt: at(10) }),
        buildConversation({ id: 'late', status: 'closed', closedAt: at(20) }),
      ],
      'cursor-1',
    );
    expect(inbox.closed).toEqual({ loading: false, nextCursor: 'cursor-1', loaded: true, error: null });
    expect(inbox.rows(null).map((r) => r.id)).toEqual(['late', 'early']);
    // Another site: the pages loaded so far no longer describe the list.
    inbox.setFilter({ siteId: 'site-2' });
    expect(inbox.closed.loaded).toBe(false);
  });

  test('anonymous visitors are named by a short id; a kept filter is restored, junk ignored', () => {
    const inbox = new InboxStore(ME.id);
    inbox.upsert(buildConversation());
    inbox.upsert(buildConversation({ id: 'named', visitorName: 'Ada' }));
    expect(
      inbox
        .rows(null)
        .map((r) => r.title)
        .sort(),
    ).toEqual(['Ada', 'Visitor 3f2a9c1b']);
    inbox.restoreFilter({ view: 'mine', status: 'nonsense' });
    expect(inbox.filter).toEqual({ view: 'mine', status: 'open', siteId: null });
  });
});
