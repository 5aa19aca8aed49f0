import { describe, expect, it, vi } from 'vitest';
import { type Conversation } from '../src/index';
import { AGENT, VISITOR } from './fakeServer';
import { connected, record, sleep, useFakeServer } from './helpers';

const fx = useFakeServer();
const { visitor, agent } = fx;

const marks = (c: Conversation | undefined) => ({ readSeq: c?.readSeq, peerReadSeq: c?.peerReadSeq });

/** Typing previews the server received, and whether each came before the first `send`. */
function typingTimeline(): { preview: string | undefined; conversationId: string; beforeSend: boolean }[] {
  const firstSend = fx.server.received.findIndex((f) => f.t === 'send');
  return fx.server.received.flatMap((f, i) =>
    f.t === 'typing'
      ? [{ preview: f.preview, conversationId: f.conversationId, beforeSend: firstSend < 0 || i < firstSend }]
      : [],
  );
}

describe('typing and send', () => {
  it('never announces a draft after the message that contained it', async () => {
    const client = visitor({ typingIntervalMs: 100 });
    await connected(client);
    client.typing('c1', 'h');
    client.typing('c1', 'hello');
    await client.send('hello').acked;
    await sleep(200);
    // 'hello' was due at the end of the interval: the send dropped it.
    expect(typingTimeline()).toEqual([{ preview: 'h', conversationId: 'c1', beforeSend: true }]);
  });

  it('still announces (throttled) a new draft typed right after the send', async () => {
    const client = visitor({ typingIntervalMs: 100 });
    await connected(client);
    client.typing('c1', 'a');
    client.typing('c1', 'ab');
    client.send('ab');
    client.typing('c1', 'n');
    await vi.waitFor(() => expect(fx.server.framesOf('typing')).toHaveLength(2));
    await sleep(150);
    expect(typingTimeline()).toEqual([
      { preview: 'a', conversationId: 'c1', beforeSend: true },
      { preview: 'n', conversationId: 'c1', beforeSend: false },
    ]);
  });

  it('a visitor send drops the pending typing of every conversation, whatever it names', async () => {
    const client = visitor({ typingIntervalMs: 100 });
    await connected(client);
    client.typing('c1', 'x');
    client.typing('c1', 'xy');
    client.typing('c2', 'p');
    client.typing('c2', 'pq');
    // Into a closed chat, say: the message may land in another conversation.
    client.send('pq', { conversationId: 'c2' });
    await sleep(200);
    expect(typingTimeline().map((t) => t.preview)).toEqual(['x', 'p']);
  });

  it("an agent's send drops the pending typing of that conversation only", async () => {
    fx.server.post('c1', 'hello', { author: VISITOR });
    fx.server.post('c2', 'hi', { author: VISITOR });
    const client = agent({ typingIntervalMs: 100 });
    await connected(client);
    client.typing('c1', 'x');
    client.typing('c1', 'xy');
    client.typing('c2', 'p');
    client.typing('c2', 'pq');
    client.send('xy', { conversationId: 'c1' });
    await sleep(200);
    expect(typingTimeline()).toEqual([
      { preview: 'x', conversationId: 'c1', beforeSend: true },
      { preview: 'p', conversationId: 'c2', beforeSend: true },
      { preview: 'pq', conversationId: 'c2', beforeSend: false },
    ]);
  });

  it('a send refused as invalid leaves the pending typing alone', async () => {
    const client = visitor({ typingIntervalMs: 100 });
    await connected(client);
    client.typing('c1', ' ');
    client.typing('c1', '  x');
    expect(() => client.send('   ')).toThrow(/empty/);
    await vi.waitFor(() => expect(fx.server.framesOf('typing')).toHaveLength(2));
  });
});

describe('read marks in the conversation summaries', () => {
  it("a visitor's summary follows the agents' mark (peerReadSeq), never lowered", async () => {
    for (const body of ['one', 'two', 'three']) fx.server.post('c1', body, { author: VISITOR });
    const client = visitor();
    const events = record(client);
    await connected(client);
    expect(marks(client.conversation('c1'))).toEqual({ readSeq: 0, peerReadSeq: 0 });

    const seen: (number | undefined)[] = [];
    client.on('read', (frame) => seen.push(client.conversation(frame.conversationId)?.peerReadSeq));
    fx.server.storeMark('c1', AGENT, 2);
    await vi.waitFor(() => expect(events.read).toHaveLength(1));
    // Applied before the `read` event, and announced as a `conversation` event.
    expect(seen).toEqual([2]);
    expect(marks(client.conversation('c1'))).toEqual({ readSeq: 0, peerReadSeq: 2 });
    expect(events.conversation.map(marks)).toEqual([{ readSeq: 0, peerReadSeq: 2 }]);

    // An older mark (frames crossing) changes nothing, and is not announced as a change.
    fx.server.broadcast({ t: 'read', conversationId: 'c1', reader: { kind: 'agent', id: 'a2' }, seq: 1 });
    await vi.waitFor(() => expect(events.read).toHaveLength(2));
    expect(client.conversation('c1')?.peerReadSeq).toBe(2);
    expect(events.conversation).toHaveLength(1);
  });

  it("an agent's summary: own mark is readSeq, the visitor's is peerReadSeq, a colleague's neither", async () => {
    for (const body of ['one', 'two', 'three', 'four']) fx.server.post('c1', body, { author: VISITOR });
    const client = agent();
    const events = record(client);
    await connected(client);

    fx.server.broadcast({ t: 'read', conversationId: 'c1', reader: { kind: 'agent', id: 'a2' }, seq: 4 });
    fx.server.storeMark('c1', VISITOR, 3);
    await vi.waitFor(() => expect(events.read).toHaveLength(2));
    expect(marks(client.conversation('c1'))).toEqual({ readSeq: 0, peerReadSeq: 3 });

    // Our own mark, set in another tab: the server's echo reaches every socket of ours.
    fx.server.storeMark('c1', AGENT, 2);
    await vi.waitFor(() => expect(events.read).toHaveLength(3));
    expect(marks(client.conversation('c1'))).toEqual({ readSeq: 2, peerReadSeq: 3 });
    expect(events.conversation.map(marks)).toEqual([
      { readSeq: 0, peerReadSeq: 3 },
      { readSeq: 2, peerReadSeq: 3 },
    ]);
    // This client already knew it: nothing is sent back.
    await sleep(30);
    expect(fx.server.framesOf('read')).toEqual([]);
  });

  it('markRead raises readSeq at once (up to lastSeq); the echo confirms it without another event', async () => {
    for (const body of ['one', 'two', 'three']) fx.server.post('c1', body);
    const client = visitor();
    const events = record(client);
    await connected(client);

    client.markRead('c1', 2);
    expect(client.conversation('c1')?.readSeq).toBe(2);
    expect(events.conversation.map((c) => c.readSeq)).toEqual([2]);
    // Past the end of the log: the server caps a mark at lastSeq, and so does the summary.
    client.markRead('c1', 9);
    expect(client.conversation('c1')?.readSeq).toBe(3);
    client.markRead('c1', 1);
    expect(client.conversation('c1')?.readSeq).toBe(3);
    expect(events.conversation.map((c) => c.readSeq)).toEqual([2, 3]);

    await vi.waitFor(() =>
      expect(events.read).toEqual([
        { t: 'read', conversationId: 'c1', reader: { kind: 'visitor', id: 'v1' }, seq: 3 },
      ]),
    );
    expect(fx.server.framesOf('read').map((f) => f.seq)).toEqual([9]);
    expect(client.conversation('c1')?.readSeq).toBe(3);
    expect(events.conversation).toHaveLength(2);
  });

  it('a conversation frame never takes a mark back', async () => {
    fx.server.post('c1', 'one', { author: VISITOR });
    fx.server.post('c1', 'two');
    const client = visitor();
    const events = record(client);
    await connected(client);
    fx.server.storeMark('c1', AGENT, 1);
    await vi.waitFor(() => expect(client.conversation('c1')?.peerReadSeq).toBe(1));
    fx.server.storeReads = false;
    client.markRead('c1', 2);

    // Built before either mark was stored, delivered after them.
    const [conn] = fx.server.openSockets();
    if (conn === undefined) throw new Error('not connected');
    const stale = { ...fx.server.summary(conn, 'c1'), readSeq: 0, peerReadSeq: 0 };
    fx.server.broadcast({ t: 'conversation', conversation: { ...stale, status: 'closed' } });
    await vi.waitFor(() => expect(client.conversation('c1')?.status).toBe('closed'));
    expect(marks(client.conversation('c1'))).toEqual({ readSeq: 2, peerReadSeq: 1 });
    expect(marks(events.conversation.at(-1))).toEqual({ readSeq: 2, peerReadSeq: 1 });
  });

  it('a mark lost with its socket is sent again after the reconnect, and the summary keeps it', async () => {
    for (const body of ['one', 'two']) fx.server.post('c1', body);
    const client = visitor();
    await connected(client);
    fx.server.storeReads = false;
    client.markRead('c1', 2);
    await vi.waitFor(() => expect(fx.server.framesOf('read')).toHaveLength(1));

    fx.server.storeReads = true;
    const atWelcome: (number | undefined)[] = [];
    client.on('welcome', (welcome) => {
      atWelcome.push(welcome.conversations[0]?.readSeq, client.conversation('c1')?.readSeq);
    });
    const events = record(client);
    fx.server.dropAll();
    await vi.waitFor(() => expect(fx.server.marks.get('c1 visitor:v1')).toBe(2));
    // The server's welcome did not have it; the client's summary did all along.
    expect(atWelcome).toEqual([0, 2]);
    expect(events.conversation.map((c) => c.readSeq)).toEqual([2]);
    expect(fx.server.framesOf('read').map((f) => f.seq)).toEqual([2, 2]);
    await vi.waitFor(() => expect(events.read).toHaveLength(1));
    expect(client.conversation('c1')?.readSeq).toBe(2);
  });

  it('a mark made before the summary is known shows in the summary from the welcome on', async () => {
    for (const body of ['one', 'two']) fx.server.post('c1', body);
    const client = visitor();
    const events = record(client);
    client.markRead('c1', 1);
    expect(client.conversation('c1')).toBeUndefined();
    await connected(client);
    expect(client.conversation('c1')?.readSeq).toBe(1);
    expect(events.conversation.map((c) => c.readSeq)).toEqual([1]);
    await vi.waitFor(() => expect(fx.server.marks.get('c1 visitor:v1')).toBe(1));
  });
});

describe('visitor frames', () => {
  it('an agent client emits the visitor as the server sent it', async () => {
    const client = agent();
    const events = record(client);
    await connected(client);
    const visitor = {
      id: 'v1',
      siteId: 's1',
      name: 'Nia',
      email: null,
      externalId: 'u-1',
      verified: true,
      attributes: { plan: 'pro' },
      firstSeenAt: new Date(0).toISOString(),
      lastSeenAt: new Date(1000).toISOString(),
      lastPageUrl: 'https://shop.example/cart',
      lastPageTitle: 'Cart',
      userAgent: null,
    };
    fx.server.broadcast({ t: 'visitor', visitor });
    await vi.waitFor(() => expect(events.visitor).toEqual([visitor]));
    expect(events.error).toEqual([]);
  });
});

describe('removed conversations', () => {
  it('an agent client forgets deleted conversations and says so', async () => {
    fx.server.post('c1', 'hello', { author: VISITOR });
    fx.server.post('c2', 'hi', { author: VISITOR });
    const client = agent();
    const events = record(client);
    await connected(client);
    expect(client.conversation('c1')).toBeDefined();
    fx.server.broadcast({ t: 'conversations_removed', conversationIds: ['c1'], reason: 'erased' });
    await vi.waitFor(() => expect(events.removed).toEqual([{ conversationIds: ['c1'], reason: 'erased' }]));
    expect(client.conversation('c1')).toBeUndefined();
    expect(client.conversation('c2')).toBeDefined();
    expect(events.error).toEqual([]);
  });
});
