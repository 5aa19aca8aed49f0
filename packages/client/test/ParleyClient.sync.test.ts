import { MAX_RESUME_ENTRIES, type Message } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { VISITOR } from './fakeServer';
import { connected, record, sleep, useFakeServer } from './helpers';

const fx = useFakeServer();
const { visitor, agent } = fx;

const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume', () => {
  it('names the highest contiguous seq of each conversation in hello, and gets what it missed', async () => {
    const client = visitor();
    const events = record(client);
    await connected(client);
    expect(fx.server.framesOf('hello')[0]?.resume).toEqual({});
    for (const n of [1, 2, 3]) fx.server.post('c1', `live ${n}`);
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 2, 3]));

    fx.server.postSilently('c1', 'missed 4');
    fx.server.postSilently('c1', 'missed 5');
    fx.server.dropAll();

    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 2, 3, 4, 5]));
    expect(fx.server.framesOf('hello')[1]?.resume).toEqual({ c1: 3 });
    expect(events.welcome).toHaveLength(2);
    // Everything came from the resume push: nothing needed fetching.
    expect(fx.server.framesOf('fetch')).toEqual([]);
    expect(seqs(client.messages('c1'))).toEqual([1, 2, 3, 4, 5]);
  });

  it('fetches the rest when more was missed than the server pushes on resume', async () => {
    fx.server.pushLimit = 3;
    const client = visitor();
    const events = record(client);
    await connected(client);
    fx.server.post('c1', 'first');
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1]));

    for (const n of range(2, 12)) fx.server.postSilently('c1', `missed ${n}`);
    fx.server.dropAll();

    await vi.waitFor(() => expect(seqs(events.message)).toEqual(range(1, 12)));
    const fetches = fx.server.framesOf('fetch');
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches[0]?.afterSeq).toBeGreaterThanOrEqual(4);
    await sleep(100);
    expect(seqs(events.message)).toEqual(range(1, 12));
  });

  it('loads the full history of a conversation it did not know (a fresh page)', async () => {
    for (const n of range(1, 7)) fx.server.post('c1', `old ${n}`);
    const client = visitor({ fetchLimit: 3 });
    const events = record(client);
    await connected(client);
    await vi.waitFor(() => expect(seqs(events.message)).toEqual(range(1, 7)));
    expect(fx.server.framesOf('fetch').map((f) => f.afterSeq)).toEqual([0, 3, 6]);
    expect(client.conversations().map((c) => [c.id, c.lastSeq])).toEqual([['c1', 7]]);
  });
});

describe('resume limits and refusals', () => {
  it('names at most the protocol limit in resume, the most recently active, and fetches the others', async () => {
    const total = MAX_RESUME_ENTRIES + 5;
    for (const n of range(1, total)) fx.server.post(`c${n}`, `first of ${n}`, { author: VISITOR });
    const client = agent({ followAll: true });
    await connected(client);
    await vi.waitFor(() => expect(client.messages(`c${total}`)).toHaveLength(1));
    await vi.waitFor(() => expect(client.messages('c1')).toHaveLength(1));
    // Activity in c1 makes it one of the most recent.
    fx.server.post('c1', 'second in c1', { author: VISITOR });
    await vi.waitFor(() => expect(client.messages('c1')).toHaveLength(2));

    fx.server.postSilently('c2', 'missed in c2');
    fx.server.postSilently('c3', 'missed in c3');
    const fetchesBefore = fx.server.framesOf('fetch').length;
    fx.server.dropAll();
    await vi.waitFor(() => expect(fx.server.framesOf('hello')).toHaveLength(2));
    const resume = fx.server.framesOf('hello')[1]?.resume ?? {};
    expect(Object.keys(resume)).toHaveLength(MAX_RESUME_ENTRIES);
    expect(resume.c1).toBe(2);
    expect(resume[`c${total}`]).toBe(1);
    expect(resume.c2).toBeUndefined();
    await vi.waitFor(() =>
      expect(client.messages('c2').map((m) => m.body)).toEqual(['first of 2', 'missed in c2']),
    );
    await vi.waitFor(() => expect(client.messages('c3')).toHaveLength(2));
    // Only the conversations left out of resume and behind were fetched.
    const refetched = fx.server.framesOf('fetch').slice(fetchesBefore);
    expect(refetched.map((f) => f.conversationId).sort()).toEqual(['c2', 'c3']);
  });

  it('stops following a conversation the server refuses to resume', async () => {
    fx.server.post('c1', 'hello', { author: VISITOR });
    const client = agent();
    const events = record(client);
    await connected(client);
    client.follow('c1');
    client.follow('gone');
    await vi.waitFor(() => expect(events.error.map((e) => e.code)).toContain('not_found'));
    fx.server.dropAll();
    await vi.waitFor(() => expect(fx.server.framesOf('hello')).toHaveLength(2));
    expect(fx.server.framesOf('hello')[1]?.resume).toEqual({ c1: 1, gone: 0 });
    await vi.waitFor(() =>
      expect(
        events.error.filter((e) => e.source === 'server' && e.ref === 'gone').map((e) => e.code),
      ).toEqual(['not_found']),
    );
    fx.server.dropAll();
    await vi.waitFor(() => expect(fx.server.framesOf('hello')).toHaveLength(3));
    expect(fx.server.framesOf('hello')[2]?.resume).toEqual({ c1: 1 });
  });

  it('waits for the msg behind a live conversation frame instead of fetching it', async () => {
    const client = agent({ followAll: true });
    const events = record(client);
    await connected(client);
    fx.server.post('c7', 'new chat', { author: VISITOR, deliverNow: false });
    for (const conn of fx.server.openSockets()) {
      conn.socket.send(JSON.stringify({ t: 'conversation', conversation: fx.server.summary(conn, 'c7') }));
    }
    await sleep(10);
    fx.server.redeliver('c7', 1);
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1]));
    await sleep(80);
    expect(fx.server.framesOf('fetch')).toEqual([]);
    expect(events.conversation.map((c) => c.id)).toEqual(['c7']);
  });
});

describe('gaps', () => {
  it('fetches a missing seq and releases messages in order, each once', async () => {
    const client = visitor();
    const events = record(client);
    await connected(client);
    fx.server.post('c1', 'one');
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1]));

    fx.server.deliver = (message) => message.seq !== 2 && message.seq !== 3;
    for (const n of [2, 3, 4, 5]) fx.server.post('c1', `n${n}`);

    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 2, 3, 4, 5]));
    expect(fx.server.framesOf('fetch')).toEqual([
      expect.objectContaining({ conversationId: 'c1', afterSeq: 1 }),
    ]);
    expect(events.message.map((m) => m.body)).toEqual(['one', 'n2', 'n3', 'n4', 'n5']);
    expect(seqs(client.messages('c1'))).toEqual([1, 2, 3, 4, 5]);
  });

  it('moves past agents-only seqs it can never receive, without looping', async () => {
    const client = visitor();
    const events = record(client);
    await connected(client);
    fx.server.post('c1', 'hello');
    fx.server.post('c1', 'internal note', { private: true });
    fx.server.post('c1', 'how can I help?');

    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 3]));
    fx.server.post('c1', 'another note', { private: true });
    fx.server.dropAll();
    await vi.waitFor(() => expect(events.welcome).toHaveLength(2));
    await sleep(150);
    fx.server.post('c1', 'still there?');
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 3, 5]));
    await sleep(50);
    // One fetch for the hole at seq 2, one to learn that seq 4 is not for us.
    expect(fx.server.framesOf('fetch').map((f) => f.afterSeq)).toEqual([1, 3]);
    expect(client.messages('c1').map((m) => m.body)).toEqual(['hello', 'how can I help?', 'still there?']);
    expect(events.error).toEqual([]);
  });

  it.each([
    ['the msg frame', false],
    ['the ack', true],
  ])('shows its own message once when %s comes first', async (_first, ackBeforeMsg) => {
    fx.server.ackBeforeMsg = ackBeforeMsg;
    const client = visitor();
    const events = record(client);
    await connected(client);
    const { acked, clientMsgId } = client.send('mine');
    const ack = await acked;
    expect(client.pending()).toEqual([]);
    // Once acknowledged, the message is in the log, even if its msg frame has not arrived yet.
    expect(client.messages('c1').map((m) => m.clientMsgId)).toEqual([clientMsgId]);
    fx.server.post('c1', 'reply');
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 2]));
    expect(events.message[0]).toMatchObject({
      body: 'mine',
      author: VISITOR,
      clientMsgId,
      id: ack.messageId,
    });
    expect(client.messages('c1')[0]).toEqual(fx.server.stored('c1')[0]);
    expect(events.ack).toHaveLength(1);
  });

  it('puts an acknowledged message in the log even if its msg frame never comes', async () => {
    const client = visitor();
    const events = record(client);
    await connected(client);
    fx.server.deliver = () => false;
    const { acked, clientMsgId } = client.send('mine');
    await acked;
    expect(client.messages('c1')).toEqual([
      expect.objectContaining({ seq: 1, clientMsgId, body: 'mine', author: VISITOR }),
    ]);
    expect(seqs(events.message)).toEqual([1]);
    fx.server.deliver = () => true;
    fx.server.post('c1', 'reply');
    await vi.waitFor(() => expect(seqs(events.message)).toEqual([1, 2]));
    expect(fx.server.framesOf('fetch')).toEqual([]);
  });
});

describe('own messages', () => {
  it('files a message where the server stored it, even in another conversation', async () => {
    fx.server.routeSend = () => 'c2';
    const client = visitor();
    const events = record(client);
    await connected(client);
    const { acked, clientMsgId } = client.send('typed into the old chat window', { conversationId: 'c1' });
    expect((await acked).conversationId).toBe('c2');
    expect(client.pending()).toEqual([]);
    expect(client.messages('c2').map((m) => m.clientMsgId)).toEqual([clientMsgId]);
    expect(client.messages('c1')).toEqual([]);
    expect(events.message).toHaveLength(1);
  });
});

describe('agents', () => {
  it('authenticates with the cookie header and follows only what it opens', async () => {
    fx.server.post('c1', 'visitor asks', { author: VISITOR });
    fx.server.post('c2', 'other conversation', { author: VISITOR });
    const client = agent();
    const events = record(client);
    await connected(client);
    expect(fx.server.framesOf('hello')[0]).toMatchObject({ role: 'agent', resume: {} });
    expect(
      client
        .conversations()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['c1', 'c2']);

    client.follow('c1');
    await vi.waitFor(() => expect(client.messages('c1').map((m) => m.body)).toEqual(['visitor asks']));
    fx.server.post('c2', 'not followed', { author: VISITOR });
    await vi.waitFor(() => expect(events.activity.map((m) => m.body)).toEqual(['not followed']));
    expect(client.messages('c2')).toEqual([]);
    expect(client.conversation('c2')?.lastSeq).toBe(2);

    const { acked } = client.send('an answer', { conversationId: 'c1' });
    expect((await acked).seq).toBe(2);
    const note = client.send('a note', { conversationId: 'c1', private: true });
    expect((await note.acked).seq).toBe(3);
    await vi.waitFor(() =>
      expect(client.messages('c1').map((m) => [m.seq, m.private])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]),
    );
    fx.server.dropAll();
    await vi.waitFor(() => expect(fx.server.framesOf('hello')).toHaveLength(2));
    expect(fx.server.framesOf('hello')[1]?.resume).toEqual({ c1: 3 });
  });

  it('follows every conversation with followAll', async () => {
    fx.server.post('c1', 'a', { author: VISITOR });
    const client = agent({ followAll: true });
    const events = record(client);
    await connected(client);
    fx.server.post('c2', 'b', { author: VISITOR });
    await vi.waitFor(() =>
      expect(events.message.map((m) => [m.conversationId, m.seq])).toEqual([
        ['c1', 1],
        ['c2', 1],
      ]),
    );
    expect(events.activity).toEqual([]);
  });

  it('pages explicit history requests', async () => {
    for (const n of range(1, 5)) fx.server.post('c1', `m${n}`, { author: VISITOR });
    const client = agent();
    await connected(client);
    const page = await client.fetchHistory('c1', 1, 2);
    expect(page.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(page.lastSeq).toBe(5);
    client.close();
    await expect(client.fetchHistory('c1', 0)).rejects.toMatchObject({ code: 'not_connected' });
  });
});

describe('ephemeral signals', () => {
  it('throttles typing to one frame per interval, ending on the latest text', async () => {
    const client = visitor({ typingIntervalMs: 100 });
    await connected(client);
    for (const preview of ['h', 'he', 'hel', 'hell', 'hello']) client.typing('c1', preview);
    await vi.waitFor(() => expect(fx.server.framesOf('typing')).toHaveLength(2));
    await sleep(150);
    expect(fx.server.framesOf('typing').map((f) => f.preview)).toEqual(['h', 'hello']);
  });

  it('drops typing while disconnected', () => {
    const client = visitor();
    client.typing('c1', 'nobody hears this');
    expect(fx.server.framesOf('typing')).toEqual([]);
  });

  it('coalesces read marks into the highest one, and sends an offline mark after connecting', async () => {
    const client = visitor();
    client.markRead('c1', 1);
    await connected(client);
    await vi.waitFor(() => expect(fx.server.framesOf('read')).toHaveLength(1));
    for (const seq of [2, 3, 4, 3]) client.markRead('c1', seq);
    await vi.waitFor(() => expect(fx.server.framesOf('read')).toHaveLength(2));
    await sleep(30);
    expect(fx.server.framesOf('read').map((f) => f.seq)).toEqual([1, 4]);
  });
});
