import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ConversationLog } from '../src/ConversationLog';

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    author: { kind: 'agent', id: 'a1', name: 'Ann' },
    body: `body ${seq}`,
    private: false,
    attachments: [],
    clientMsgId: null,
    at: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);

describe('ConversationLog', () => {
  it('releases in-order messages at once and tracks the contiguous seq', () => {
    const log = new ConversationLog('c1');
    expect(seqs(log.add(message(1)))).toEqual([1]);
    expect(seqs(log.add(message(2)))).toEqual([2]);
    expect(log.contiguousSeq).toBe(2);
    expect(log.hasGap).toBe(false);
    expect(log.isBehind).toBe(false);
  });

  it('ignores a seq it already has', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    expect(log.add(message(1, { body: 'again' }))).toEqual([]);
    expect(log.messages().map((m) => m.body)).toEqual(['body 1']);
  });

  it('holds messages beyond a gap and releases them in order once it is filled', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    expect(log.add(message(4))).toEqual([]);
    expect(log.add(message(3))).toEqual([]);
    expect(log.hasGap).toBe(true);
    expect(log.contiguousSeq).toBe(1);
    expect(log.knownLastSeq).toBe(4);
    expect(seqs(log.add(message(2)))).toEqual([2, 3, 4]);
    expect(log.hasGap).toBe(false);
    expect(seqs(log.messages())).toEqual([1, 2, 3, 4]);
  });

  it('knows it is behind when the server reports a higher last seq', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    log.noteLastSeq(5);
    expect(log.isBehind).toBe(true);
    expect(log.hasGap).toBe(false);
    log.noteLastSeq(3);
    expect(log.knownLastSeq).toBe(5);
  });

  it('moves past seqs a history page vouches are not visible (private notes)', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    log.add(message(4));
    // The page after seq 1 held only seq 4: seqs 2 and 3 are not for this client.
    expect(seqs(log.coverRange(1, 4))).toEqual([4]);
    expect(log.contiguousSeq).toBe(4);
    expect(seqs(log.add(message(5)))).toEqual([5]);
  });

  it('covers through lastSeq for an empty page, and ignores pages that start beyond what it has', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    expect(log.coverRange(3, 9)).toEqual([]);
    expect(log.contiguousSeq).toBe(1);
    expect(log.coverRange(1, 2)).toEqual([]);
    expect(log.contiguousSeq).toBe(2);
    expect(log.isBehind).toBe(false);
  });

  it('still delivers a skipped seq that turns up later rather than lose it', () => {
    const log = new ConversationLog('c1');
    log.add(message(1));
    log.add(message(3));
    log.coverRange(1, 3);
    expect(seqs(log.add(message(2)))).toEqual([2]);
    expect(seqs(log.messages())).toEqual([1, 2, 3]);
    expect(log.add(message(2))).toEqual([]);
  });

  it('replaces a provisional message with the server copy without releasing it twice', () => {
    const log = new ConversationLog('c1');
    expect(seqs(log.add(message(1, { author: { kind: 'agent', id: null, name: null } }), true))).toEqual([1]);
    expect(log.add(message(1))).toEqual([]);
    expect(log.messages()[0]?.author.id).toBe('a1');
    // Only the server's copy may replace a provisional one, and only once.
    expect(log.add(message(1, { body: 'later duplicate' }))).toEqual([]);
    expect(log.messages()[0]?.body).toBe('body 1');
  });
});
