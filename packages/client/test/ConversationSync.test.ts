import type { ClientFrame, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ConversationSync } from '../src/ConversationSync';

function message(seq: number): Message {
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
  };
}

function setup() {
  const sent: ClientFrame[] = [];
  const released: number[] = [];
  const problems: string[] = [];
  const sync = new ConversationSync(
    {
      send: (frame) => {
        sent.push(frame);
        return true;
      },
      released: (m) => released.push(m.seq),
      unfollowed: () => undefined,
      problem: (code) => problems.push(code),
    },
    { fetchLimit: 3, resumeGraceMs: 1000, retryDelayMs: () => 1000 },
  );
  const fetches = () => sent.filter((f) => f.t === 'fetch');
  return { sync, sent, released, problems, fetches };
}

describe('ConversationSync history pages', () => {
  it('pages with hasMore and treats the last page as covering the whole log', () => {
    const { sync, released, fetches } = setup();
    sync.connected([{ id: 'c1', lastSeq: 9 }], {}, true);
    expect(fetches()).toEqual([{ t: 'fetch', ref: 'f1', conversationId: 'c1', afterSeq: 0, limit: 3 }]);
    sync.history({
      t: 'history',
      ref: 'f1',
      conversationId: 'c1',
      messages: [1, 2, 3].map(message),
      lastSeq: 9,
      hasMore: true,
    });
    expect(fetches().at(-1)).toMatchObject({ ref: 'f2', afterSeq: 3 });
    // Seqs 4, 7 and 9 are private notes this visitor never sees; the page says it is the last one.
    sync.history({
      t: 'history',
      ref: 'f2',
      conversationId: 'c1',
      messages: [5, 6, 8].map(message),
      lastSeq: 9,
      hasMore: false,
    });
    expect(released).toEqual([1, 2, 3, 5, 6, 8]);
    expect(sync.log('c1')?.contiguousSeq).toBe(9);
    expect(fetches()).toHaveLength(2);
  });

  it('does not loop when the server cannot fill a gap', () => {
    const { sync, problems, fetches } = setup();
    sync.connected([{ id: 'c1', lastSeq: 0 }], {}, true);
    sync.receive(message(1), { follow: true });
    sync.receive(message(3), { follow: true });
    expect(fetches()).toHaveLength(1);
    // A misbehaving server answers with a full page that makes no progress.
    sync.history({
      t: 'history',
      ref: 'f1',
      conversationId: 'c1',
      messages: [message(1)],
      lastSeq: 3,
      hasMore: true,
    });
    expect(fetches()).toHaveLength(1);
    expect(problems).toEqual(['history_stalled']);
    sync.receive(message(4), { follow: true });
    expect(fetches()).toHaveLength(1);
    // A reconnect gives it another chance.
    sync.disconnected();
    sync.connected([{ id: 'c1', lastSeq: 4 }], { c1: 1 }, true);
    expect(fetches()).toHaveLength(2);
  });
});
