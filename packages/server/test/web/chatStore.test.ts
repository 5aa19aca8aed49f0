import { describe, expect, test } from 'vitest';
import type { Conversation, PendingMessage } from '@parley/client';
import type { Message } from '@parley/protocol';
import { VisitorChatStore } from '../../src/web/demo/chatStore';
import type { ChatSource } from '../../src/web/demo/chatSource';
import { buildConversation, buildMessage, ME, SYSTEM, VISITOR } from './fixtures';

function source(
  log: Message[],
  pending: PendingMessage[] = [],
  conversations: Conversation[] = [],
): ChatSource {
  return {
    conversations: () => conversations,
    messages: (id) => log.filter((m) => m.conversationId === id),
    pending: () => pending,
    send: () => undefined,
    typing: () => undefined,
    markRead: () => undefined,
  };
}

const conversation = { id: 'c1', createdAt: '2026-01-01T12:00:00.000Z' };

describe('VisitorChatStore', () => {
  test('rows: the log in seq order, then what is still in the outbox', () => {
    const log = [
      buildMessage(1, VISITOR),
      buildMessage(2, { ...ME, name: 'Owner' }),
      buildMessage(3, SYSTEM),
    ];
    const pending = [
      { clientMsgId: 'p1', body: 'on its way', private: false, createdAt: '2026-01-01T12:01:00.000Z' },
    ];
    const store = new VisitorChatStore();
    store.attach(source(log, pending));
    store.conversation(conversation);
    const rows = store.view(0).rows;
    expect(rows.map((r) => [r.kind, r.author, r.delivery])).toEqual([
      ['you', 'You', 'sent'],
      ['agent', 'Owner', null],
      ['system', '', null],
      ['you', 'You', 'sending'],
    ]);
  });

  test("the agents' read mark (the client's peerReadSeq) turns the visitor's messages read, up to its seq", () => {
    const log = [buildMessage(1, VISITOR), buildMessage(2, VISITOR)];
    const store = new VisitorChatStore();
    store.attach(source(log, [], [buildConversation({ lastSeq: 2, readSeq: 2, peerReadSeq: 1 })]));
    expect(store.view(0).rows.map((r) => r.delivery)).toEqual(['read', 'sent']);
  });

  test('an own message keeps its row key from pending to stored', () => {
    const pending = {
      clientMsgId: 'cm-1',
      body: 'hi',
      private: false,
      createdAt: '2026-01-01T12:00:00.000Z',
    };
    const before = new VisitorChatStore();
    before.attach(source([], [pending]));
    const after = new VisitorChatStore();
    after.attach(source([buildMessage(1, VISITOR, { body: 'hi' })], [pending]));
    after.conversation(conversation);
    expect(before.view(0).rows.map((r) => r.key)).toEqual(['c:cm-1']);
    // Still listed as pending by a lagging outbox: shown once.
    expect(after.view(0).rows.map((r) => r.key)).toEqual(['c:cm-1']);
  });

  test('the connection line says whether unsent messages wait', () => {
    const store = new VisitorChatStore();
    store.attach(
      source([], [{ clientMsgId: 'p', body: 'x', private: false, createdAt: '2026-01-01T12:00:00.000Z' }]),
    );
    store.connection('reconnecting');
    expect(store.view(0).connection.text).toBe('Offline — your message will be sent');
    store.connection('open');
    expect(store.view(0).connection.text).toBe('Connected');
    store.network(false);
    expect(store.view(0).connection.tone).toBe('offline');
  });
});
