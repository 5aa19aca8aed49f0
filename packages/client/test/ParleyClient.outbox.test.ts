import { describe, expect, it, vi } from 'vitest';
import { MemoryStorage, ParleyError } from '../src/index';
import { record, useFakeServer } from './helpers';

const fx = useFakeServer();
const { visitor } = fx;

const sendsOf = (clientMsgId: string) =>
  fx.server.framesOf('send').filter((f) => f.clientMsgId === clientMsgId);

describe('outbox', () => {
  it('resends a message whose connection died before the server stored it', async () => {
    let attempts = 0;
    fx.server.onSend = () => (++attempts === 1 ? 'dropBeforeCommit' : 'ack');
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));

    const handle = client.send('hello?');
    expect(client.pending().map((p) => p.clientMsgId)).toEqual([handle.clientMsgId]);
    const ack = await handle.acked;

    expect(ack).toMatchObject({
      clientMsgId: handle.clientMsgId,
      conversationId: 'c1',
      seq: 1,
      duplicate: false,
    });
    expect(sendsOf(handle.clientMsgId)).toHaveLength(2);
    expect(fx.server.stored('c1').map((m) => m.body)).toEqual(['hello?']);
    expect(client.pending()).toEqual([]);
    expect(events.welcome).toHaveLength(2);
    expect(events.state).toContain('reconnecting');
    await vi.waitFor(() => expect(events.message.map((m) => m.seq)).toEqual([1]));
    expect(client.messages('c1').map((m) => m.clientMsgId)).toEqual([handle.clientMsgId]);
  });

  it('stores a message once when the ack was lost after the commit', async () => {
    let attempts = 0;
    fx.server.onSend = () => (++attempts === 1 ? 'dropAfterCommit' : 'ack');
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));

    const handle = client.send('did you get this?');
    const ack = await handle.acked;

    expect(ack.duplicate).toBe(true);
    expect(ack.seq).toBe(1);
    expect(sendsOf(handle.clientMsgId)).toHaveLength(2);
    expect(fx.server.stored('c1')).toHaveLength(1);
    expect(client.pending()).toEqual([]);
    // The history fetched after the reconnect holds the same message: shown once.
    await vi.waitFor(() => expect(fx.server.framesOf('fetch').length).toBeGreaterThan(0));
    await vi.waitFor(() => expect(client.messages('c1')).toHaveLength(1));
    expect(events.message.map((m) => m.seq)).toEqual([1]);
    expect(events.ack).toHaveLength(1);
  });

  it('sends what was written offline, in order, after the first welcome', async () => {
    const client = visitor();
    const handles = ['one', 'two', 'three'].map((body) => client.send(body));
    expect(client.pending().map((p) => p.body)).toEqual(['one', 'two', 'three']);
    expect(fx.server.framesOf('send')).toEqual([]);

    client.connect();
    await Promise.all(handles.map((h) => h.acked));
    expect(fx.server.stored('c1').map((m) => [m.seq, m.body])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(fx.server.framesOf('send')).toHaveLength(3);
  });

  it('survives a page reload: a new client over the same storage sends the pending message', async () => {
    const storage = new MemoryStorage();
    const persist = { storage, key: 'parley:outbox:site:v1' };
    fx.server.onSend = () => 'dropBeforeCommit';
    const before = visitor({ persist, backoff: { baseMs: 10_000, capMs: 10_000 } });
    before.connect();
    await vi.waitFor(() => expect(before.state).toBe('open'));
    const handle = before.send('typed just before the reload');
    await vi.waitFor(() => expect(fx.server.framesOf('send')).toHaveLength(1));
    before.close();
    await expect(handle.acked).rejects.toMatchObject({ code: 'client_closed' });
    expect(storage.getItem(persist.key)).toContain(handle.clientMsgId);

    fx.server.onSend = () => 'ack';
    const after = visitor({ persist });
    const events = record(after);
    expect(after.pending().map((p) => p.clientMsgId)).toEqual([handle.clientMsgId]);
    after.connect();

    await vi.waitFor(() => expect(events.ack.map((a) => a.ack.clientMsgId)).toEqual([handle.clientMsgId]));
    expect(fx.server.stored('c1').map((m) => m.clientMsgId)).toEqual([handle.clientMsgId]);
    expect(after.pending()).toEqual([]);
    expect(storage.getItem(persist.key)).toBeNull();
  });

  it('drops a message the server refuses for good, rejecting its promise', async () => {
    const storage = new MemoryStorage();
    fx.server.onSend = () => ({ error: 'conversation_closed' });
    const client = visitor({ persist: { storage, key: 'k' } });
    const events = record(client);
    client.connect();

    const handle = client.send('too late');
    const error: unknown = await handle.acked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'conversation_closed', ref: handle.clientMsgId });
    expect(client.pending()).toEqual([]);
    expect(storage.getItem('k')).toBeNull();
    expect(events.sendFailed.map((f) => [f.pending.clientMsgId, f.error.code])).toEqual([
      [handle.clientMsgId, 'conversation_closed'],
    ]);
    expect(events.error).toEqual([]);
  });

  it('keeps a rate-limited message and resends it after a delay', async () => {
    let attempts = 0;
    fx.server.onSend = () => (++attempts <= 2 ? { error: 'rate_limited' } : 'ack');
    const client = visitor();
    client.connect();
    const handle = client.send('slow down');
    const ack = await handle.acked;
    expect(ack.seq).toBe(1);
    expect(sendsOf(handle.clientMsgId)).toHaveLength(3);
    expect(fx.server.stored('c1')).toHaveLength(1);
    expect(client.state).toBe('open');
  });

  it('refuses input the server would refuse, without queueing it', () => {
    const client = visitor();
    expect(() => client.send('   ')).toThrow(ParleyError);
    expect(() => client.send('x'.repeat(10_001))).toThrow(/body/);
    expect(() => client.send('note', { private: true })).toThrow(/agents/);
    expect(client.pending()).toEqual([]);
  });
});
