import { describe, expect, it } from 'vitest';
import type { Conversation, PendingMessage } from '@parley/client/core';
import type { Message } from '@parley/protocol';
import { ChatStore, type ChatSource } from '../src/ui/chatStore';

const at = '2026-06-01T12:00:00.000Z';
const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  status: 'open',
  lastSeq: 3,
  readSeq: 1,
  peerReadSeq: 1,
  assignee: null,
  rating: null,
  createdAt: at,
  closedAt: null,
  ...over,
});
const message = (seq: number, kind: 'visitor' | 'agent', body: string): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  author: { kind, id: kind === 'agent' ? 'a1' : 'v1', name: kind === 'agent' ? 'Ann' : null },
  body,
  private: false,
  attachments: [],
  clientMsgId: null,
  at,
});

function source(
  conversations: Conversation[],
  messages: Message[],
  pending: PendingMessage[] = [],
): ChatSource {
  return { conversations: () => conversations, messages: () => messages, pending: () => pending };
}

describe('ChatStore', () => {
  it('rows carry delivery marks: read up to the team mark, delivered after it, queued or sent while pending', () => {
    const store = new ChatStore();
    const pending: PendingMessage = { clientMsgId: 'p1', body: 'later', private: false, createdAt: at };
    store.attach(
      source(
        [conversation()],
        [message(1, 'visitor', 'a'), message(2, 'agent', 'b'), message(3, 'visitor', 'c')],
        [pending],
      ),
    );
    expect(store.rows().map((r) => [r.body, r.delivery])).toEqual([
      ['a', 'read'],
      ['b', null],
      ['c', 'delivered'],
      ['later', 'queued'],
    ]);
    store.apply({ type: 'state', payload: 'open' }, 0);
    expect(store.rows().at(-1)?.delivery).toBe('sent');
  });

  it('counts unread team messages and lists the read marks to send', () => {
    const store = new ChatStore();
    store.attach(
      source(
        [conversation()],
        [message(1, 'visitor', 'a'), message(2, 'agent', 'b'), message(3, 'agent', 'c')],
      ),
    );
    expect(store.unread()).toBe(2);
    expect(store.lastSeqs()).toEqual([['c1', 3]]);
  });

  it('a team message above the read mark is announced; history below it is not; typing ends with the message', () => {
    const store = new ChatStore();
    store.attach(source([conversation({ readSeq: 2 })], []));
    store.apply(
      {
        type: 'typing',
        payload: { t: 'typing', conversationId: 'c1', author: message(1, 'agent', '').author },
      },
      1000,
    );
    expect(store.typingNow(2000)).toEqual({ name: 'Ann', until: 7000 });
    expect(store.typingNow(8000)).toBeNull();
    expect(store.apply({ type: 'message', payload: message(2, 'agent', 'old') }, 1500)).toBeNull();
    expect(store.apply({ type: 'message', payload: message(3, 'agent', 'new') }, 1500)?.body).toBe('new');
    expect(store.announcement).toEqual({ author: 'Ann', body: 'new' });
    expect(store.typing).toBeNull();
  });

  it('says what the connection line shows', () => {
    const store = new ChatStore();
    expect(store.connection()).toBe('connecting');
    store.apply({ type: 'state', payload: 'open' }, 0);
    expect(store.connection()).toBeNull();
    store.apply({ type: 'state', payload: 'reconnecting' }, 0);
    expect(store.connection()).toBe('reconnecting');
    store.online = false;
    expect(store.connection()).toBe('offline');
    store.unavailable = true;
    expect(store.connection()).toBe('unavailable');
  });
});
